import { AppError } from '../../shared/contract/errors';
import { clockTime } from '../../shared/domain/clockTime';
import { CertificateRefused } from './tls';

/** What went wrong at the HTTP level, before it becomes a user-facing AppError. */
export interface HttpFailure {
  status: number;
  method: string;
  /** API path, e.g. /api/auth */
  path: string;
  /** Portainer's `message` / `details`, when the body was Portainer's error JSON. */
  message?: string;
  details?: string;
  /** The body did not look like Portainer's JSON at all (HTML from a proxy, say). */
  notJson?: boolean;
}

/** The operation in progress, so a 409 or 400 can name the form field to fix. */
export type Operation = 'auth' | 'status' | 'createEnvironment' | 'updateEnvironment' | 'createGroup' | 'createTag' | 'createEdgeGroup' | 'trustEnvironments' | 'other';

export interface MapContext {
  baseUrl: string;
  operation: Operation;
  auth?: 'password' | 'apiKey';
  /** A refused login (403): when this process first saw the server refuse, and now (ms). */
  loginBan?: { refusedSince: number; now: number };
}

/**
 * Portainer's login limiter (api/http/server.go: security.NewRateLimiter(10, 1*time.Second,
 * 1*time.Hour), wrapped around POST /api/auth in api/http/handler/auth/handler.go): more than 10
 * logins in a second ban the address for an hour. API-key requests never pass through it.
 */
export const LOGIN_BAN_MS = 3_600_000;

/** What a 403 from POST /api/auth means and when it ends, as exactly as a client can know it. */
export function loginBanMessage(ban: MapContext['loginBan']): string {
  const what =
    "Portainer's login rate limiter has banned this address: after more than 10 login requests (POST /api/auth) in one second it refuses every login from the address for 1 hour, even with the right password.";
  if (!ban) return `${what} Wait an hour, or log in with an API key meanwhile (the limiter does not count API keys), or restart Portainer to lift the ban.`;
  const end = ban.refusedSince + LOGIN_BAN_MS;
  const minutes = Math.max(1, Math.ceil((end - ban.now) / 60_000));
  return (
    `${what} Edgedeck first saw the refusal at ${clockTime(ban.refusedSince)}, so the ban ends by ${clockTime(end)} at the latest (in at most ${minutes} min). ` +
    'Meanwhile, log in with an API key (My account → Access tokens; the limiter does not count API keys), or restart Portainer to lift the ban.'
  );
}

function portainerSays(f: HttpFailure): string {
  const parts = [f.message, f.details].filter((p): p is string => !!p && p.trim() !== '');
  return parts.length ? ` Portainer says: "${parts.join(': ').slice(0, 300)}".` : '';
}

export function notPortainer(baseUrl: string, what: string): AppError {
  return new AppError(
    'invalid_input',
    `${baseUrl} does not answer like a Portainer server (${what}). Check the address and port: Portainer listens on https://<host>:9443 (or http://<host>:9000) unless configured otherwise.`,
    'url',
  );
}

/** Maps an HTTP error status from Portainer to an error a user can act on. */
export function mapHttpFailure(f: HttpFailure, ctx: MapContext): AppError {
  const says = portainerSays(f);
  if (f.path === '/api/auth') {
    if (f.status === 422) {
      if (/oauth/i.test(f.message ?? '')) {
        return new AppError('unauthorized', `This server logs users in through OAuth; only its initial admin can log in with a password. Use an API key instead (create one under My account → Access tokens).${says}`, 'auth');
      }
      return new AppError('unauthorized', 'Wrong username or password.', 'password');
    }
    if (f.status === 403) return new AppError('forbidden', `${loginBanMessage(ctx.loginBan)}${says}`, 'password');
    if (f.status === 400) return new AppError('invalid_input', `Enter both a username and a password.${says}`, 'username');
  }
  switch (f.status) {
    case 401:
      return ctx.auth === 'apiKey'
        ? new AppError('unauthorized', `Portainer refused the API key: it is wrong, expired or was deleted. Create a new one under My account → Access tokens.${says}`, 'apiKey')
        : new AppError('unauthorized', `Portainer refused the session even after logging in again; check the username and password.${says}`, 'password');
    case 403:
      return new AppError('forbidden', `Portainer denied this request: the user lacks the rights (creating, changing and deleting environments needs an administrator).${says}`);
    case 404:
      return new AppError('not_found', `Portainer has no such resource (${f.method} ${f.path}).${says}`);
    case 409:
      if (ctx.operation === 'createEnvironment' || ctx.operation === 'updateEnvironment') {
        return new AppError('conflict', 'An environment with this name exists already.', 'name');
      }
      if (ctx.operation === 'createGroup') return new AppError('conflict', 'A group with this name exists already.', 'groupName');
      if (ctx.operation === 'createTag') return new AppError('conflict', 'A tag with this name exists already.', 'tagNames');
      if (ctx.operation === 'createEdgeGroup') return new AppError('conflict', 'An Edge group with this name exists already.', 'edgeGroupNames');
      return new AppError('conflict', `Portainer reports a conflict.${says}`);
    case 400: {
      if (ctx.operation === 'createEnvironment' && /parse host|localhost|URL/i.test(`${f.message ?? ''} ${f.details ?? ''}`)) {
        return new AppError(
          'invalid_input',
          `Portainer rejected the Portainer URL for the agents: it must be an address the Edge devices can reach (not "localhost").${says}`,
          'portainerUrl',
        );
      }
      return new AppError('invalid_input', `Portainer rejected the request.${says}`);
    }
    case 413:
      return new AppError('invalid_input', `The request is too large for Portainer.${says}`);
    case 429:
      return new AppError('unavailable', `Portainer asks to slow down (too many requests); try again in a moment.${says}`);
  }
  if (f.status >= 500) {
    return new AppError('unavailable', `Portainer at ${ctx.baseUrl} failed with HTTP ${f.status} (a server-side error; its log has the details).${says}`);
  }
  return new AppError('internal', `Portainer answered ${f.method} ${f.path} with HTTP ${f.status}.${says}`);
}

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 6; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function codeOf(e: unknown): string {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
}

