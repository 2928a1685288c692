import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionLogFile } from '../../../src-main/services/logging/logFile';
import { createLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { createPlatformHandlers } from '../../../src-main/services/platform/handlers';
import { createDispatcher, type Handlers } from '../../../src-main/services/rpc/dispatcher';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'edt-logs-')), 'logs');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('session log file', () => {
  it('one file per session, 0600 in a 0700 folder, named by scope, time and pid; lines redacted as on stderr', () => {
    const redactor = new Redactor();
    redactor.add('hunter2-secret');
    const file = new SessionLogFile({ dir, scope: 'serve', now: new Date('2026-01-02T03:04:05Z') });
    const stderr: string[] = [];
    const logger = createLogger({ scope: 'serve', redactor, file, sink: (l) => stderr.push(l) });
    logger.info('logged in with hunter2-secret', { EDGE_KEY: 'x' });
    logger.error('EDGE_KEY=abcdefgh in an env file');
    file.close();
    expect(file.path).toBe(join(dir, `serve-20260102-030405-${process.pid}.log`));
    expect(logger.file).toBe(file.path);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    const text = readFileSync(file.path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toEqual(stderr);
    expect(text).not.toMatch(/hunter2-secret|abcdefgh/);
    expect(text).toMatch(/\[redacted\]/);
  });

  it('rotates by size: past maxBytes the file becomes .1, .2… and a fresh one starts', () => {
    const file = new SessionLogFile({ dir, scope: 'main', maxBytes: 1000, maxFiles: 50 });
    for (let i = 0; i < 100; i++) file.write(`line ${i} ${'x'.repeat(40)}`);
    file.close();
    const names = readdirSync(dir).sort();
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const n of names) expect(statSync(join(dir, n)).size).toBeLessThanOrEqual(1000);
    expect(names).toContain(`${file.path.split('/').at(-1)}.1`);
    // Nothing lost: every line is in one of the parts.
    const all = names.map((n) => readFileSync(join(dir, n), 'utf8')).join('');
    for (let i = 0; i < 100; i++) expect(all).toContain(`line ${i} `);
  });

  it('rotates by count: at most maxFiles files of the scope, the oldest removed first; other scopes untouched', () => {
    new SessionLogFile({ dir, scope: 'x' }).close();
    for (let i = 0; i < 12; i++) {
      const p = join(dir, `serve-old${String(i).padStart(2, '0')}.log`);
      writeFileSync(p, 'old');
      utimesSync(p, 1_000_000 + i, 1_000_000 + i);
    }
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const file = new SessionLogFile({ dir, scope: 'serve', maxFiles: 4 });
    file.close();
    const serve = readdirSync(dir).filter((n) => n.startsWith('serve-'));
    expect(serve).toHaveLength(4);
    expect(serve).toContain(file.path.split('/').at(-1));
    expect(serve).toEqual(expect.arrayContaining(['serve-old11.log', 'serve-old10.log', 'serve-old09.log']));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['notes.txt']));
    expect(readdirSync(dir).filter((n) => n.startsWith('x-'))).toHaveLength(1);
  });

  it('an unwritable log folder is reported, not thrown', () => {
    writeFileSync(join(dir, '..', 'blocker'), '');
    const why: string[] = [];
    expect(SessionLogFile.tryOpen({ dir: join(dir, '..', 'blocker', 'logs'), scope: 'main' }, (m) => why.push(m))).toBeUndefined();
    expect(why[0]).toMatch(/no log file in .*blocker/);
  });
});

describe('messages that point at the log name the file', () => {
  it('an internal error says which file holds the details', async () => {
    const file = new SessionLogFile({ dir, scope: 'serve' });
    const logger = createLogger({ file, sink: () => {} });
    const handlers = { 'app:info': () => { throw new Error('boom inside'); } } as unknown as Handlers;
    const r = await createDispatcher(handlers, logger).invoke('app:info', {});
    file.close();
    expect(r).toMatchObject({ ok: false, error: { code: 'internal', message: `Something went wrong inside Edgedeck; the details are in its log, ${file.path}.` } });
    expect(readFileSync(file.path, 'utf8')).toMatch(/boom inside/);
  });
});

describe('app:logs and app:openLogFolder', () => {
  it('shows the folder through the shell, and says why when it cannot', async () => {
    const shown: string[] = [];
    const ok = createPlatformHandlers({ transport: 'ipc', logs: { folder: '/l', file: '/l/main.log' }, showFolder: async (f) => void shown.push(f) });
    expect(await ok['app:logs']({} as never)).toEqual({ folder: '/l', file: '/l/main.log' });
    expect(await ok['app:openLogFolder']({} as never)).toEqual({ folder: '/l', file: '/l/main.log', opened: true });
    expect(shown).toEqual(['/l']);
    const failing = createPlatformHandlers({ transport: 'web', logs: { folder: '/l' }, showFolder: async () => { throw new Error('could not start xdg-open'); } });
    expect(await failing['app:openLogFolder']({} as never)).toEqual({ folder: '/l', opened: false, reason: 'could not start xdg-open' });
    const headless = createPlatformHandlers({ transport: 'web', logs: { folder: '/l' } });
    expect(await headless['app:openLogFolder']({} as never)).toMatchObject({ opened: false, reason: expect.stringMatching(/no desktop/) });
  });
});

describe('long-running CLI commands (serve, sim) log to a session file', () => {
  it('in the log folder (EDGEDECK_LOG_DIR here), named on stderr, secrets masked in both', async () => {
    const { sessionLogger } = await import('../../../src-main/cli/sessionLog');
    const { fakeIo } = await import('../cli/cliIo');
    const before = process.env.EDGEDECK_LOG_DIR;
    process.env.EDGEDECK_LOG_DIR = dir;
    try {
      const io = fakeIo();
      const redactor = new Redactor();
      redactor.add('admin-pw-123');
      const s = sessionLogger('sim', io, redactor);
      s.logger.warn('login with admin-pw-123 refused');
      s.close();
      const [file] = readdirSync(dir);
      expect(file).toMatch(/^sim-\d{8}-\d{6}-\d+\.log$/);
      expect(io.err()).toContain(`this session's log: ${join(dir, file!)}`);
      expect(readFileSync(join(dir, file!), 'utf8')).toMatch(/login with \[redacted\] refused/);
      expect(io.err()).not.toContain('admin-pw-123');
      expect(s.folder).toBe(dir);
    } finally {
      if (before === undefined) delete process.env.EDGEDECK_LOG_DIR;
      else process.env.EDGEDECK_LOG_DIR = before;
    }
  });
});
