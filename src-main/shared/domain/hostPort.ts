/**
 * Ports of the addresses a join token carries, read the way the agent reads them, so every hint
 * names the ports of the server in question rather than Portainer's defaults (9443, 8000).
 */

/** Splits a tunnel address (after any scheme and path) into host and port text, as the agent does. */
export function splitHostPort(address: string): { host: string; port?: string; unbracketedV6?: boolean } {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end > 0) {
      const rest = address.slice(end + 1);
      return rest.startsWith(':') ? { host: address.slice(0, end + 1), port: rest.slice(1) } : { host: address.slice(0, end + 1) };
    }
  }
  const colons = address.split(':').length - 1;
  if (colons > 1) return { host: address, unbracketedV6: true };
  const i = address.indexOf(':');
  return i < 0 ? { host: address } : { host: address.slice(0, i), port: address.slice(i + 1) };
}

const validPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** The tunnel server's host (brackets removed) and port, when the address names a valid one. */
export function tunnelHostPort(address: string): { host: string; port: number } | undefined {
  const rest = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
  const { host, port, unbracketedV6 } = splitHostPort(rest);
  if (unbracketedV6 || port === undefined || !/^\d+$/.test(port) || !validPort(Number(port)) || host === '') return undefined;
  return { host: host.replace(/^\[|\]$/g, ''), port: Number(port) };
}

/** The port a URL connects to: the one it names, or its scheme's (443 for https, 80 for http). */
export function urlPort(url: string): number | undefined {
  try {
    const u = new URL(url);
    if (u.port) return Number(u.port);
    return u.protocol === 'https:' || u.protocol === 'wss:' ? 443 : u.protocol === 'http:' || u.protocol === 'ws:' ? 80 : undefined;
  } catch {
    return undefined;
  }
}
