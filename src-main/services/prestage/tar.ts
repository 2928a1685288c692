import { Header, PackSync, ReadEntry } from 'tar';
import type { ExportFile } from './types';

/**
 * The export as one tar archive, written by node-tar (`tar`) in memory: an encrypted export never
 * puts the plaintext on disk, not even in a temp file. Each entry is handed to the packer as a
 * ReadEntry (node-tar's documented way to add entries that do not come from the file system), so
 * the header, the ustar prefix split and the pax record for paths past 255 bytes are node-tar's.
 *
 * What this module decides: folders get their own entries (mode `dirMode`, 0700 for exports) so
 * `tar x` recreates the modes; files keep the mode the bundle gave them (0600 for secrets); every
 * entry has the same mtime and owner 0/0 with no user or group name, so the same export gives the
 * same bytes (node-tar leaves the group name out of entries it copies, so neither name is set).
 */
export function tarArchive(files: ExportFile[], root: string, dirMode: number, mtimeSec: number): Uint8Array {
  const mtime = new Date(mtimeSec * 1000);
  const chunks: Buffer[] = [];
  // strict: a warning (a path node-tar would rewrite) throws instead of silently changing the archive.
  const pack = new PackSync({ strict: true, mtime });
  pack.on('data', (c: Buffer) => chunks.push(c));
  const add = (path: string, mode: number, data?: Buffer) => {
    const entry = new ReadEntry(new Header({ path, mode, uid: 0, gid: 0, size: data?.length ?? 0, mtime, type: data ? 'File' : 'Directory' }));
    if (data) entry.end(data);
    else entry.end();
    pack.add(entry);
  };
  const dirs = new Set<string>();
  const addDir = (d: string) => {
    if (dirs.has(d)) return;
    const parent = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    if (parent) addDir(parent);
    dirs.add(d);
    add(`${d}/`, dirMode);
  };
  addDir(root);
  for (const f of files) {
    const path = `${root}/${f.path}`;
    addDir(path.slice(0, path.lastIndexOf('/')));
    add(path, f.mode, typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content));
  }
  pack.end();
  return new Uint8Array(Buffer.concat(chunks));
}
