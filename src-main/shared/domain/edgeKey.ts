import { invalidInput } from '../contract/errors';
import { decodeBase64, decodeBase64Bytes, encodeBase64 } from './base64';
import type { EdgeKeyField, EdgeKeyFields, FingerprintKind, KeyWarning } from './types';
import { splitHostPort } from './hostPort';

/** The four fields of a key, without the derived `global` flag. */
export type EdgeKeyInput = Omit<EdgeKeyFields, 'global'>;

const FIELD_COUNT = 4;

/**
 * Decodes a join token (portainer-edge.md §1.2). More forgiving than the agent on purpose: it
 * takes padded keys and surrounding whitespace, so a user can inspect what they pasted.
 */
export function decodeEdgeKey(key: string): EdgeKeyFields {
  const text = key.trim();
  if (text === '') throw invalidInput('edgeKey', 'The Edge key is empty; paste the join token shown on the environment page in Portainer.');
  const decoded = decodeBase64(text, 'edgeKey');
  const parts = decoded.split('|');
  if (parts.length !== FIELD_COUNT) {
    throw invalidInput(
      'edgeKey',
      `The Edge key decodes to ${parts.length} '|'-separated field${parts.length === 1 ? '' : 's'}, but a join token has exactly ${FIELD_COUNT} (Portainer URL|tunnel address|fingerprint|environment ID); copy the whole key from Portainer again.`,
    );
  }
  const [portainerUrl, tunnelAddress, tunnelFingerprint, idText] = parts as [string, string, string, string];
  if (!/^\d+$/.test(idText)) {
    throw invalidInput('edgeKey', `The Edge key's 4th field must be the environment ID (decimal digits, 0 for a global key), but it is ${JSON.stringify(idText)}; copy the key from Portainer again.`);
  }
  const environmentId = Number(idText);
  if (!Number.isSafeInteger(environmentId)) {
    throw invalidInput('edgeKey', `The Edge key's environment ID ${idText} is too large to be a Portainer environment ID; copy the key from Portainer again.`);
  }
  return { portainerUrl, tunnelAddress, tunnelFingerprint, environmentId, global: environmentId === 0 };
}

/** True when the pasted key carries '=' padding, which the agent's RawStdEncoding decoder rejects. */
export function isPaddedEdgeKey(key: string): boolean {
  return key.trim().endsWith('=');
}

/** The one message about a padded key: the inspector shows it, the command builder refuses with it. */
export const PADDED_KEY_MESSAGE = 'The Edge key ends with "=" padding, which the agent rejects; remove the trailing "=" characters.';

/** Findings about the token text itself (not its decoded fields). */
export function inspectKeyText(key: string): KeyWarning[] {
  return isPaddedEdgeKey(key) ? [warn('key', PADDED_KEY_MESSAGE)] : [];
}

/** Builds a join token the way the server does: fields joined by '|', unpadded standard base64. */
export function encodeEdgeKey(fields: EdgeKeyInput): string {
  const textFields = ['portainerUrl', 'tunnelAddress', 'tunnelFingerprint'] as const;
  for (const name of textFields) {
    const value = fields[name];
    if (typeof value !== 'string') throw invalidInput(name, `${name} must be text.`);
    if (value.includes('|')) {
      throw invalidInput(name, `${name} contains '|', which separates the fields of an Edge key, so the agent would misread the key; remove the '|'.`);
    }
  }
  const id = fields.environmentId;
  if (!Number.isSafeInteger(id) || id < 0) {
    throw invalidInput('environmentId', `The environment ID must be a whole number of 0 or more (0 makes a global key), but it is ${String(id)}.`);
  }
  const joined = [fields.portainerUrl, fields.tunnelAddress, fields.tunnelFingerprint, String(id)].join('|');
  return encodeBase64(joined, { padded: false }, 'edgeKey');
}

const MD5_FULL = /^[0-9a-f]{2}(:[0-9a-f]{2}){15}$/;
// The agent compares legacy fingerprints by prefix, so a shortened one still verifies (less strictly).
const MD5_CHARS = /^[0-9a-f:]+$/;

