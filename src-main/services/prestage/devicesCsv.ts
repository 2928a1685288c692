import { invalidInput } from '../../shared/contract/errors';
import { readCsvRecords, UNCLOSED_QUOTE_FIX } from '../../shared/domain/csvRecords';
import { NAME_MAX_LENGTH, NAME_RULE_TEXT } from '../../shared/domain/names';
import { parsePollText } from '../../shared/domain/pollInterval';
import { DEVICES_CSV_COLUMNS } from '../../shared/schemas/prestage';
import { EDGE_ID_PATTERN } from './bundle';
import { DEVICE_PLATFORMS, type DevicePlatform } from './types';

/**
 * The devices CSV of a bulk pre-creation: columns name, group, tags (;-separated), poll,
 * platform, edge_id (optional), host (optional). UTF-8 with or without BOM; records and quoting
 * as shared/domain/csvRecords.ts reads them (RFC 4180 through d3-dsv). Every problem is reported
 * per row (the file's line number where the record starts) with what to change.
 */

export interface DeviceRow {
  /** Line number in the file where the record starts (the header is line 1). */
  row: number;
  name: string;
  group?: string;
  tags: string[];
  poll?: number;
  platform: DevicePlatform;
  edgeId?: string;
  host?: string;
}

export interface RowProblem {
  row: number;
  name?: string;
  message: string;
}

export interface DevicesCsv {
  rows: DeviceRow[];
  errors: RowProblem[];
  warnings: string[];
}

/** Columns fleet.csv adds; ignored on import so an export's fleet.csv reads back. */
const IGNORED_COLUMNS = new Set(['environment_id', 'bundle', 'expires', 'last_confirmed_with_server']);
const PLATFORM_ALIASES: Record<string, DevicePlatform> = { docker: 'standalone', 'docker-standalone': 'standalone', k8s: 'kubernetes' };
const HOST = /^[A-Za-z0-9._:[\]-]{1,253}$/;

/** Lines (1-based) that are not valid UTF-8. */
function badUtf8Lines(bytes: Uint8Array): Set<number> {
  const bad = new Set<number>();
  const dec = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let from = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        dec.decode(bytes.subarray(from, i));
      } catch {
        bad.add(line);
      }
      line++;
      from = i + 1;
    }
  }
  return bad;
}

