import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoalescedFile } from '../../../src-main/services/stores/coalescedFile';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgedeck-coalesced-'));
  dirs.push(d);
  return d;
}

describe('CoalescedFile', () => {
  it('turns a burst of changes into one write of the latest value, into a folder it creates', async () => {
    const file = join(tempDir(), 'runs', 'r1', 'summary.json');
    let value = 0;
    let renders = 0;
    const f = new CoalescedFile(file, () => {
      renders++;
      return JSON.stringify({ value });
    });
    for (value = 1; value <= 100; value++) f.markDirty(30);
    value = 100;
    expect(existsSync(file)).toBe(false); // nothing written synchronously
    await sleep(120);
    expect(renders).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ value: 100 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(file, '..'))).toEqual(['summary.json']); // no temp file left behind
  });

  it('flush() writes what is pending now, and a later, shorter delay pulls the write forward', async () => {
    const file = join(tempDir(), 'doc.json');
    let value = 'a';
    const f = new CoalescedFile(file, () => value);
    f.markDirty(10_000);
    value = 'b';
    await f.flush();
    expect(readFileSync(file, 'utf8')).toBe('b');
    value = 'c';
    f.markDirty(10_000);
    f.markDirty(20);
    await sleep(100);
    expect(readFileSync(file, 'utf8')).toBe('c');
  });

  it('close() writes the last change and schedules nothing afterwards', async () => {
    const file = join(tempDir(), 'doc.json');
    let value = 'first';
    const f = new CoalescedFile(file, () => value);
    f.markDirty(10_000);
    await f.close();
    expect(readFileSync(file, 'utf8')).toBe('first');
    value = 'after close';
    f.markDirty(10);
    await sleep(60);
    expect(readFileSync(file, 'utf8')).toBe('first');
  });

  it('keeps a failed write dirty, reports it, and writes it once the cause is gone', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'blocked');
    writeFileSync(blocker, 'a file where the folder should be');
    const errors: unknown[] = [];
    const f = new CoalescedFile(join(blocker, 'doc.json'), () => 'content', { onError: (e) => errors.push(e) });
    f.markDirty(5);
    await sleep(60);
    expect(errors).toHaveLength(1);
    await expect(f.flush()).rejects.toThrow(/ENOTDIR|EEXIST/);
    rmSync(blocker);
    await f.flush();
    expect(readFileSync(join(blocker, 'doc.json'), 'utf8')).toBe('content');
  });
});
