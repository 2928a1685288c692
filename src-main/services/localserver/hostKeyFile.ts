import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import { writeFileAtomic } from '../stores/atomicFile';
import { generateHostKeyPem, loadHostKeyPem } from '../tunnel/hostKey';

/** Portainer ≥ 2.19 keeps the chisel key at <data>/chisel/private-key.pem; so do we (mode 0600). */
export function loadOrCreateHostKey(dataDir: string): { pem: string; created: boolean; file: string } {
  const dir = join(dataDir, 'chisel');
  const file = join(dir, 'private-key.pem');
  if (existsSync(file)) {
    const pem = readFileSync(file, 'utf8');
    try {
      loadHostKeyPem(pem);
    } catch (e) {
      throw new AppError(
        'unavailable',
        `The tunnel host key ${file} is unreadable (${e instanceof Error ? e.message : String(e)}). It was left untouched. ` +
          'Restore it, or move it away to create a new key (every existing Edge key would then carry a stale fingerprint).',
      );
    }
    return { pem, created: false, file };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pem = generateHostKeyPem();
  writeFileAtomic(file, pem, 0o600);
  return { pem, created: true, file };
}
