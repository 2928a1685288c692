/** Install targets from the command line or a file (one per line, or CSV with a "target" column). */
import { parseTarget } from '../../../services/ssh/target';
import { invalidInput } from '../../../shared/contract/errors';

function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

/**
 * A targets file: one user@host[:port] per line (blank lines and # comments skipped), or CSV whose
 * header has a "target" column (other columns are ignored). Every target is checked.
 */
export function parseTargetsFile(text: string, file = 'FILE'): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: string[] = [];
  const firstIdx = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const header = firstIdx >= 0 && lines[firstIdx]!.includes(',') ? csvCells(lines[firstIdx]!).map((c) => c.toLowerCase()) : undefined;
  if (header) {
    const col = header.indexOf('target');
    if (col < 0) throw invalidInput('--targets', `${file} looks like CSV, but its first line has no "target" column (found: ${header.join(', ')}).`);
    for (let i = firstIdx + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const cell = csvCells(line)[col] ?? '';
      if (cell === '') continue;
      out.push(checkTarget(cell, `${file} line ${i + 1}`));
    }
  } else {
    lines.forEach((line, i) => {
      const t = line.replace(/(^|\s)#.*$/, '').trim();
      if (t) out.push(checkTarget(t, `${file} line ${i + 1}`));
    });
  }
  if (!out.length) throw invalidInput('--targets', `${file} lists no targets (one user@host[:port] per line, or CSV with a "target" column).`);
  return out;
}

export function checkTarget(text: string, where: string): string {
  try {
    return parseTarget(text, '--target').raw;
  } catch (e) {
    throw invalidInput(where.startsWith('--') ? where : '--targets', `${where.startsWith('--') ? '' : `${where}: `}${e instanceof Error ? e.message : String(e)}`);
  }
}

export function expandTemplate(template: string, target: string): string {
  const p = parseTarget(target);
  return template.replace(/\{host\}/g, p.host).replace(/\{user\}/g, p.user ?? '').replace(/\{target\}/g, target).replace(/\{port\}/g, String(p.port ?? 22));
}

