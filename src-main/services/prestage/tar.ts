import type { ExportFile } from './types';

/**
 * A POSIX ustar archive of the export, built in memory so an encrypted export never writes the
 * plaintext to disk. Folders get their own entries (mode 0700) so `tar x` recreates the modes.
 *
 * Still written by hand: nanotar 0.3.0 (the small in-memory writer on the registry) was tried and
 * cuts entry names at 100 bytes (no ustar prefix field), so GNU tar lists a long device path as
 * a truncated folder; the long-path case in test/unit/prestage/bundle.test.ts needs the prefix.
 * The stream-based writers (tar-stream) were not tried yet.
 */
const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(path: string): { name: string; prefix: string } {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return { name: path, prefix: '' };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { name, prefix };
  }
  throw new Error(`The path ${path} is too long for a tar archive (ustar: 255 bytes).`);
}

function header(path: string, size: number, mode: number, type: '0' | '5', mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitName(path);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(mtime, 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder
  h.write(type, 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** Every file under `root/`, with the folders leading to them (mode dirMode). */
export function tarArchive(files: ExportFile[], root: string, dirMode: number, mtimeSec: number): Uint8Array {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  const addDir = (d: string) => {
    if (dirs.has(d)) return;
    const parent = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    if (parent) addDir(parent);
    dirs.add(d);
    parts.push(header(d + '/', 0, dirMode, '5', mtimeSec));
  };
  addDir(root);
  for (const f of files) {
    const path = `${root}/${f.path}`;
    addDir(path.slice(0, path.lastIndexOf('/')));
    const data = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content);
    parts.push(header(path, data.length, f.mode, '0', mtimeSec), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return new Uint8Array(Buffer.concat(parts));
}
