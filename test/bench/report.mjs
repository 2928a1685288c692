// Writes one benchmark's section into docs/benchmarks.md, replacing that section's previous figures.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'benchmarks.md');

/** `text` must start with the section heading `marker` (a `## ` line). */
export function writeSection(marker, text) {
  mkdirSync(dirname(docFile), { recursive: true });
  let existing = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n\n';
  const at = existing.indexOf(marker);
  if (at >= 0) {
    const next = existing.indexOf('\n## ', at + marker.length);
    existing = existing.slice(0, at) + (next >= 0 ? existing.slice(next + 1) : '');
  }
  writeFileSync(docFile, existing.trimEnd() + '\n\n' + text);
}
