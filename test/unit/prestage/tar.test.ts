import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tarArchive } from '../../../src-main/services/prestage/tar';
import type { ExportFile } from '../../../src-main/services/prestage/types';

// The archive is read by the real GNU tar, as a user unpacking an export would.
const gnuTar = (...args: string[]) => execFileSync('tar', args, { encoding: 'utf8' });

describe('export archive (node-tar, read by GNU tar)', () => {
  // 90 + 9: past ustar's 100-byte name field (needs the prefix field);
  // the second is past 255 bytes (needs a pax record).
  const long = `devices/${'x'.repeat(90)}/agent.env`;
  const veryLong = `devices/${'y'.repeat(200)}/${'z'.repeat(80)}/install.sh`;
  const files: ExportFile[] = [
    { path: long, content: 'EDGE_KEY=secret\n', mode: 0o600 },
    { path: veryLong, content: '#!/bin/sh\necho hi\n', mode: 0o755 },
    { path: 'fleet.csv', content: 'name\n', mode: 0o644 },
    { path: 'empty.txt', content: new Uint8Array(0), mode: 0o644 },
  ];
  const mtime = 1_700_000_000;

  it('tar -tvf lists every folder and file with its mode, owner 0/0, the fixed mtime and the full long paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-tar-'));
    writeFileSync(join(dir, 'a.tar'), tarArchive(files, 'root', 0o700, mtime));
    const lines = gnuTar('--numeric-owner', '--utc', '-tvf', join(dir, 'a.tar')).trim().split('\n');
    const entry = (path: string) => lines.find((l) => l.endsWith(` ${path}`));
    expect(entry('root/')).toMatch(/^drwx------ 0\/0 +0 2023-11-14 22:13 /);
    expect(entry('root/devices/')).toMatch(/^drwx------ 0\/0 /);
    expect(entry(`root/${long}`)).toMatch(/^-rw------- 0\/0 +16 2023-11-14 22:13 /);
    expect(entry(`root/${veryLong}`)).toMatch(/^-rwxr-xr-x 0\/0 +18 /);
    expect(entry('root/fleet.csv')).toMatch(/^-rw-r--r-- 0\/0 +5 /);
    expect(entry('root/empty.txt')).toMatch(/^-rw-r--r-- 0\/0 +0 /);
    // Each folder once: root, devices, the x folder, the y folder and the z folder below it.
    expect(lines.filter((l) => l.startsWith('d'))).toHaveLength(5);
    expect(lines).toHaveLength(9);
  });

  it('GNU tar extracts the contents and the modes (0600 secrets, 0755 scripts, 0700 folders)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-untar-'));
    writeFileSync(join(dir, 'a.tar'), tarArchive(files, 'root', 0o700, mtime));
    gnuTar('-xpf', join(dir, 'a.tar'), '-C', dir);
    const mode = (p: string) => (statSync(join(dir, 'root', p)).mode & 0o777).toString(8);
    expect(readFileSync(join(dir, 'root', long), 'utf8')).toBe('EDGE_KEY=secret\n');
    expect(readFileSync(join(dir, 'root', veryLong), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(mode(long)).toBe('600');
    expect(mode(veryLong)).toBe('755');
    expect(mode('fleet.csv')).toBe('644');
    expect(mode('.')).toBe('700');
    expect(mode(`devices/${'y'.repeat(200)}`)).toBe('700');
    expect(statSync(join(dir, 'root', long)).mtimeMs).toBe(mtime * 1000);
  });

  it('the same export gives the same bytes (no clock, user or host name inside)', () => {
    const a = tarArchive(files, 'root', 0o700, mtime);
    const b = tarArchive(files.map((f) => ({ ...f })), 'root', 0o700, mtime);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // The first header's user and group name fields (ustar offsets 265 and 297, 32 bytes each) are empty.
    expect(Buffer.from(a.subarray(265, 329)).equals(Buffer.alloc(64))).toBe(true);
  });
});
