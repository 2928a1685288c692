import { invalidInput } from '../../shared/contract/errors';

/**
 * The base URL of a Portainer server as the client uses it: scheme, host, port and any path
 * prefix (a reverse proxy may serve Portainer under /portainer), never a trailing slash or a
 * trailing /api (people paste the API URL as often as the UI URL).
 */
export function normaliseBaseUrl(input: string, field = 'url'): string {
  const text = input.trim();
  if (text === '') throw invalidInput(field, 'Enter the Portainer server address, e.g. https://portainer.example.com:9443.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : null;
  if (!withScheme) {
    // Suggest the https:// form only when that form is itself a valid address: a fix built from
    // text that is no address at all ("https://not a url") would only fail again.
    const candidate = schemeFixOf(text);
    throw invalidInput(
      field,
      candidate
        ? `"${text.slice(0, 200)}" has no scheme; write it as ${candidate} (or http:// for a server without TLS).`
        : `"${text.slice(0, 200)}" is not a server address; enter one such as https://portainer.example.com:9443.`,
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(field, `"${text.slice(0, 200)}" is not a valid URL; write it as https://host:port.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidInput(field, `The scheme ${url.protocol.slice(0, -1)} is not supported; Portainer answers on https:// (default port 9443) or http:// (9000).`);
  }
  if (url.hostname === '') throw invalidInput(field, 'The URL has no host name.');
  if (url.username || url.password) {
    throw invalidInput(field, 'Do not put credentials in the URL; enter the username and password (or API key) in their own fields.');
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/api$/i.test(path)) path = path.slice(0, -4);
  path = path.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** `https://<text>` when that is a valid server address (no spaces, a host), else undefined. */
function schemeFixOf(text: string): string | undefined {
  if (/\s/.test(text) || text.length > 2048) return undefined;
  try {
    return normaliseBaseUrl(`https://${text}`);
  } catch {
    return undefined;
  }
}

/** host:port of a base URL, with the scheme's default port filled in (for messages and probes). */
export function hostPort(baseUrl: string): { host: string; port: number; https: boolean } {
  const url = new URL(baseUrl);
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : https ? 443 : 80, https };
}
