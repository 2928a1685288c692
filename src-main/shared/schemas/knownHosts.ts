import { z } from 'zod';

/** Requests and views of the SSH known hosts (Settings → SSH known hosts, `edgedeck known-hosts`). */

/** One host key on record: in Edgedeck's own store (forgettable) or a line of an OpenSSH known_hosts file (read-only). */
export interface KnownHostView {
  /** The known_hosts name: `host` on port 22, else `[host]:port`; a hashed file entry shows `|1|…`. */
  name: string;
  /** Empty for a hashed file entry (the name cannot be read back). */
  host: string;
  port: number;
  keyType: string;
  /** OpenSSH's SHA256:… fingerprint. */
  fingerprint: string;
  /** ISO time the key was remembered (Edgedeck's store only; files do not say). */
  addedAt?: string;
  source: 'app' | 'file';
  /** The file and 1-based line of a file entry. */
  file?: string;
  line?: number;
  /** `@cert-authority` (a CA trusted for host certificates) or `@revoked` (a key refused). */
  marker?: 'cert-authority' | 'revoked';
}

export interface KnownHostsListView {
  entries: KnownHostView[];
  /** The OpenSSH files read (read-only to Edgedeck). */
  files: string[];
}

export interface KnownHostsForgetView {
  /** The known_hosts name forgotten. */
  name: string;
  /** How many keys Edgedeck's own store dropped. */
  removed: number;
  /** Entries for this host that remain in OpenSSH files (Edgedeck does not edit them), with the command that removes them. */
  inFiles: { file: string; line: number; command: string }[];
}

/** HOST, HOST:PORT, [HOST]:PORT or [IPv6]:PORT (port 22 when not given). */
export const knownHostsForgetRequest = z.object({ host: z.string().min(1, 'Give the host as HOST or HOST:PORT.').max(300) }).strict();
