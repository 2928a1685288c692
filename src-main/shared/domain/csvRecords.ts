import { dsvFormat } from 'd3-dsv';

/**
 * CSV records with the file lines they span: the one reader behind every CSV the project takes in
 * (SSH target lists in shared/domain/sshTarget.ts, the devices CSV of a bulk pre-creation in
 * services/prestage/devicesCsv.ts). Cells are split by d3-dsv (RFC 4180: quoted cells hold
 * separators, doubled quotes and line breaks; CRLF, LF or CR between records); a UTF-8 BOM is
 * dropped. Pure.
 */
export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  /** 1-based line where it ends (later than `line` when a quoted cell holds line breaks). */
  lastLine: number;
  cells: string[];
  /** Set when the cells cannot be trusted (text after a closing quote): what to change, after "line N ". */
  problem?: string;
}

export interface CsvRecords {
  records: CsvRecord[];
  /** The line of the record whose double quote is never closed; that record is not in `records`. */
  unclosedQuoteLine?: number;
}

/** What to do about an unclosed quote, after "line N " / "row N ". */
export const UNCLOSED_QUOTE_FIX = 'opens a double quote that is never closed; close it (a quote inside a quoted value is written "").';
export const TEXT_AFTER_QUOTE_FIX = 'has text right after the closing double quote of a value; quote the whole value and write each quote inside it as "" (e.g. "Shop ""5"" east").';

const LINE_BREAK = /\r\n|\r|\n/g;
const breaksIn = (s: string) => s.match(LINE_BREAK)?.length ?? 0;

/**
 * The quoting d3-dsv reads without a word, found before its records are trusted: a quote never
 * closed (d3-dsv reads the rest of the file into one cell, swallowing every later row), and text
 * after a closing quote (d3-dsv takes the next character as the separator whatever it is, so
 * `"a"bc` would read as the two cells "a" and "c"). The cell pattern is d3-dsv's rule: a cell that
 * starts with a quote ends at the first quote not followed by another one.
 */
function quoteProblems(body: string, separator: string): { unclosed: boolean; strayLines: Set<number> } {
  const cell = new RegExp(`"(?:[^"]|"")*"(?!")|(?!")[^${separator}\\r\\n]*`, 'y');
  const strayLines = new Set<number>();
  let at = 0;
  let line = 1;
  while (at < body.length) {
    cell.lastIndex = at;
    const m = cell.exec(body);
    if (!m) return { unclosed: true, strayLines };
    if (m[0].startsWith('"')) line += breaksIn(m[0]);
    at = cell.lastIndex;
    const next = body[at];
    if (next === '\n' || (next === '\r' && body[at + 1] !== '\n')) line++;
    else if (next !== undefined && next !== separator && next !== '\r') strayLines.add(line);
    at += 1;
  }
  return { unclosed: false, strayLines };
}

/** Blank lines come back as records of one empty cell, so line numbers stay right. */
export function readCsvRecords(text: string, separator: ',' | ';' = ','): CsvRecords {
  const body = text.replace(/^\uFEFF/, '');
  const rows = dsvFormat(separator).parseRows(body);
  const { unclosed, strayLines } = quoteProblems(body, separator);
  // d3-dsv read everything from the unclosed quote on into the last record's last cell.
  if (unclosed) rows.pop();
  const records: CsvRecord[] = [];
  let line = 1;
  for (const cells of rows) {
    const lastLine = line + cells.reduce((n, c) => n + breaksIn(c), 0);
    const record: CsvRecord = { line, lastLine, cells };
    for (let l = line; l <= lastLine; l++) if (strayLines.has(l)) record.problem = TEXT_AFTER_QUOTE_FIX;
    records.push(record);
    line = lastLine + 1;
  }
  return unclosed ? { records, unclosedQuoteLine: line } : { records };
}
