// #16.3: the npm package works from its tarball, as a user meets it: `npm pack` (prepack builds the
// renderer and the CLI bundle into out/), then in an empty folder outside the checkout an install
// of that tarball and `npx edgedeck serve` / `npx edgedeck sim`. Nothing of the checkout is on the
// way (no sources, no dev dependencies: no tsx, esbuild, vite, electron).
//
// The install runs `npm ci --offline` from npm's cache: a lockfile for the temp folder is made
// from the checkout's, keeping only the entries that are not dev-only (the runtime closure), so
// no registry is asked (the machine's cache holds every tarball since the checkout's own install).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
const dir = mkdtempSync(join(tmpdir(), 'edt-tarball-'));
const children: ChildProcess[] = [];
let packed = '';

function run(cmd: string, args: string[], cwd: string, timeout: number) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A lockfile for a folder that depends on the tarball only: the checkout's non-dev entries. */
function lockfileFor(tarball: string) {
  const repoLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const manifest = { name: 'edgedeck-tarball-test', version: '1.0.0', private: true, dependencies: { [pkg.name]: `file:${tarball}` } };
  const packages: Record<string, unknown> = {
    '': manifest,
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: `file:${tarball}`, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) if (path !== '' && !entry.dev && !entry.link) packages[path] = entry;
  return { manifest, lock: { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages } };
}

function startCli(args: string[], cwd: string): { child: ChildProcess; firstLine: Promise<string>; stderr: () => string } {
  // Its own process group, so that stopping it stops npx and the node process under it.
  const child = spawn('npx', ['--no-install', 'edgedeck', ...args], { cwd, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`edgedeck ${args[0]} printed nothing within 60 s:\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => reject(new Error(`edgedeck ${args[0]} exited with ${code}:\n${err}`)));
  });
  return { child, firstLine, stderr: () => err };
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(() => {
  // npm pack runs prepack (`npm run build`: electron-vite build and the CLI bundle) first.
  const name = run('npm', ['pack', '--pack-destination', dir, '--silent'], root, 300_000).trim().split('\n').at(-1)!;
  packed = join(dir, name);
  const app = join(dir, 'app');
  run('mkdir', ['-p', app], dir, 5_000);
  run('cp', [packed, app], dir, 5_000);
  const { manifest, lock } = lockfileFor(name);
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app, 400_000);
}, 720_000);

afterAll(async () => {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
      const exited = new Promise((r) => c.once('exit', r));
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-c.pid!, s);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (c.exitCode === null && c.signalCode === null) signal('SIGKILL');
    }),
  );
  // The installed tree is some thousands of files: remove it without blocking the event loop.
  await rm(dir, { recursive: true, force: true });
}, 180_000);

describe('the npm tarball', () => {
  it('ships the bin, the CLI bundle and the built renderer, and no sources', () => {
    const files = run('tar', ['-tzf', packed], dir, 30_000).split('\n');
    expect(files).toContain(`package/${pkg.bin.edgedeck}`);
    expect(files).toContain('package/out/cli/main.js');
    expect(files).toContain('package/out/renderer/index.html');
    expect(files.filter((f) => f.startsWith('package/src-main/') || f.startsWith('package/test/'))).toEqual([]);
    const app = join(dir, 'app', 'node_modules');
    for (const dev of ['tsx', 'esbuild', 'vite', 'electron', 'electron-vite', 'typescript', 'vitest']) expect(existsSync(join(app, dev)), dev).toBe(false);
  });

  it('npx edgedeck serve serves the UI, and app:info gives package.json\'s version', async () => {
    const serve = startCli(['serve', '--no-open', '--data', join(dir, 'serve-data')], join(dir, 'app'));
    const line = await serve.firstLine;
    const url = /running at (http:\/\/\S+)/.exec(line)![1]!;
    const signIn = await get(url);
    expect(signIn.status).toBe(303);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const page = await get(new URL('/', url).href, { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    expect((await get(new URL(script, url).href, { Cookie: cookie })).status).toBe(200);
    const info = await get(new URL('/rpc/app:info', url).href, { Cookie: cookie, 'Content-Type': 'application/json', Origin: new URL(url).origin }, 'POST', '{}');
    expect(JSON.parse(info.body)).toEqual({ ok: true, data: { name: 'Edgedeck', version: pkg.version, transport: 'web' } });
  }, 120_000);

  it('npx edgedeck sim runs the local Portainer-compatible server', async () => {
    const sim = startCli(['sim', '--http', '--port', '0', '--tunnel-port', '0', '--data', join(dir, 'sim-data')], join(dir, 'app'));
    const ready = JSON.parse(await sim.firstLine) as { url: string; username: string; password: string };
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const status = await get(`${ready.url}/api/system/status`);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ Version: expect.stringMatching(/^2\.\d+\.\d+$/) });
  }, 120_000);
});
