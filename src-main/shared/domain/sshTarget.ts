import { invalidInput } from '../contract/errors';
import { readCsvRecords, UNCLOSED_QUOTE_FIX } from './csvRecords';

/**
 * SSH targets as users write them (`user@host[:port]`, IPv6 literals in brackets) and lists of
 * them (one per line with # comments, or CSV with a `target` column). The one copy of these rules:
 * the CLI, the fleet runner and the Install screen all read targets through this module, so a
 * line the screen accepts is a line main accepts. Pure; CSV is read by csvRecords.ts (d3-dsv).
 */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
  /** The text as written (trimmed): the display name, the transcript key, what ssh:install carries. */
  raw: string;
}

export interface TargetError {
  error: string;
}

/** A line of a list that is not a usable target, with the 1-based line number and what to write instead. */
export interface BadLine {
  line: number;
  text: string;
  reason: string;
}

export interface TargetList {
  targets: string[];
  bad: BadLine[];
  /** Set when the text as a whole cannot be read (a CSV without a target column, an empty file). */
  error?: string;
}

/** Longer than any real destination; keeps a pasted blob from becoming one "target". */
const MAX_LENGTH = 300;
const HOST_CHARS = /^[A-Za-z0-9._%-]+$/;
const USER = /^[A-Za-z0-9._][A-Za-z0-9._@-]*$/;
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/;

export const isTargetError = (r: SshTarget | TargetError): r is TargetError => 'error' in r;

/**
 * Reads `user@host`, `user@host:2222`, `user@[::1]:2222`, `[fe80::1%eth0]`, or a bare IPv6 literal
 * without a port (`user@::1`). Refuses whitespace and option-like or shell text: a target ends up
 * as an ssh destination, so `-oProxyCommand=…` must never pass.
 */
export function readTarget(text: string): SshTarget | TargetError {
  const raw = text.trim();
  if (raw === '') return { error: 'The target is empty; write user@host or user@host:port.' };
  if (raw.length > MAX_LENGTH) return { error: `The target is longer than ${MAX_LENGTH} characters.` };
  if (/\s/.test(raw)) return { error: 'A target has no spaces; write one user@host[:port] per line.' };
  if (raw.startsWith('-')) return { error: 'A target cannot start with "-"; write user@host[:port].' };
  const at = raw.lastIndexOf('@');
  const user = at >= 0 ? raw.slice(0, at) : undefined;
  const rest = at >= 0 ? raw.slice(at + 1) : raw;
  if (user !== undefined && !USER.test(user)) return { error: `The user name "${user}" is not valid (letters, digits, . _ -).` };
  if (rest === '') return { error: 'The host is missing after "@"; write user@host.' };
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { error: "An IPv6 address in brackets needs the closing ']'." };
    host = rest.slice(1, close);
    const tail = rest.slice(close + 1);
    if (tail !== '') {
      if (!tail.startsWith(':')) return { error: "Expected ':port' after ']'." };
      portText = tail.slice(1);
    }
    if (!IPV6.test(host) || !host.includes(':')) return { error: `"${host}" is not an IPv6 address.` };
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    // A bare IPv6 literal: it cannot carry a port without brackets.
    if (!/^[0-9A-Fa-f:.]+$/.test(rest)) return { error: `"${rest}" is not an IPv6 address; write [addr]:port.` };
    host = rest;
  } else {
    const colon = rest.indexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (!HOST_CHARS.test(host)) return { error: `"${host}" is not a host name or address.` };
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return { error: `"${portText}" is not a port (1-65535).` };
  }
  const out: SshTarget = { host, raw };
  if (user !== undefined && user !== '') out.user = user;
  if (port !== undefined) out.port = port;
  return out;
}

/** readTarget for code paths that cannot go on without a target: throws invalid_input naming `field`. */
export function parseTarget(text: string, field = 'target'): SshTarget {
  const r = readTarget(text);
  if (isTargetError(r)) throw invalidInput(field, `${JSON.stringify(text.trim())}: ${r.error}`);
  return r;
}