export function parseDevicesCsv(input: Uint8Array | string): DevicesCsv {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const badLines = badUtf8Lines(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    throw invalidInput('csv', 'The file is UTF-16; save it as "CSV UTF-8" (in Excel: Save As → CSV UTF-8).');
  }
  const { records, unclosedQuoteLine } = readCsvRecords(new TextDecoder('utf-8').decode(bytes));
  const nonEmpty = records.filter((r) => !(r.cells.length === 1 && r.cells[0]!.trim() === ''));
  const header = nonEmpty[0];
  if (!header && unclosedQuoteLine !== undefined) throw invalidInput('csv', `Line ${unclosedQuoteLine} ${UNCLOSED_QUOTE_FIX}`);
  if (!header) throw invalidInput('csv', `The file is empty; the first line must name the columns: ${DEVICES_CSV_COLUMNS.join(',')}.`);
  if (header.problem) throw invalidInput('csv', `Line ${header.line} ${header.problem}`);
  const cols = header.cells.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const errors: RowProblem[] = [];
  const warnings: string[] = [];
  const index = new Map<string, number>();
  cols.forEach((c, i) => {
    if (index.has(c)) throw invalidInput('csv', `Line ${header.line}: the column "${c}" appears twice; keep one.`);
    index.set(c, i);
  });
  if (!index.has('name')) {
    throw invalidInput('csv', `Line ${header.line}: no "name" column; the first line must name the columns, e.g. ${DEVICES_CSV_COLUMNS.join(',')} (found: ${cols.join(', ') || 'nothing'}).`);
  }
  const unknown = cols.filter((c) => !(DEVICES_CSV_COLUMNS as readonly string[]).includes(c) && !IGNORED_COLUMNS.has(c));
  if (unknown.length) warnings.push(`Ignored unknown column(s): ${unknown.join(', ')} (known: ${DEVICES_CSV_COLUMNS.join(', ')}).`);
  const missing = DEVICES_CSV_COLUMNS.filter((c) => c !== 'name' && !index.has(c));
  if (missing.length) warnings.push(`No ${missing.join(', ')} column: ${missing.map(defaultText).join('; ')}.`);

  const rows: DeviceRow[] = [];
  const names = new Map<string, number>();
  const edgeIds = new Map<string, number>();
  for (const r of nonEmpty.slice(1)) {
    const problems: string[] = [];
    const get = (c: string) => {
      const i = index.get(c);
      return i === undefined ? '' : (r.cells[i] ?? '').trim();
    };
    const name = get('name');
    const nameOf = name || undefined;
    let bad = false;
    for (let l = r.line; l <= r.lastLine; l++) if (badLines.has(l)) bad = true;
    if (bad) {
      errors.push({ row: r.line, ...(nameOf ? { name: nameOf } : {}), message: 'has bytes that are not UTF-8 (the file was probably saved as Latin-1/Windows-1252); save it as "CSV UTF-8" and import again.' });
      continue;
    }
    if (r.problem) {
      errors.push({ row: r.line, ...(nameOf ? { name: nameOf } : {}), message: r.problem });
      continue;
    }
    if (r.cells.length !== cols.length) {
      errors.push({
        row: r.line,
        ...(nameOf ? { name: nameOf } : {}),
        message: `has ${r.cells.length} field(s) but the header has ${cols.length}; ${r.cells.length > cols.length ? 'put values that contain commas in double quotes' : 'add the missing commas (empty values are fine)'}.`,
      });
      continue;
    }
    if (!name) problems.push('has no name; every device needs one (it becomes the environment name).');
    // Control characters in a name are what this rejects.
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(name)) problems.push('has a line break or control character in its name; remove it.');
    else if (name.length > NAME_MAX_LENGTH) problems.push(`has a name of ${name.length} characters; a name is ${NAME_RULE_TEXT}, shorten it.`);
    else {
      const seen = names.get(name.toLowerCase());
      if (seen !== undefined) problems.push(`has the name "${name}", already used on line ${seen}; device names must be unique (Portainer environment names are).`);
      else names.set(name.toLowerCase(), r.line);
    }
    const group = get('group');
    const tags = get('tags')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean);
    if (tags.some((t) => t.length > NAME_MAX_LENGTH)) problems.push(`has a tag longer than ${NAME_MAX_LENGTH} characters; a tag name is ${NAME_RULE_TEXT}, shorten it.`);
    let poll: number | undefined;
    const pollText = get('poll');
    if (pollText !== '') {
      const r = parsePollText(pollText, 'poll');
      if ('problem' in r) problems.push(`has poll "${pollText}": ${r.problem} Leave it empty for the server default.`);
      else poll = r.seconds;
    }
    const platformText = get('platform').toLowerCase();
    let platform: DevicePlatform = 'standalone';
    if (platformText !== '') {
      const p = PLATFORM_ALIASES[platformText] ?? platformText;
      if (!(DEVICE_PLATFORMS as readonly string[]).includes(p)) problems.push(`has platform "${get('platform')}"; use one of ${DEVICE_PLATFORMS.join(', ')} (or leave it empty for standalone).`);
      else platform = p as DevicePlatform;
    }
    const edgeId = get('edge_id');
    if (edgeId !== '') {
      if (!EDGE_ID_PATTERN.test(edgeId)) problems.push(`has edge_id "${edgeId.slice(0, 60)}"; use letters, digits and . _ : - only (e.g. a UUID), or leave it empty to get a new UUID.`);
      else {
        const seen = edgeIds.get(edgeId);
        if (seen !== undefined) problems.push(`has edge_id ${edgeId}, already used on line ${seen}; two devices cannot share an Edge ID (the second would be refused).`);
        else edgeIds.set(edgeId, r.line);
      }
    }
    const host = get('host');
    if (host !== '' && !HOST.test(host)) problems.push(`has host "${host.slice(0, 60)}"; give a host name or IP address (no spaces, no user@ or port).`);
    if (problems.length) {
      for (const p of problems) errors.push({ row: r.line, ...(nameOf ? { name: nameOf } : {}), message: p });
      continue;
    }
    rows.push({ row: r.line, name, ...(group ? { group } : {}), tags, ...(poll !== undefined ? { poll } : {}), platform, ...(edgeId ? { edgeId } : {}), ...(host ? { host } : {}) });
  }
  if (unclosedQuoteLine !== undefined) errors.push({ row: unclosedQuoteLine, message: UNCLOSED_QUOTE_FIX });
  errors.sort((a, b) => a.row - b.row);
  return { rows, errors, warnings };
}

function defaultText(c: string): string {
  switch (c) {
    case 'group':
      return 'devices go to the Unassigned group';
    case 'tags':
      return 'no tags';
    case 'poll':
      return 'the server default poll interval';
    case 'platform':
      return 'platform standalone';
    case 'edge_id':
      return 'new UUIDs as Edge IDs';
    case 'host':
      return 'Ansible uses the device names as host names';
    default:
      return '';
  }
}

/** "row 4 (edge-7): …" */
export function problemText(p: RowProblem): string {
  return `row ${p.row}${p.name ? ` (${p.name})` : ''}: ${p.message}`;
}