export function fingerprintKind(fp: string): FingerprintKind {
  if (fp === '') return 'none';
  if (/^[A-Za-z0-9+/]{43}=$/.test(fp) && decodeBase64Bytes(fp).length === 32) return 'sha256';
  if (fp.length <= 47 && (MD5_FULL.test(fp) || isMd5Prefix(fp))) return 'md5';
  return 'unknown';
}

function isMd5Prefix(fp: string): boolean {
  if (!MD5_CHARS.test(fp)) return false;
  // Every 3rd character must be ':' and nothing else: "ab:cd:e" is a prefix, "ab:c:d" is not.
  for (let i = 0; i < fp.length; i++) {
    const isColonSlot = i % 3 === 2;
    if (isColonSlot !== (fp[i] === ':')) return false;
  }
  return true;
}

/** Findings that do not make the key invalid but that usually break or weaken the connection. */
export function inspectEdgeKey(fields: EdgeKeyInput): KeyWarning[] {
  return [...inspectUrl(fields.portainerUrl), ...inspectTunnel(fields.tunnelAddress), ...inspectFingerprint(fields.tunnelFingerprint), ...inspectId(fields.environmentId)];
}

function warn(field: EdgeKeyField, message: string): KeyWarning {
  return { field, level: 'warn', message };
}
function info(field: EdgeKeyField, message: string): KeyWarning {
  return { field, level: 'info', message };
}

function reachabilityWarning(field: EdgeKeyField, host: string, cls: HostClass): KeyWarning | undefined {
  const what: Partial<Record<HostClass, string>> = {
    localhost: 'is localhost',
    loopback: 'is a loopback address',
    'link-local': 'is a link-local address',
    private: 'is a private-network address',
  };
  const reason = what[cls];
  if (!reason) return undefined;
  const advice =
    cls === 'private'
      ? 'that works only if every Edge device is on the same network; otherwise use an address the devices can reach'
      : 'an Edge device elsewhere cannot reach it; use an address or name the devices can reach';
  return warn(field, `The host ${host} ${reason}: ${advice}.`);
}

function inspectUrl(url: string): KeyWarning[] {
  const out: KeyWarning[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [warn('portainerUrl', `${JSON.stringify(url)} is not a URL; the agent needs the Portainer address such as https://portainer.example.com:9443.`)];
  }
  if (parsed.protocol === 'http:') {
    out.push(warn('portainerUrl', 'The URL uses http: the agent warns about it, and its polls (including tunnel credentials) travel unprotected; use https.'));
  } else if (parsed.protocol !== 'https:') {
    out.push(warn('portainerUrl', `The URL scheme ${parsed.protocol.slice(0, -1)} is not http or https, so the agent cannot poll it; use https://<host>:<port>.`));
  }
  if (url.endsWith('/')) {
    out.push(warn('portainerUrl', 'The URL ends with "/": the agent appends "/api/..." and requests "//api/...", which Portainer does not serve; remove the trailing slash.'));
  }
  const host = parsed.hostname;
  if (host) {
    const w = reachabilityWarning('portainerUrl', host, hostClass(host));
    if (w) out.push(w);
  }
  return out;
}