/** user@host:port as one string, with IPv6 in brackets and port 22 left out. */
export function formatTarget(t: { user?: string; host: string; port?: number }): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.user ? `${t.user}@` : ''}${host}${t.port && t.port !== 22 ? `:${t.port}` : ''}`;
}

/** The name OpenSSH writes in known_hosts: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Reads a host as the user names it to forget its key: `HOST`, `HOST:PORT`, `[HOST]:PORT` (as
 * known_hosts writes it) or `[IPv6]:PORT`; port 22 when not given. No user part.
 */
export function readKnownHost(text: string): { host: string; port: number; name: string } | TargetError {
  const t = text.trim();
  const bracketed = /^\[([^\]\s]+)\]:(\d{1,5})$/.exec(t);
  const r = bracketed && !bracketed[1]!.includes(':') ? readTarget(`${bracketed[1]}:${bracketed[2]}`) : readTarget(t);
  if (isTargetError(r)) return r;
  if (r.user !== undefined || t.includes('@')) return { error: `Give the host without a user: HOST or HOST:PORT (not ${JSON.stringify(t)}).` };
  const port = r.port ?? 22;
  return { host: r.host, port, name: knownHostsName(r.host, port) };
}

/** A file-system safe name for a target (transcript files). */
export function targetSlug(t: SshTarget | string): string {
  const s = typeof t === 'string' ? t : t.raw;
  return s.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 120);
}

/** The host part of a target, or the text itself when it is not one (name previews). */
export function hostOf(target: string): string {
  const r = readTarget(target);
  return isTargetError(r) ? target : r.host;
}

/** The variables of a name or folder template: {host} {port} (22 when not given) {user} {target}. */
export const TEMPLATE_VARIABLES = ['host', 'port', 'user', 'target'] as const;

/** The first `{…}` in `template` that is not a known variable, or undefined. */
export function unknownTemplateVariable(template: string): string | undefined {
  return /\{(?!host\}|port\}|user\}|target\})[^}]*\}/.exec(template)?.[0];
}

export function expandTemplate(template: string, target: string): string {
  const p = parseTarget(target);
  return template.replace(/\{host\}/g, p.host).replace(/\{user\}/g, p.user ?? '').replace(/\{target\}/g, target).replace(/\{port\}/g, String(p.port ?? 22));
}

/** Adds one cell to the list, or a bad line saying why not (invalid, or already listed). */
function take(cell: string, line: number, seen: Set<string>, out: TargetList): void {
  const r = readTarget(cell);
  if (isTargetError(r)) out.bad.push({ line, text: cell.trim(), reason: r.error });
  else if (seen.has(r.raw)) out.bad.push({ line, text: r.raw, reason: 'Already in the list.' });
  else {
    seen.add(r.raw);
    out.targets.push(r.raw);
  }
}

/**
 * A pasted list or a text file: one target per line; blank lines and `#` comments are skipped;
 * duplicates (within the list or against `existing`) are reported, not added twice.
 */
export function parseTargetLines(text: string, existing: readonly string[] = []): TargetList {
  const out: TargetList = { targets: [], bad: [] };
  const seen = new Set(existing);
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((lineText, i) => {
      const t = lineText.replace(/#.*$/, '').trim();
      if (t !== '') take(t, i + 1, seen, out);
    });
  return out;
}

/**
 * A CSV file whose header row has a `target` column (other columns are ignored), separated by
 * commas, or by semicolons when the header has only those (spreadsheets in many locales).
 * Blank records and records whose first cell starts with `#` (comments) are skipped. Records
 * may span lines inside quotes; `line` is the record's first line.
 */
export function parseTargetCsv(text: string, existing: readonly string[] = []): TargetList {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const firstLine = lines.find((l) => l.trim() !== '') ?? '';
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const { records, unclosedQuoteLine } = readCsvRecords(text, sep);
  const out: TargetList = { targets: [], bad: [] };
  const skip = (r: string[]) => r.every((c) => c.trim() === '') || r[0]!.trim().startsWith('#');
  const header = records.find((r) => !skip(r.cells));
  if (header?.problem) return { ...out, error: `Line ${header.line} ${header.problem}` };
  if (!header) return { ...out, error: unclosedQuoteLine !== undefined ? `Line ${unclosedQuoteLine} ${UNCLOSED_QUOTE_FIX}` : 'The CSV file is empty; it needs a header row with a "target" column.' };
  const cols = header.cells.map((c) => c.trim().toLowerCase());
  const col = cols.indexOf('target');
  if (col < 0) return { ...out, error: `The CSV header has no "target" column (found: ${cols.filter(Boolean).join(', ') || 'nothing'}). Add a header row like: target,notes` };
  const seen = new Set(existing);
  for (const r of records.slice(records.indexOf(header) + 1)) {
    if (skip(r.cells)) continue;
    const cell = (r.cells[col] ?? '').trim();
    if (r.problem) out.bad.push({ line: r.line, text: lines[r.line - 1]!.trim(), reason: `This line ${r.problem}` });
    else if (cell === '') out.bad.push({ line: r.line, text: r.cells.join(sep).trim(), reason: 'The target cell is empty.' });
    else take(cell, r.line, seen, out);
  }
  if (unclosedQuoteLine !== undefined) out.bad.push({ line: unclosedQuoteLine, text: lines[unclosedQuoteLine - 1]!.trim(), reason: `This line ${UNCLOSED_QUOTE_FIX}` });
  return out;
}

/**
 * A targets file whose kind is not known: CSV when its first line that is not a comment holds a
 * comma or semicolon (a target never does), else one target per line.
 */
export function parseTargetsText(text: string, existing: readonly string[] = []): TargetList {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return first !== undefined && /[,;]/.test(first) ? parseTargetCsv(text, existing) : parseTargetLines(text, existing);
}
