import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { serveCommand } from '../../../src-main/cli/commands/serve';
import type { CliIo } from '../../../src-main/cli/io';

// #12.4: `edgedeck serve` opens the browser through xdg-open, whose argv every local user can read
// (ps, /proc/PID/cmdline). A stand-in xdg-open on PATH records the argv it got: it must hold a
// one-time code, never the session token, and the code must work exactly once.
vi.mock('../../../src-main/cli/build', () => ({ ensureBuilt: async () => undefined, buildIsStale: () => false }));

const dir = mkdtempSync(join(tmpdir(), 'edt-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function get(url: string, cookie?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('edgedeck serve: the browser opener gets a one-time code, not the token', () => {
  it('xdg-open\'s argv has no token; its code is exchanged once for the token cookie', async () => {
    const bin = join(dir, 'bin');
    const argvFile = join(dir, 'xdg-open.argv');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(argvFile)}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const saved = { PATH: process.env.PATH, DISPLAY: process.env.DISPLAY, CI: process.env.CI };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.DISPLAY = ':99';
    delete process.env.CI;

    const stop = new AbortController();
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => '', stopSignal: stop.signal };
    const running = serveCommand.run(['--no-embedded-server', '--data', join(dir, 'data')], io);
    try {
      const deadline = Date.now() + 30_000;
      while (!(existsSync(argvFile) && readFileSync(argvFile, 'utf8').includes('\n')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(argvFile), `xdg-open was not started; stderr: ${err}`).toBe(true);
      const printed = /running at (http:\/\/\S+)/.exec(out)![1]!;
      const token = new URL(printed).searchParams.get('token')!;
      expect(token.length).toBeGreaterThanOrEqual(24);
      const opened = readFileSync(argvFile, 'utf8').trim();
      expect(opened).not.toContain(token);
      expect(opened).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{20,}$/);

      const first = await get(opened);
      expect(first.status).toBe(303);
      expect(String(first.headers['set-cookie'])).toContain(`=${encodeURIComponent(token)};`);
      expect(first.headers.location).toBe('/');
      const again = await get(opened);
      expect(again.status).toBe(401);
      // The printed address (the user's own terminal) still works, for any number of visits.
      expect((await get(printed)).status).toBe(303);
      expect((await get(printed)).status).toBe(303);
    } finally {
      stop.abort();
      await running;
      Object.assign(process.env, { PATH: saved.PATH, DISPLAY: saved.DISPLAY ?? '' });
      if (saved.DISPLAY === undefined) delete process.env.DISPLAY;
      if (saved.CI !== undefined) process.env.CI = saved.CI;
    }
  }, 60_000);
});
