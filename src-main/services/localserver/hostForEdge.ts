/**
 * Portainer's `edge.ParseHostForEdge` (api/internal/edge/url.go), re-implemented from its
 * documented behaviour: Go url.Parse, then net.SplitHostPort on the Host (falling back to the
 * whole Host), refusing an empty host and the exact host `localhost`.
 * Returns the host, or an error text (the caller answers 400 `Unable to parse host`).
 */
export function parseHostForEdge(rawUrl: string): { host: string } | { error: string } {
  const parsed = goUrlHost(rawUrl);
  if ('error' in parsed) return parsed;
  let host = parsed.host;
  const split = splitHostPort(host);
  if (split) host = split.host;
  if (host === '') return { error: 'hostname cannot be empty' };
  if (host === 'localhost') return { error: 'cannot use localhost as environment URL' };
  return { host };
}

/** The `Host` part Go's url.Parse would give (host[:port], brackets kept), or its error. */
function goUrlHost(raw: string): { host: string } | { error: string } {
  // eslint-disable-next-line no-control-regex -- Go's url.Parse refuses control characters; so do we
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: `parse "${raw}": net/url: invalid control character in URL` };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  let rest = raw;
  if (scheme) {
    rest = raw.slice(scheme[0].length);
  } else {
    const colon = raw.indexOf(':');
    const slash = raw.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) {
      return { error: colon === 0 ? `parse "${raw}": missing protocol scheme` : `parse "${raw}": first path segment in URL cannot contain colon` };
    }
  }
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) rest = rest.slice(0, queryAt);
  if (!rest.startsWith('//')) return { host: '' };
  let authority = rest.slice(2);
  const end = authority.indexOf('/');
  if (end >= 0) authority = authority.slice(0, end);
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  if (/[\s"<>\\^`{|}]/.test(host)) return { error: `parse "${raw}": invalid character in host name` };
  if (host.startsWith('[') && !/^\[[^\]]*\](:\d*)?$/.test(host)) return { error: `parse "${raw}": invalid IPv6 host` };
  return { host };
}

/** net.SplitHostPort: undefined when there is no port (Go returns an error then). */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0 || hostport[close + 1] !== ':') return undefined;
    return { host: hostport.slice(1, close), port: hostport.slice(close + 2) };
  }
  const last = hostport.lastIndexOf(':');
  if (last < 0 || hostport.indexOf(':') !== last) return undefined;
  return { host: hostport.slice(0, last), port: hostport.slice(last + 1) };
}
