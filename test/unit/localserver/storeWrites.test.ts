import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_FILE, Store } from '../../../src-main/services/localserver/store';
import { silentLogger } from '../../../src-main/services/logging/logger';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function openStore(): { store: Store; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgedeck-store-'));
  dirs.push(dir);
  return { store: Store.open(dir, silentLogger, 20).store, file: join(dir, DATA_FILE) };
}

describe('store writes', () => {
  it('writes structural changes soon, but lets check-in-only changes wait (the poll hot path)', async () => {
    const { store, file } = openStore();
    await store.flush();
    const written = () => JSON.parse(readFileSync(file, 'utf8')).settings.EdgeAgentCheckinInterval as number;

    store.doc.settings.EdgeAgentCheckinInterval = 7;
    store.markDirty('lazy');
    await sleep(150);
    expect(written()).not.toBe(7);

    // A structural change pulls the pending write forward, and it carries everything.
    store.markDirty('soon');
    await sleep(150);
    expect(written()).toBe(7);

    // Nothing is lost on close either.
    store.doc.settings.EdgeAgentCheckinInterval = 9;
    store.markDirty('lazy');
    await store.close();
    expect(existsSync(file) && written()).toBe(9);
  });
});
