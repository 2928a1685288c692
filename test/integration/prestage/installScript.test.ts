import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import type { PortainerClient } from '../../../src-main/services/portainer/client';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { ADMIN_PASSWORD, adminClient, captureIo, dockerStandIn, ensureTool, skipReason, tmp, waitFor } from './helpers';

/**
 * install.sh and the Ansible playbook REALLY run (as root) against a `docker` stand-in first on
 * PATH: `docker run -d ... --env-file F` starts a simulated agent with EDGE_KEY/EDGE_ID from F,
 * which polls the local Portainer-compatible server started here. Asserted through its API.
 */
const isRoot = process.getuid?.() === 0;
const notRoot = isRoot ? undefined : 'install.sh must run as root (the tests are not root)';
const ansibleMissing = ensureTool('ansible-playbook', 'ansible');

let server: LocalServer;
let client: PortainerClient;
let out: string;
const envs: Array<{ id: number; name: string }> = [];
const standIns: Array<ReturnType<typeof dockerStandIn>> = [];

function manifest(name: string): { edgeId: string; environment: { id: number }; files: Array<{ path: string; sha256: string; mode: string }> } {
  return JSON.parse(readFileSync(join(out, 'devices', name, 'manifest.json'), 'utf8'));
}

beforeAll(async () => {
  server = await startLocalServer({ dataDir: tmp('server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  client = adminClient(server.url);
  for (const name of ['site-a', 'site-b', 'site-c']) {
    const e = await client.createEdgeEnvironment({ name, portainerUrl: server.url, pollSeconds: 1 });
    envs.push({ id: e.id, name });
  }
  out = join(tmp('out'), 'export');
  const io = captureIo(`${ADMIN_PASSWORD}\n`);
  const code = await makeExportCommand({ store: new MemoryStore(), prestageStore: new MemoryStore() }).run(
    ['--server', server.url, '--username', 'admin', '--password-stdin', '--insecure', '--environments', envs.map((e) => e.id).join(','), '--out', out, '--expires', '2099-12-31'],
    io,
  );
  expect(io.err.replace(/.*certificate verification is OFF.*\n/, '')).toBe('');
  expect(code).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const s of standIns) s.stop();
  await client?.close();
  await server?.close();
});

describe('install.sh', () => {
  it('is valid POSIX sh (sh -n) and has the right modes', () => {
    for (const e of envs) {
      const dir = join(out, 'devices', e.name);
      expect(spawnSync('sh', ['-n', join(dir, 'install.sh')]).status).toBe(0);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'agent.env')).mode & 0o777).toBe(0o600);
      for (const f of manifest(e.name).files) {
        const st = statSync(join(dir, f.path));
        expect((st.mode & 0o777).toString(8).padStart(4, '0')).toBe(f.mode);
        // Nothing holding the key is readable by others.
        if (readFileSync(join(dir, f.path), 'utf8').includes('EDGE_KEY')) expect(st.mode & 0o077).toBe(0);
      }
    }
    expect(statSync(out).mode & 0o777).toBe(0o700);
  });

  it.skipIf(skipReason('running install.sh', notRoot))('runs as root: installs the env file 0600, starts the agent, which checks in; a second run does nothing; another Edge ID replaces it', async () => {
    const docker = dockerStandIn();
    standIns.push(docker);
    const etc = join(tmp('etc'), 'portainer-edge');
    const run = (name: string) =>
      spawnSync('sh', [join(out, 'devices', name, 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: docker.path, EDGEDECK_ENV_DIR: etc }, timeout: 30_000 });

    const a = envs[0]!;
    const first = run(a.name);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`installed the agent settings to ${etc}/agent.env`);
    expect(first.stdout).toContain('started portainer_edge_agent (portainer/agent:2.23.0)');
    expect(statSync(etc).mode & 0o777).toBe(0o700);
    expect(statSync(join(etc, 'agent.env')).mode & 0o777).toBe(0o600);
    const runArgv = docker.argv().find((x) => x[0] === 'run')!;
    expect(runArgv).toEqual([
      'run', '-d', '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', '/var/lib/docker/volumes:/var/lib/docker/volumes', '-v', '/:/host',
      '-v', 'portainer_agent_data:/data', '--restart', 'always', '--env-file', `${etc}/agent.env`, '--name', 'portainer_edge_agent', 'portainer/agent:2.23.0',
    ]);
    const envFile = docker.envFiles()[0]!;
    expect(envFile.mode).toBe('600');
    const edgeIdA = manifest(a.name).edgeId;
    expect(envFile.content).toContain(`EDGE_ID=${edgeIdA}\n`);
    expect(envFile.content).toMatch(/^EDGE_KEY=\S+$/m);
    // No secret on any command line.
    const key = /^EDGE_KEY=(\S+)$/m.exec(envFile.content)![1]!;
    expect(readFileSync(join(docker.stateDir, 'argv.log'), 'utf8')).not.toContain(key);

    const seen = await waitFor(async () => {
      const e = await client.getEnvironment(a.id);
      return e.lastCheckIn > 0 ? e : undefined;
    }, 25_000, 'the agent started by install.sh to check in');
    expect(seen.edgeId).toBe(edgeIdA);

    const again = run(a.name);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`nothing to do: portainer_edge_agent already runs with Edge ID ${edgeIdA}`);
    expect(docker.argv().filter((x) => x[0] === 'run')).toHaveLength(1);

    const b = envs[1]!;
    const replaced = run(b.name);
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toContain(`removed the existing portainer_edge_agent container (it had Edge ID ${edgeIdA}`);
    expect(docker.argv().filter((x) => x[0] === 'rm')).toHaveLength(1);
    const seenB = await waitFor(async () => {
      const e = await client.getEnvironment(b.id);
      return e.lastCheckIn > 0 ? e : undefined;
    }, 25_000, 'the replacement agent to check in');
    expect(seenB.edgeId).toBe(manifest(b.name).edgeId);
  }, 90_000);

  it('refuses an expired bundle and a missing docker with a clear message', () => {
    const dir = join(out, 'devices', envs[0]!.name);
    const script = readFileSync(join(dir, 'install.sh'), 'utf8').replace("EXPIRES_NUM=20991231", 'EXPIRES_NUM=20000101');
    const expired = join(dir, '..', 'expired.sh');
    writeFileSync(expired, script);
    const r = spawnSync('sh', [expired], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
    if (isRoot) expect(r.stderr).toContain('this bundle expired on 2099-12-31');
    else expect(r.stderr).toContain('run this as root');
    expect(r.status).toBe(1);
    const noDocker = spawnSync('sh', [join(dir, 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${tmp('empty')}:/usr/bin:/bin` } });
    if (isRoot && !existsOnPath('docker')) expect(noDocker.stderr).toContain('docker is not installed');
    expect(noDocker.status).toBe(1);
  });
});

function existsOnPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `PATH=/usr/bin:/bin command -v ${bin}`]).status === 0;
}

describe('Ansible playbook', () => {
  it.skipIf(skipReason('ansible-playbook run', ansibleMissing ?? notRoot))('ansible-playbook (connection local, become) copies the bundle and runs install.sh; the agent checks in', async () => {
    const docker = dockerStandIn();
    standIns.push(docker);
    const c = envs[2]!;
    const remote = join(tmp('remote'), 'bundle');
    const etc = join(tmp('etc'), 'portainer-edge');
    const extra = JSON.stringify({ ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3', edgedeck_remote_dir: remote, edgedeck_install_env: { PATH: docker.path, EDGEDECK_ENV_DIR: etc } });
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml', '--limit', c.name, '-e', extra], {
      cwd: out,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_LOCAL_TEMP: tmp('ansible-local'), ANSIBLE_REMOTE_TEMP: tmp('ansible-remote') },
    });
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('started portainer_edge_agent');
    expect(statSync(join(remote, 'agent.env')).mode & 0o777).toBe(0o600);
    expect(statSync(remote).mode & 0o777).toBe(0o700);
    expect(statSync(join(etc, 'agent.env')).mode & 0o777).toBe(0o600);
    const seen = await waitFor(async () => {
      const e = await client.getEnvironment(c.id);
      return e.lastCheckIn > 0 ? e : undefined;
    }, 25_000, 'the agent installed by Ansible to check in');
    expect(seen.edgeId).toBe(manifest(c.name).edgeId);
    // Idempotent: a second run says nothing to do.
    const r2 = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml', '--limit', c.name, '-e', extra], { cwd: out, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    expect(r2.status).toBe(0);
    expect(r2.stdout).toContain('nothing to do');
    expect(readdirSync(remote).sort()).toEqual(['agent.env', 'install.sh']);
  }, 240_000);
});
