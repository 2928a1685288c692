import type { EdgeKeyFields } from './types';

/** Where a server listens, as a join token should name it. */
export interface ServerAddress {
  /** The API URL (scheme, host, port). */
  url: string;
  /** host:port of the tunnel (chisel) server, when known (the local server; a CE server's is host:8000 by default). */
  tunnelAddress?: string;
}

/** `https://h:1/` and `https://h:1` are the same server for an agent's purposes; anything unparsable stays as typed. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.trim();
  }
}

export function sameServerUrl(a: string, b: string): boolean {
  return originOf(a) === originOf(b);
}

/**
 * Why a join token would not reach the server it belongs to. `strict`: we know exactly where the
 * server listens (the app's own local server), so any difference is a dead address. Otherwise
 * (a real Portainer) agents may reach it under another name than this app uses, so the URL is
 * only flagged when it matches neither the address the app uses nor the server's Edge URL setting.
 */
export function tokenAddressWarnings(fields: Pick<EdgeKeyFields, 'portainerUrl' | 'tunnelAddress'>, server: ServerAddress & { edgeUrl?: string }, strict: boolean): string[] {
  const out: string[] = [];
  const urlMatches = sameServerUrl(fields.portainerUrl, server.url) || (!!server.edgeUrl && sameServerUrl(fields.portainerUrl, server.edgeUrl));
  if (!urlMatches) {
    out.push(
      strict
        ? `The join token's Portainer URL ${fields.portainerUrl} is not where this server listens (${server.url}): an agent installed with it cannot poll. Use a fresh token (re-create the environment, or restart the local server on its old ports).`
        : `The join token's Portainer URL ${fields.portainerUrl} is not the address this app uses for the server (${server.url}). That is fine if Edge devices reach the server under that name; otherwise agents installed with this token cannot poll.`,
    );
  }
  if (server.tunnelAddress && fields.tunnelAddress !== server.tunnelAddress) {
    out.push(
      `The join token's tunnel address ${fields.tunnelAddress} is not where this server's tunnel listens (${server.tunnelAddress}): the agent's tunnel will not open. Use a fresh token.`,
    );
  }
  return out;
}

/**
 * The token fields a server issues after it moved from `from` to `to`: the URL and tunnel address
 * that named the old place are replaced, anything else (a name the user chose) is kept. Undefined
 * when the token did not name the old place at all.
 */
export function movedTokenFields<T extends Pick<EdgeKeyFields, 'portainerUrl' | 'tunnelAddress'>>(fields: T, from: Required<ServerAddress>, to: Required<ServerAddress>): T | undefined {
  const urlMoved = sameServerUrl(fields.portainerUrl, from.url) && !sameServerUrl(from.url, to.url);
  const tunnelMoved = fields.tunnelAddress === from.tunnelAddress && from.tunnelAddress !== to.tunnelAddress;
  if (!urlMoved && !tunnelMoved) return undefined;
  return { ...fields, ...(urlMoved ? { portainerUrl: originOf(to.url) } : {}), ...(tunnelMoved ? { tunnelAddress: to.tunnelAddress } : {}) };
}
