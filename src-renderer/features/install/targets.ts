/**
 * Target lists for the Install screen: `user@host[:port]` lines (the same rules as main's
 * parseTarget, so a line refused here would be refused there), pasted lists, and CSV files
 * with a `target` column. Pure; no DOM.
 */
export interface ParsedTarget {
  user?: string;
  host: string;
  port?: number;
  /** The text as written (trimmed): what goes to ssh:install. */
  raw: string;
}

export interface BadLine {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedList {
  targets: string[];
  bad: BadLine[];
}

const HOST_CHARS = /^[A-Za-z0-9._%-]+$/;

/** Returns the target, or a reason that says what to write instead. */
export function parseTargetLine(text: string): ParsedTarget | { error: string } {
  const raw = text.trim();
  if (raw === '') return { error: 'The line is empty; write user@host or user@host:port.' };
  if (raw.length > 300) return { error: 'The target is longer than 300 characters.' };
  if (/\s/.test(raw)) return { error: 'A target has no spaces; write one user@host[:port] per line.' };
  if (raw.startsWith('-')) return { error: 'A target cannot start with "-"; write user@host[:port].' };
  const at = raw.lastIndexOf('@');
  const user = at >= 0 ? raw.slice(0, at) : undefined;
  const rest = at >= 0 ? raw.slice(at + 1) : raw;
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._@-]*$/.test(user)) return { error: `The user name "${user}" is not valid (letters, digits, . _ -).` };
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
    if (!/^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/.test(host) || !host.includes(':')) return { error: `"${host}" is not an IPv6 address.` };
  } else if ((rest.match(/:/g) ?? []).length > 1) {
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
  const out: ParsedTarget = { host, raw };
  if (user !== undefined && user !== '') out.user = user;
  if (port !== undefined) out.port = port;
  return out;
}

export const isTargetError = (r: ParsedTarget | { error: string }): r is { error: string } => 'error' in r;

/**
 * A pasted list: one target per line; blank lines and `#` comments are skipped; duplicates
 * (within the list or against `existing`) are reported, not added twice.
 */
export function parseTargetList(text: string, existing: readonly string[] = []): ParsedList {
  const seen = new Set(existing);
  const targets: string[] = [];
  const bad: BadLine[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const t = lineText.replace(/#.*$/, '').trim();
    if (t === '') return;
    const r = parseTargetLine(t);
    if (isTargetError(r)) bad.push({ line: i + 1, text: lineText.trim(), reason: r.error });
    else if (seen.has(r.raw)) bad.push({ line: i + 1, text: r.raw, reason: 'Already in the list.' });
    else {
      seen.add(r.raw);
      targets.push(r.raw);
    }
  });
  return { targets, bad };
}

/** Splits one CSV record (RFC 4180 quotes; comma or semicolon separated). */
function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** A CSV file with a header row holding a `target` column (other columns are ignored). */
export function parseTargetCsv(text: string, existing: readonly string[] = []): ParsedList & { error?: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return { targets: [], bad: [], error: 'The CSV file is empty; it needs a header row with a "target" column.' };
  const header = lines[headerIndex]!;
  const sep = header.includes(';') && !header.includes(',') ? ';' : ',';
  const cols = splitCsvLine(header, sep).map((c) => c.toLowerCase());
  const col = cols.indexOf('target');
  if (col < 0) return { targets: [], bad: [], error: `The CSV header has no "target" column (found: ${cols.join(', ') || 'nothing'}). Add a header row like: target,notes` };
  const seen = new Set(existing);
  const targets: string[] = [];
  const bad: BadLine[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '') continue;
    const cell = splitCsvLine(l, sep)[col] ?? '';
    if (cell === '') {
      bad.push({ line: i + 1, text: l.trim(), reason: 'The target cell is empty.' });
      continue;
    }
    const r = parseTargetLine(cell);
    if (isTargetError(r)) bad.push({ line: i + 1, text: cell, reason: r.error });
    else if (seen.has(r.raw)) bad.push({ line: i + 1, text: r.raw, reason: 'Already in the list.' });
    else {
      seen.add(r.raw);
      targets.push(r.raw);
    }
  }
  return { targets, bad };
}

/** The host part of a target, for the `{host}` name template preview. */
export function hostOf(target: string): string {
  const r = parseTargetLine(target);
  return isTargetError(r) ? target : r.host;
}
