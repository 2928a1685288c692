import { chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/contract/errors';
import type { ExportFile } from './types';
import { DIR_MODE } from './types';
import { ensurePrivateDir, type PrivacyOptions } from '../platform/privateFiles';

/**
 * Writes an export atomically: everything goes into a temporary folder next to the output
 * (same file system), which is renamed to the output at the end. On any failure the partial
 * temporary folder is removed and the error says so. Every folder is 0700.
 */
export function writeExportAtomically(outDir: string, files: ExportFile[], privacy: PrivacyOptions = {}): { outDir: string; files: number } {
  const out = resolve(outDir);
  const parent = dirname(out);
  if (existsSync(out)) {
    throw new AppError('conflict', `The output folder ${out} already exists; choose a new folder (an export never overwrites one).`, 'out');
  }
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new AppError('invalid_input', `Cannot create the folder ${parent}: ${reason(e)}.`, 'out');
  }
  let tmp: string;
  try {
    tmp = mkdtempSync(join(parent, `.${basename(out)}.partial-`));
  } catch (e) {
    throw new AppError('invalid_input', `Cannot write to ${parent} (${reason(e)}); choose a folder you can write to.`, 'out');
  }
  try {
    // 0700 on POSIX; on Windows (where modes mean nothing) a user-only ACL that every file written below inherits.
    ensurePrivateDir(tmp, privacy);
    for (const f of files) {
      if (f.path.startsWith('/') || f.path.split('/').includes('..')) throw new Error(`refusing the path ${f.path}`);
      const target = join(tmp, f.path);
      mkdirSync(dirname(target), { recursive: true, mode: DIR_MODE });
      if (f.copyFrom) copyFileSync(f.copyFrom, target, constants.COPYFILE_EXCL);
      else writeFileSync(target, f.content, { mode: f.mode, flag: 'wx' });
      chmodSync(target, f.mode);
    }
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new AppError('internal', `Writing the export to ${out} failed (${reason(e)}); the partial output was removed, nothing was left behind.`, 'out');
  }
  return { outDir: out, files: files.length };
}

/** Writes one file (an encrypted archive) atomically: temp file next to it, then rename. */
export function writeFileAtomically(path: string, content: Uint8Array, mode: number): void {
  const target = resolve(path);
  if (existsSync(target)) throw new AppError('conflict', `${target} already exists; choose another name.`, 'out');
  const parent = dirname(target);
  try {
    mkdirSync(parent, { recursive: true, mode: DIR_MODE });
    if (!statSync(parent).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new AppError('invalid_input', `Cannot create the folder ${parent}: ${reason(e)}.`, 'out');
  }
  const tmp = join(parent, `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(tmp, content, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') throw new AppError('invalid_input', `Cannot write to ${parent} (${reason(e)}); choose a folder you can write to.`, 'out');
    throw new AppError('internal', `Writing ${target} failed (${reason(e)}); the partial file was removed.`, 'out');
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'EROFS') return 'read-only file system';
  if (err?.code === 'ENOSPC') return 'no space left on the device';
  if (err?.code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  return err?.message ?? String(e);
}
