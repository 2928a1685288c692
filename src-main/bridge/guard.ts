import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the loopback bridge. A per-launch random token must come with every
 * request (cookie for the browser, bearer header for scripts), and Host/Origin must name
 * this very listener, which defeats DNS rebinding and cross-site requests.
 */
/**
 * The cookie's name carries the port: browsers share cookies across ports of one host, so with one
 * name every `edgedeck serve` on 127.0.0.1 overwrote the others' (and a page of one sent its token
 * to all of them).
 */
export function tokenCookie(port: number): string {
  return `edgedeck_token_${port}`;
}

export interface BridgeGuard {
  /** Host header values we answer to, e.g. `127.0.0.1:5173`, `localhost:5173`. */
  allowedHosts: Set<string>;
  token: string;
  /** tokenCookie(port), set once the port is known. */
  cookieName: string;
}

export function hostsFor(host: string, port: number): Set<string> {
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  if (host === '::1') names.add('[::1]');
  return new Set([...names].filter((n) => n !== '::1').map((n) => `${n}:${port}`));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return safeDecode(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** decodeURIComponent that answers undefined for bad percent-encoding (`%E0%A4%A`) instead of throwing. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; message: string };

/** Host and Origin checks only (the token is checked separately so `/?token=` can set the cookie). */
export function checkOrigin(req: IncomingMessage, guard: BridgeGuard): GuardVerdict {
  const host = req.headers.host ?? '';
  if (!guard.allowedHosts.has(host)) {
    return { ok: false, status: 421, message: `This Edgedeck bridge only answers to ${[...guard.allowedHosts][0]}.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    return { ok: false, status: 403, message: 'Cross-origin requests are refused.' };
  }
  return { ok: true };
}

export function presentedToken(req: IncomingMessage, guard: BridgeGuard): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookieValue(req.headers.cookie, guard.cookieName);
}

export function checkToken(candidate: string | undefined, guard: BridgeGuard): boolean {
  return candidate !== undefined && safeEqual(candidate, guard.token);
}