export function tlsOptionsText(presented: string): string {
  return (
    `The server presents the certificate with SHA-256 fingerprint ${presented}. Choose one: ` +
    `(1) keep "system" verification and install the server's CA certificate in this computer's trust store (or give Portainer a certificate from a public CA); ` +
    `(2) "pinned": trust exactly this certificate, after checking the fingerprint on the server (e.g. openssl x509 -noout -fingerprint -sha256 -in cert.pem); ` +
    `(3) "insecure": skip verification (anyone on the network path could read the password).`
  );
}

/** Maps a failure below HTTP (TLS, DNS, TCP, timeouts, cancellation) to an AppError. */
export function mapNetworkError(err: unknown, ctx: { baseUrl: string; host: string; port: number; requestTimeoutMs: number; connectTimeoutMs: number; userAborted: boolean }): AppError {
  if (err instanceof AppError) return err;
  const all = chain(err);
  const refused = all.find((e): e is CertificateRefused => e instanceof CertificateRefused);
  if (refused) {
    if (refused.kind === 'pin-mismatch') {
      return new AppError(
        'unauthorized',
        `REFUSED: the certificate of ${ctx.host}:${ctx.port} is not the pinned one. Pinned: ${refused.pinnedSha256}. Presented now: ${refused.presentedSha256}. ` +
          `If the server's certificate was replaced on purpose, check the new fingerprint on the server and pin it again; otherwise someone may be intercepting the connection. Nothing was sent.`,
        'tls',
        { pinMismatch: { pinned: refused.pinnedSha256 ?? '', presented: refused.presentedSha256 } },
      );
    }
    return new AppError('unauthorized', `The certificate of ${ctx.host}:${ctx.port} is not trusted by this system (${refused.reason}). ${tlsOptionsText(refused.presentedSha256)}`, 'tls');
  }
  if (ctx.userAborted) return new AppError('cancelled', 'The request was cancelled.');
  for (const e of all) {
    const code = codeOf(e);
    const name = e instanceof Error ? e.name : '';
    switch (code) {
      case 'ENOTFOUND':
      case 'EAI_NONAME':
        return new AppError('unavailable', `DNS lookup failed: the name "${ctx.host}" does not resolve. Check the spelling, or use the server's IP address.`, 'url');
      case 'EAI_AGAIN':
        return new AppError('unavailable', `DNS lookup for "${ctx.host}" failed temporarily (no answer from the DNS server). Check the network and try again.`, 'url');
      case 'ECONNREFUSED':
        return new AppError('unavailable', `Nothing accepts connections at ${ctx.host}:${ctx.port} (connection refused). Check the port (Portainer uses 9443 for HTTPS, 9000 for HTTP) and that Portainer is running.`, 'url');
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return new AppError('unavailable', `No route to ${ctx.host}:${ctx.port} (${code}); check the network, VPN or firewall.`, 'url');
      case 'ECONNRESET':
      case 'UND_ERR_SOCKET':
      case 'EPIPE':
        return new AppError('unavailable', `The connection to ${ctx.host}:${ctx.port} was closed unexpectedly (${code}). A proxy or firewall may be in the way, or the port may not speak ${ctx.baseUrl.startsWith('https:') ? 'HTTPS' : 'HTTP'}.`, 'url');
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return new AppError('timeout', `Could not connect to ${ctx.host}:${ctx.port} within ${ctx.connectTimeoutMs / 1000} s; a firewall may be dropping the traffic, or the address is wrong.`, 'url');
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
        return new AppError('timeout', `Portainer at ${ctx.baseUrl} did not answer within ${ctx.requestTimeoutMs / 1000} s.`);
      case 'ERR_SSL_WRONG_VERSION_NUMBER':
      case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      case 'EPROTO':
        return new AppError('invalid_input', `${ctx.host}:${ctx.port} does not speak HTTPS (TLS handshake failed). If Portainer runs without TLS there, use http://; the HTTPS port is usually 9443.`, 'url');
      case 'ERR_TLS_CERT_ALTNAME_INVALID':
        return new AppError('unauthorized', `The certificate does not name ${ctx.host}.`, 'tls');
    }
    if (name === 'TimeoutError') return new AppError('timeout', `Portainer at ${ctx.baseUrl} did not answer within ${ctx.requestTimeoutMs / 1000} s.`);
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return new AppError('unavailable', `The TLS handshake with ${ctx.host}:${ctx.port} failed (${code}).`, 'url');
    }
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new AppError('unavailable', `Could not reach Portainer at ${ctx.baseUrl}: ${msg.slice(0, 200)}`, 'url');
}

/** Transient network failures worth a retry for idempotent requests. */
export function isRetryableNetworkError(err: unknown): boolean {
  if (chain(err).some((e) => e instanceof CertificateRefused)) return false;
  return chain(err).some((e) => ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_HEADERS_TIMEOUT'].includes(codeOf(e)));
}
