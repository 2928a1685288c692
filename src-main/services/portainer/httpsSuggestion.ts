import type { ServerProbeView } from '../../shared/schemas/portainer';
import { probeCertificate } from './tls';
import { hostPort } from './url';

/** Ports that are HTTPS by convention: 443, and 9443 where Portainer serves HTTPS by default. */
const HTTPS_PORTS = new Set([443, 9443]);

/** How long the TLS check of an http:// address may take (it only adds a hint). */
const TLS_CHECK_MS = 3000;

/**
 * For an http:// base URL: whether https:// is what was meant. A TLS handshake answered on the
 * same host and port is proof (the port speaks HTTPS, so http:// cannot reach Portainer there);
 * without it, an http:// that failed on 443 or 9443 is only a likely mistake, and said so.
 * Undefined when there is nothing to suggest.
 */
export async function httpsSuggestionFor(httpBase: string, httpAnswered: boolean): Promise<ServerProbeView['httpsSuggestion']> {
  const url = `https://${httpBase.slice('http://'.length)}`;
  const { port } = hostPort(httpBase);
  let tls = false;
  try {
    await probeCertificate(url, { timeoutMs: TLS_CHECK_MS });
    tls = true;
  } catch {
    // No TLS there (or nothing at all): only the port's convention is left to go by.
  }
  if (tls) {
    return { url, reason: 'tls-answered', message: `Port ${port} answered a TLS handshake: the server speaks HTTPS there, so http:// cannot work. Use ${url}.` };
  }
  if (!httpAnswered && HTTPS_PORTS.has(port)) {
    return { url, reason: 'https-port', message: `Port ${port} is usually HTTPS${port === 9443 ? " (Portainer's default)" : ''}, and http:// got no Portainer answer there. Try ${url}.` };
  }
  return undefined;
}