function inspectTunnel(address: string): KeyWarning[] {
  const out: KeyWarning[] = [];
  let rest = address;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(address);
  if (scheme) {
    out.push(info('tunnelAddress', `The tunnel address carries a scheme (${scheme[1]}://); the agent keeps it and switches http to ws, so plain host:port is the usual form.`));
    rest = address.slice(scheme[0].length);
  }
  rest = rest.replace(/\/.*$/, '');
  if (rest === '') {
    out.push(warn('tunnelAddress', 'The tunnel address is empty, so the agent cannot open a tunnel; set it to <portainer host>:8000.'));
    return out;
  }
  const { host, port, unbracketedV6 } = splitHostPort(rest);
  if (unbracketedV6) {
    const w = parseIPv6(host)
      ? `The tunnel address ${rest} looks like an IPv6 address with a port but no brackets; the agent cannot parse it. Write it as [address]:port.`
      : `The tunnel address ${rest} has more than one ':'; write it as host:port (IPv6 as [address]:port).`;
    out.push(warn('tunnelAddress', w));
    return out;
  }
  if (port === undefined || port === '') {
    out.push(warn('tunnelAddress', `The tunnel address has no port, so the agent connects to port 80; add the tunnel port (default 8000), e.g. ${host}:8000.`));
  } else if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    out.push(warn('tunnelAddress', `The tunnel port ${JSON.stringify(port)} is not a port number from 1 to 65535; fix it (the default is 8000).`));
  }
  const w = reachabilityWarning('tunnelAddress', host, hostClass(host));
  if (w) out.push(w);
  return out;
}

function inspectFingerprint(fp: string): KeyWarning[] {
  switch (fingerprintKind(fp)) {
    case 'none':
      return [warn('tunnelFingerprint', 'The fingerprint is empty, so the tunnel server host key is not verified and anyone on the path could pose as Portainer; use the key Portainer generated.')];
    case 'md5':
      if (fp.length < 47) {
        return [warn('tunnelFingerprint', `The fingerprint is a shortened legacy MD5 fingerprint (${fp.length} of 47 characters); the agent accepts any host key that starts with it, which is weaker. Use the full fingerprint.`)];
      }
      return [info('tunnelFingerprint', 'The fingerprint is a legacy MD5 (server ≤ 2.18) fingerprint; agents 2.13 and later still verify it, and newer servers issue SHA-256 ones.')];
    case 'sha256':
      return [];
    case 'unknown': {
      const hint = /^SHA256:[A-Za-z0-9+/]{43}$/.test(fp)
        ? ' It looks like an OpenSSH fingerprint: drop the "SHA256:" prefix and add one "=" at the end.'
        : ' Expected 44 characters of base64 ending in "=" (SHA-256) or colon-separated hex (legacy MD5).';
      return [warn('tunnelFingerprint', `The fingerprint is in no form the agent knows, so the tunnel will fail host-key verification.${hint}`)];
    }
  }
}

function inspectId(id: number): KeyWarning[] {
  if (id !== 0) return [];
  return [
    info(
      'environmentId',
      'Environment ID 0 makes a global key: the agent asks the server for its environment by Edge ID. On Community Edition that only works when an environment with this Edge ID already exists.',
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Host classification, shared with the server and SSH forms.

/**
 * Classifies a host by how likely a remote Edge device can reach it. Only IP literals and the
 * name `localhost` can be judged without DNS; every other name is 'name'.
 */
export type HostClass = 'localhost' | 'loopback' | 'link-local' | 'private' | 'public' | 'name';

export function hostClass(host: string): HostClass {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return 'localhost';
  const v4 = parseIPv4(h);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(h);
  if (v6) return classifyIPv6(v6);
  return 'name';
}

export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Returns the eight 16-bit groups, or undefined when the text is not an IPv6 literal. */
export function parseIPv6(text: string): number[] | undefined {
  let t = text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return undefined;
  const lastColon = t.lastIndexOf(':');
  const last = t.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    t = `${t.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1) return total === 8 ? head : undefined;
  if (total > 7) return undefined;
  return [...head, ...new Array<number>(8 - total).fill(0), ...rest];
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function classifyIPv4([a, b]: number[]): HostClass {
  // 0.0.0.0/8 means "this host": connecting to it reaches the local machine, so treat it as loopback.
  if (a === 127 || a === 0) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return 'private';
  return 'public';
}

function classifyIPv6(g: number[]): HostClass {
  const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUpTo(7) && (g[7] === 1 || g[7] === 0)) return 'loopback';
  if (allZeroUpTo(5) && g[5] === 0xffff) {
    return classifyIPv4([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  }
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  return 'public';
}
