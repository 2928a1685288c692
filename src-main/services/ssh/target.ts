import { invalidInput } from '../../shared/contract/errors';

/** One SSH destination as the user wrote it: `user@host[:port]`, IPv6 literals in brackets. */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  /** The text as given (used as the display name and the transcript key). */
  raw: string;
}

const HOST_CHARS = /^[A-Za-z0-9._%-]+$/;

/**
 * Parses `user@host`, `user@host:2222`, `user@[::1]:2222`, `[fe80::1%eth0]`, or a bare IPv6
 * literal without a port (`user@::1`). Refuses whitespace, shell or option-like text.
 */
export function parseTarget(text: string, field = 'target'): SshTarget {
  const raw = text.trim();
  if (raw === '') throw invalidInput(field, 'The target is empty; write user@host or user@host:port.');
  if (/\s/.test(raw) || raw.startsWith('-')) throw invalidInput(field, `${JSON.stringify(text)} is not user@host[:port].`);
  const at = raw.lastIndexOf('@');
  const user = at >= 0 ? raw.slice(0, at) : undefined;
  const rest = at >= 0 ? raw.slice(at + 1) : raw;
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._@-]*$/.test(user)) {
    throw invalidInput(field, `The user name in ${JSON.stringify(text)} is not valid.`);
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw invalidInput(field, `${JSON.stringify(text)}: an IPv6 address in brackets needs the closing ']'.`);
    host = rest.slice(1, close);
    const tail = rest.slice(close + 1);
    if (tail !== '') {
      if (!tail.startsWith(':')) throw invalidInput(field, `${JSON.stringify(text)}: expected ':port' after ']'.`);
      portText = tail.slice(1);
    }
    if (!/^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/.test(host) || !host.includes(':')) {
      throw invalidInput(field, `${JSON.stringify(host)} is not an IPv6 address.`);
    }
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    // A bare IPv6 literal: it cannot carry a port without brackets.
    if (!/^[0-9A-Fa-f:.]+$/.test(rest)) throw invalidInput(field, `${JSON.stringify(rest)} is not an IPv6 address; write [addr]:port.`);
    host = rest;
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!HOST_CHARS.test(host)) throw invalidInput(field, `${JSON.stringify(host)} is not a host name or address.`);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw invalidInput(field, `${JSON.stringify(portText)} is not a port (1-65535).`);
  }
  const out: SshTarget = { host, raw };
  if (user !== undefined && user !== '') out.user = user;
  if (port !== undefined) out.port = port;
  return out;
}

/** user@host:port as one string, with IPv6 in brackets. */
export function formatTarget(t: { user?: string; host: string; port?: number }): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.user ? `${t.user}@` : ''}${host}${t.port && t.port !== 22 ? `:${t.port}` : ''}`;
}

/** The name OpenSSH writes in known_hosts: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A file-system safe name for a target (transcripts). */
export function targetSlug(t: SshTarget | string): string {
  const s = typeof t === 'string' ? t : t.raw;
  return s.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 120);
}
