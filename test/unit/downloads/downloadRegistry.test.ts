import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_TTL_MS, DownloadRegistry } from '../../../src-main/services/downloads/downloadRegistry';

let root: string;
let clock: number;
let registry: DownloadRegistry;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'edgedeck-downloads-test-'));
  clock = 1_900_000_000_000;
  registry = new DownloadRegistry({ root, now: () => clock });
});
afterEach(() => {
  registry.close();
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

function offer(content = 'secret bundle'): { dir: string; ticket: ReturnType<DownloadRegistry['register']> } {
  const dir = registry.privateDir();
  const file = join(dir, 'edgedeck-export-x.tar');
  writeFileSync(file, content, { mode: 0o600 });
  return { dir, ticket: registry.register(file, { contentType: 'application/x-tar' }) };
}

describe('download registry', () => {
  it('builds each download in a private folder (0700) and describes it with an unguessable id', () => {
    const { dir, ticket } = offer();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ticket).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), fileName: 'edgedeck-export-x.tar', size: 13, expiresAt: new Date(clock + DOWNLOAD_TTL_MS).toISOString() });
    expect(offer().ticket.id).not.toBe(ticket.id);
  });

  it('hands a download over once, then removes its folder when the stream closes', async () => {
    const { dir, ticket } = offer();
    const taken = registry.take(ticket.id);
    expect(taken).toMatchObject({ fileName: 'edgedeck-export-x.tar', size: 13, contentType: 'application/x-tar' });
    // The id is spent at once, before the stream even finishes.
    expect(registry.take(ticket.id)).toBeUndefined();
    expect(await text(taken!.stream)).toBe('secret bundle');
    if (!taken!.stream.closed) await new Promise<void>((r) => taken!.stream.once('close', () => r()));
    expect(existsSync(dir)).toBe(false);
  });

  it('knows no unknown id', () => {
    offer();
    expect(registry.take('nope')).toBeUndefined();
    expect(registry.take('')).toBeUndefined();
    expect(registry.size()).toBe(1);
  });

  it('expires: an unfetched download cannot be taken after the time-to-live, and its file is deleted', () => {
    const { dir, ticket } = offer();
    clock += DOWNLOAD_TTL_MS - 1;
    const { dir: dir2, ticket: later } = offer();
    clock += 1;
    expect(registry.take(ticket.id)).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    // The other one, offered later, still has its time.
    expect(existsSync(dir2)).toBe(true);
    const taken = registry.take(later.id);
    expect(taken).toBeDefined();
    taken!.stream.destroy();
  });

  it('deletes an unfetched download on its timer, without anyone asking', () => {
    vi.useFakeTimers();
    const timed = new DownloadRegistry({ root, ttlMs: 1000 });
    const dir = timed.privateDir();
    writeFileSync(join(dir, 'a.tar'), 'x');
    const ticket = timed.register(join(dir, 'a.tar'));
    vi.advanceTimersByTime(999);
    expect(existsSync(dir)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(existsSync(dir)).toBe(false);
    expect(timed.take(ticket.id)).toBeUndefined();
    timed.close();
  });

  it('registers only files in its own folders; discard and close remove everything', () => {
    const stray = join(root, 'stray.tar');
    writeFileSync(stray, 'x');
    expect(() => registry.register(stray)).toThrow(/not in a download folder/);
    const failed = registry.privateDir();
    registry.discard(failed);
    expect(existsSync(failed)).toBe(false);
    offer();
    registry.privateDir();
    registry.close();
    expect(readdirSync(root)).toEqual(['stray.tar']);
  });
});
