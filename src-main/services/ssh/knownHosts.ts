import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { shellQuote } from '../../shared/domain/shellQuote';
import { formatTarget } from '../../shared/domain/sshTarget';
import type { KnownHostsForgetView, KnownHostView } from '../../shared/schemas/knownHosts';
import type { KeyValueStore } from '../stores/keyValueStore';

/**
 * Host keys: the app's own known-hosts store (KeyValueStore-backed, writable) plus read-only
 * OpenSSH known_hosts files (plain names, `[host]:port`, hashed `|1|salt|hash` entries, simple
 * `*`/`?`/`!` patterns, `@revoked`, and `@cert-authority` for host certificates: hostCertificate.ts).
 * There is no "skip" path: every connection is checked here.
 */

export interface HostKey {
  /** Key type from the SSH wire blob, e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa. */
  type: string;
  /** Base64 of the wire blob (as in known_hosts). */
  base64: string;
}

export interface StoredHostKey extends HostKey {
  fingerprint: string;
  addedAt: string;
}

export type HostKeyVerdict =
  | { kind: 'known'; source: 'app' | 'file' }
  | { kind: 'unknown'; otherTypesKnown: string[] }
  | { kind: 'changed'; knownFingerprints: string[]; source: 'app' | 'file'; files?: string[] }
  | { kind: 'revoked' };

/** OpenSSH-style SHA256 fingerprint of a wire-format public key blob. */
export function fingerprintOf(blob: Buffer | string): string {
  const buf = typeof blob === 'string' ? Buffer.from(blob, 'base64') : blob;
  return 'SHA256:' + createHash('sha256').update(buf).digest('base64').replace(/=+$/, '');
}

/** The key type named at the start of an SSH public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function hostKeyOf(blob: Buffer): HostKey {
  return { type: keyTypeOf(blob), base64: blob.toString('base64') };
}

interface FileEntry {
  marker?: 'revoked' | 'cert-authority';
  hosts: string;
  type: string;
  base64: string;
  /** 1-based line in its file. */
  line: number;
  file?: string;
}

export function parseKnownHosts(text: string): FileEntry[] {
  const out: FileEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker: FileEntry['marker'];
    if (parts[0]?.startsWith('@')) {
      const m = parts.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hosts, type, base64] = parts;
    if (!hosts || !type || !base64) continue;
    out.push(marker ? { marker, hosts, type, base64, line: i + 1 } : { hosts, type, base64, line: i + 1 });
  }
  return out;
}

/** Whether a known_hosts host field (comma list, hashed, patterns, negation) names `name`. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const p of field.split(',')) {
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    const re = new RegExp('^' + pat.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    if (re.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

const STORE_KEY = 'ssh.knownHosts';

/** The app's writable known-hosts, keyed by the known_hosts name (`host` or `[host]:port`). */
export class AppKnownHosts {
  constructor(private readonly store: KeyValueStore) {}

  list(name: string): StoredHostKey[] {
    return this.all()[name] ?? [];
  }

  all(): Record<string, StoredHostKey[]> {
    return this.store.get<Record<string, StoredHostKey[]>>(STORE_KEY) ?? {};
  }

  remember(name: string, key: HostKey, now = new Date()): StoredHostKey {
    const all = this.all();
    const entry: StoredHostKey = { ...key, fingerprint: fingerprintOf(key.base64), addedAt: now.toISOString() };
    const kept = (all[name] ?? []).filter((k) => k.type !== key.type);
    all[name] = [...kept, entry];
    this.store.set(STORE_KEY, all);
    return entry;
  }

  /** Removes the keys of a host (the user does this deliberately after a legitimate key change); how many went. */
  forget(name: string): number {
    const all = this.all();
    const removed = all[name]?.length ?? 0;
    delete all[name];
    this.store.set(STORE_KEY, all);
    return removed;
  }
}

export interface HostKeyDatabaseOptions {
  app: AppKnownHosts;
  /** Read-only OpenSSH files (e.g. ~/.ssh/known_hosts); missing files are skipped. */
  files?: string[];
}

/** All host-key sources together. Key types in the RSA family compare as one type. */
export class HostKeyDatabase {
  constructor(private readonly o: HostKeyDatabaseOptions) {}

  get app(): AppKnownHosts {
    return this.o.app;
  }

  /** The OpenSSH files read (read-only). */
  get files(): string[] {
    return this.o.files ?? [];
  }

  /** Every line of the OpenSSH files, with its file (missing files are skipped). */
  private allFileEntries(): FileEntry[] {
    const out: FileEntry[] = [];
    for (const f of this.files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      for (const e of parseKnownHosts(text)) out.push({ ...e, file: f });
    }
    return out;
  }

  private fileEntries(names: string[]): FileEntry[] {
    return this.allFileEntries().filter((e) => e.marker !== 'cert-authority' && names.some((n) => hostFieldMatches(e.hosts, n)));
  }

