import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `file` through a temporary file and a rename, so a crash leaves the old or the
 * new content, never half of it. The mode is set on the temporary file before the rename, so a
 * secret is never readable by others even for a moment.
 */
export function writeFileAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** A file holding a secret: 0600, in a folder only its owner can enter (0700, tightened if it existed). */
export function writeSecretFile(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileAtomic(file, text, 0o600);
}
