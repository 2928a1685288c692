import { homedir } from 'node:os';
import { expandHome } from '../../shared/domain/platformPaths';
import type { SshConfigHostView } from '../../shared/schemas/install';

/**
 * A small reader for OpenSSH client config (~/.ssh/config): Host blocks with the options the
 * installer uses. First value wins, as in ssh_config(5); IdentityFile accumulates. Match blocks,
 * Include and tokens other than %h %r %p %u %% are not supported (their lines are ignored).
 */
export interface HostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
}

interface Block {
  patterns: string[];
  options: Array<[key: string, value: string]>;
}

export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  let current = blocks[0]!;
  let inMatch = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = unquote(m[2]!.trim());
    if (key === 'host') {
      current = { patterns: value.split(/\s+/).filter(Boolean), options: [] };
      blocks.push(current);
      inMatch = false;
      continue;
    }
    if (key === 'match') {
      inMatch = true;
      continue;
    }
    if (!inMatch) current.options.push([key, value]);
  }
  return blocks;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** ssh_config pattern: `*` and `?` wildcards, `!` negation; a negated match excludes the block. */
export function hostMatches(patterns: string[], alias: string): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const re = new RegExp('^' + (negated ? p.slice(1) : p).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    if (re.test(alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function resolveHostConfig(text: string, alias: string, home = homedir()): HostConfig {
  const out: HostConfig = { identityFiles: [] };
  const seen = new Set<string>();
  for (const block of parseSshConfig(text)) {
    if (!hostMatches(block.patterns, alias)) continue;
    for (const [key, value] of block.options) {
      if (key === 'identityfile') {
        out.identityFiles.push(value);
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      if (key === 'hostname') out.hostName = value;
      else if (key === 'user') out.user = value;
      else if (key === 'port' && /^\d+$/.test(value)) out.port = Number(value);
      else if (key === 'proxyjump' && value.toLowerCase() !== 'none') out.proxyJump = value;
    }
  }
  const host = out.hostName ? expandTokens(out.hostName, alias, out, home) : undefined;
  if (host !== undefined) out.hostName = host;
  out.identityFiles = out.identityFiles.map((f) => expandTokens(f, out.hostName ?? alias, out, home));
  return out;
}

function expandTokens(value: string, host: string, c: HostConfig, home: string): string {
  let v = expandHome({ platform: process.platform, env: {}, home }, value);
  v = v.replace(/%([%hrpu])/g, (_, t: string) => {
    switch (t) {
      case 'h':
        return host;
      case 'r':
        return c.user ?? '';
      case 'p':
        return String(c.port ?? 22);
      case 'u':
        return process.env.USER ?? process.env.USERNAME ?? '';
      default:
        return '%';
    }
  });
  return v;
}

/** One concrete Host of the config (an alias a user can type), with what it resolves to: what ssh:configHosts lists. */
export type ConfigHostEntry = SshConfigHostView;

/**
 * The concrete aliases of Host lines, in file order, each resolved like a connection would
 * (first value wins, `Host *` defaults included). Wildcard patterns (`*`, `?`) and negations
 * name no single host and are skipped.
 */
export function listConfigHosts(text: string, home = homedir()): ConfigHostEntry[] {
  const seen = new Set<string>();
  const out: ConfigHostEntry[] = [];
  for (const block of parseSshConfig(text).slice(1)) {
    for (const p of block.patterns) {
      if (/[*?!]/.test(p) || seen.has(p.toLowerCase())) continue;
      seen.add(p.toLowerCase());
      const c = resolveHostConfig(text, p, home);
      const e: ConfigHostEntry = { alias: p };
      if (c.hostName) e.hostName = c.hostName;
      if (c.user) e.user = c.user;
      if (c.port !== undefined) e.port = c.port;
      if (c.proxyJump) e.proxyJump = c.proxyJump;
      if (c.identityFiles[0]) e.identityFile = c.identityFiles[0];
      out.push(e);
    }
  }
  return out;
}