  /** Every key on record, Edgedeck's own first (newest first), then the files' lines in order. */
  list(): KnownHostView[] {
    const app: KnownHostView[] = Object.entries(this.o.app.all()).flatMap(([name, keys]) =>
      keys.map((k) => ({ name, ...nameParts(name), keyType: k.type, fingerprint: k.fingerprint, addedAt: k.addedAt, source: 'app' as const })),
    );
    app.sort((a, b) => (b.addedAt ?? '').localeCompare(a.addedAt ?? ''));
    const files: KnownHostView[] = this.allFileEntries().map((e) => ({
      name: e.hosts,
      ...nameParts(e.hosts),
      keyType: e.type,
      fingerprint: fingerprintOf(e.base64),
      source: 'file' as const,
      file: e.file!,
      line: e.line,
      ...(e.marker ? { marker: e.marker } : {}),
    }));
    return [...app, ...files];
  }

  /**
   * Forgets a host's keys in Edgedeck's store. Lines of OpenSSH files that name the host stay
   * (Edgedeck never edits them): each comes back with the command that removes it.
   */
  forget(name: string): KnownHostsForgetView {
    const removed = this.o.app.forget(name);
    const inFiles = this.fileEntries([name])
      .filter((e) => !e.marker)
      .map((e) => ({ file: e.file!, line: e.line, command: sshKeygenRemove(name, e.file!) }));
    return { name, removed, inFiles };
  }

  /** The `@cert-authority` keys whose host patterns name one of `names`, and the keys marked `@revoked` for them. */
  certAuthorities(names: string[]): { cas: HostKey[]; revoked: Set<string> } {
    const cas: HostKey[] = [];
    const revoked = new Set<string>();
    for (const e of this.allFileEntries()) {
      if (!e.marker || !names.some((n) => hostFieldMatches(e.hosts, n))) continue;
      if (e.marker === 'cert-authority') cas.push({ type: e.type, base64: e.base64 });
      else revoked.add(e.base64);
    }
    return { cas, revoked };
  }

  /** Key types known for a host, to order the server host key algorithms (known types first). */
  knownTypes(names: string[]): string[] {
    const types = new Set<string>();
    for (const n of names) for (const k of this.o.app.list(n)) types.add(k.type);
    for (const e of this.fileEntries(names)) if (!e.marker) types.add(e.type);
    return [...types];
  }

  /**
   * `names`: the known_hosts names to try, most specific first (e.g. `[1.2.3.4]:2222` then the
   * alias the user typed). A key of the same type that differs is a change; keys of other types
   * only make the host "unknown for this type".
   */
  verify(names: string[], key: HostKey): HostKeyVerdict {
    const fileEntries = this.fileEntries(names);
    if (fileEntries.some((e) => e.marker === 'revoked' && e.base64 === key.base64)) return { kind: 'revoked' };
    const appKeys = names.flatMap((n) => this.o.app.list(n));
    if (appKeys.some((k) => k.base64 === key.base64)) return { kind: 'known', source: 'app' };
    const plain = fileEntries.filter((e) => !e.marker);
    if (plain.some((e) => e.base64 === key.base64)) return { kind: 'known', source: 'file' };
    const family = typeFamily(key.type);
    const sameTypeApp = appKeys.filter((k) => typeFamily(k.type) === family);
    if (sameTypeApp.length) return { kind: 'changed', source: 'app', knownFingerprints: sameTypeApp.map((k) => k.fingerprint) };
    const sameTypeFile = plain.filter((e) => typeFamily(e.type) === family);
    if (sameTypeFile.length) {
      return { kind: 'changed', source: 'file', knownFingerprints: sameTypeFile.map((e) => fingerprintOf(e.base64)), files: [...new Set(sameTypeFile.map((e) => e.file!))] };
    }
    const others = new Set([...appKeys.map((k) => k.type), ...plain.map((e) => e.type)]);
    return { kind: 'unknown', otherTypesKnown: [...others] };
  }
}

/** `host`/`[host]:port` → its parts; a pattern list or hashed field has no one host. */
function nameParts(field: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(field);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  if (/[,*?!|]/.test(field)) return { host: '', port: 22 };
  return { host: field, port: 22 };
}

/** The CLI command that forgets a host's keys in Edgedeck's store. */
export function forgetCommand(name: string): string {
  return `edgedeck known-hosts forget ${shellQuote(formatTarget(nameParts(name)))}`;
}

/** OpenSSH's own command to remove a host's lines from a known_hosts file. */
export function sshKeygenRemove(name: string, file: string): string {
  return `ssh-keygen -R ${shellQuote(name)} -f ${shellQuote(file)}`;
}

function typeFamily(t: string): string {
  return t === 'ssh-rsa' || t.startsWith('rsa-sha2-') ? 'rsa' : t;
}

const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Server host key algorithms with the known types first, like OpenSSH does, so a known key is the one offered. */
export function hostKeyAlgorithmOrder(knownTypes: string[]): string[] {
  const families = new Set(knownTypes.map(typeFamily));
  const first = DEFAULT_HOST_KEY_ALGOS.filter((a) => families.has(a.startsWith('rsa-sha2-') || a === 'ssh-rsa' ? 'rsa' : a));
  return [...first, ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !first.includes(a))];
}
