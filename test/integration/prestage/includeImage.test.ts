/**
 * --include-image (issue #17): the export carries the agent image archive (agent-image/ at its
 * root) and install.sh checks it with sha256sum and loads it before starting the agent. Run as
 * root on a real, private Docker engine whose agent image was removed (no registry reachable, as
 * offline); the archive is `docker save` of the run's shared engine.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import type { PortainerClient } from '../../../src-main/services/portainer/client';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { engineUnavailable, type Engine } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { ADMIN_PASSWORD, adminClient, captureIo, engineDocker, tmp } from './helpers';

const noEngine = process.getuid?.() !== 0 ? 'install.sh must run as root' : engineUnavailable();
if (noEngine) process.stdout.write(`includeImage.test.ts skipped: ${noEngine}\n`);
const IMAGE = 'portainer/agent:2.23.0';
const FILE = 'portainer-agent-2.23.0.tar';

let engine: Engine;
let source: Engine;
let server: LocalServer;
let client: PortainerClient;
let out: string;
let archive: string;

async function exportWith(args: string[], dir: string) {
  const io = captureIo(`${ADMIN_PASSWORD}\n`);
  const code = await makeExportCommand({ store: new MemoryStore(), prestageStore: new MemoryStore() }).run(['--server', server.url, '--username', 'admin', '--password-stdin', '--insecure', '--out', dir, ...args], io);
  return { code, err: io.err.replace(/.*certificate verification is OFF.*\n/, ''), out: io.out };
}

beforeAll(async () => {
  if (noEngine) return;
  engine = await testEngine({ private: true, prefix: 'edt-dockerd-incimg-' });
  source = await testEngine();
  archive = join(tmp('img'), 'agent.tar');
  await source.docker(['save', '-o', archive, IMAGE], { timeoutMs: 180_000 });
  await engine.docker(['image', 'rm', '-f', IMAGE, `docker.io/${IMAGE}`]);
  server = await startLocalServer({ host: engine.address, dataDir: tmp('server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  client = adminClient(server.url);
  const e = await client.createEdgeEnvironment({ name: 'offline-1', portainerUrl: server.url, pollSeconds: 1 });
  out = join(tmp('out'), 'export');
  const r = await exportWith(['--environments', String(e.id), '--include-image', '--image-archive', archive], out);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
}, 300_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  await engine?.stop();
});

describe.skipIf(noEngine)('the offline bundle with the agent image', () => {
  it('has the archive and its sha256 at agent-image/, byte for byte the docker save output', () => {
    const copied = join(out, 'agent-image', FILE);
    expect(readFileSync(copied).equals(readFileSync(archive))).toBe(true);
    const sum = spawnSync('sha256sum', [copied], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(readFileSync(`${copied}.sha256`, 'utf8')).toBe(`${sum}  ${FILE}\n`);
    expect(readFileSync(join(out, 'devices', 'offline-1', 'install.sh'), 'utf8')).toContain(`[ "$sum" = ${sum} ]`);
  });

  it('install.sh refuses a damaged archive before loading anything', () => {
    const copy = join(tmp('damaged'), 'export');
    cpSync(out, copy, { recursive: true });
    const f = join(copy, 'agent-image', FILE);
    const fd = openSync(f, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, Math.floor(statSync(f).size / 2));
    closeSync(fd);
    const docker = engineDocker(engine);
    const r = spawnSync('sh', [join(copy, 'devices', 'offline-1', 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: docker.path, EDGEDECK_ENV_DIR: join(tmp('etc'), 'pe') }, timeout: 180_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/install\.sh: error: the image archive .*portainer-agent-2\.23\.0\.tar is damaged \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\); copy it again/);
    expect(docker.calls().filter((c) => c.argv[0] === 'load' || c.argv[0] === 'run')).toEqual([]);
  });

  it('install.sh checks and loads the image, then starts the agent; a second run does not load it again', async () => {
    const docker = engineDocker(engine);
    const etc = join(tmp('etc'), 'portainer-edge');
    const run = () => spawnSync('sh', [join(out, 'devices', 'offline-1', 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: docker.path, EDGEDECK_ENV_DIR: etc }, timeout: 180_000 });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`loaded ${IMAGE.replace(/[/.]/g, '\\$&')} from .*agent-image/${FILE.replace(/\./g, '\\.')} \\(sha256 checked\\)`));
    expect(first.stdout).toContain(`started portainer_edge_agent (${IMAGE})`);
    const calls = docker.calls().map((c) => c.argv[0]);
    expect(calls.indexOf('load')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('load')).toBeLessThan(calls.indexOf('run'));
    const id = (await engine.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).trim();
    expect(id).toBe((await source.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).trim());
    expect(JSON.parse(await engine.docker(['inspect', '--type', 'container', 'portainer_edge_agent']))[0].State.Running).toBe(true);
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('is already here (same image ID): the archive is not loaded again');
    expect(docker.calls().filter((c) => c.argv[0] === 'load')).toHaveLength(1);
    expect(existsSync(join(etc, 'agent.env'))).toBe(true);
  }, 240_000);

  it('refuses --include-image with encryption, and --image-archive without --include-image', async () => {
    const a = await exportWith(['--environments', '1', '--include-image', '--image-archive', archive, '--age-recipient', 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'], join(tmp('enc'), 'x'));
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/The agent image goes into a folder export only/);
    const b = await exportWith(['--environments', '1', '--image-archive', archive], join(tmp('noinc'), 'x'));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--image-archive: Give --image-archive FILE together with --include-image/);
  });
});
