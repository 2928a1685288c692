import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import type { PortainerClient } from '../../../src-main/services/portainer/client';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { CHISEL_CLIENT } from '../../fixtures/engine/agentImage/build';
import { engineUnavailable, type Engine } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { ADMIN_PASSWORD, adminClient, captureIo, engineDocker, ensureTool, skipReason, tmp, waitFor } from './helpers';

/**
 * The export's consumers REALLY run, as root, on a real Docker engine (test/fixtures/engine): the
 * bundle's install.sh, the Ansible playbook (which runs install.sh) and docker-compose.yml under
 * Debian's docker-compose start the agent image tagged portainer/agent:2.23.0 in a container,
 * which checks in to the local Portainer-compatible server started here, and its tunnel (the
 * real chisel client in the image, where ../shared/tools/chisel-client is there) is opened and
 * checked. The engine is a private one: the bundles use Portainer's own names
 * (portainer_edge_agent, portainer_agent_data), which no other suite may share.
 */
const isRoot = process.getuid?.() === 0;
const notRoot = isRoot ? undefined : 'install.sh must run as root (the tests are not root)';
const noEngine = notRoot ?? engineUnavailable();
const ansibleMissing = ensureTool('ansible-playbook', 'ansible');
const composeMissing = ensureTool('docker-compose', 'docker-compose');
const AGENT = 'portainer_edge_agent';

let engine: Engine | undefined;
let server: LocalServer;
let client: PortainerClient;
let out: string;
const envs: Array<{ id: number; name: string }> = [];

function manifest(name: string): { edgeId: string; environment: { id: number }; files: Array<{ path: string; sha256: string; mode: string }> } {
  return JSON.parse(readFileSync(join(out, 'devices', name, 'manifest.json'), 'utf8'));
}

interface Inspect {
  Id: string;
  State: { Running: boolean };
  Config: { Env: string[]; Image: string; Labels?: Record<string, string> };
  HostConfig: { RestartPolicy: { Name: string }; Binds: string[] | null };
  Mounts: Array<{ Type: string; Name?: string; Destination: string }>;
}

async function agentContainer(): Promise<Inspect | undefined> {
  const raw = await engine!.docker(['inspect', '--type', 'container', AGENT]).catch(() => undefined);
  return raw ? (JSON.parse(raw) as Inspect[])[0] : undefined;
}

/** The agent containers on the engine, by name (a duplicate would be a second one). */
async function agentContainers(): Promise<string[]> {
  return (await engine!.docker(['ps', '-a', '--format', '{{.Names}}'])).split('\n').filter((n) => n.includes('edge_agent'));
}

/** Waits for the environment's first check-in with `edgeId`, then opens its tunnel and checks it end to end. */
async function checkedInWithTunnel(envId: number, edgeId: string, since: number, what: string): Promise<void> {
  const seen = await waitFor(async () => {
    const e = await client.getEnvironment(envId);
    return e.lastCheckIn >= since ? e : undefined;
  }, 60_000, `${what} to check in`);
  expect(seen.edgeId).toBe(edgeId);
  // The server opens the tunnel on demand and reaches the agent's API through it.
  // Its bound is 2 × the 1 s check-in interval, as Portainer's; on a loaded 2-core machine the
  // container's chisel client can take longer to dial, so a second and third ask are allowed (as a
  // user would click "Verify tunnel" again). An agent that never opens it still fails here.
  for (let attempt = 1; ; attempt++) {
    try {
      await server.ensureTunnel(envId);
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      console.log(`NOTE ${what}: tunnel not open on ask ${attempt} (${e instanceof Error ? e.message : String(e)}); asking again`);
    }
  }
  expect(server.environmentView(envId)?.tunnelVerified).toBe(true);
  const logs = await engine!.docker(['logs', AGENT], { withStderr: true });
  expect(logs).toMatch(/docker engine 20\.10\.\S+ via \/var\/run\/docker\.sock/);
  if (existsSync(CHISEL_CLIENT)) expect(logs).toMatch(/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d client: Connected \(Latency/);
  else console.log(`NOTE ${CHISEL_CLIENT} is missing: the agent's tunnel used the simulator's own client`);
}

const nowS = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  if (!noEngine) engine = await testEngine({ private: true, prefix: 'edt-dockerd-prestage-' });
  // Where the agents' containers reach it: the engine's bridge address (loopback without an engine).
  server = await startLocalServer({ host: engine?.address ?? '127.0.0.1', dataDir: tmp('server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  client = adminClient(server.url);
  for (const name of ['site-a', 'site-b', 'site-c', 'site-d']) {
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
}, 240_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  await engine?.stop();
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

  it.skipIf(skipReason('running install.sh on a real engine', noEngine))('runs as root on a real engine: env file 0600, the agent container checks in and its tunnel works; a second run changes nothing; another Edge ID replaces it', async () => {
    const docker = engineDocker(engine!);
    const etc = join(tmp('etc'), 'portainer-edge');
    const run = (name: string) =>
      spawnSync('sh', [join(out, 'devices', name, 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: docker.path, EDGEDECK_ENV_DIR: etc }, timeout: 120_000 });

    const a = envs[0]!;
    const edgeIdA = manifest(a.name).edgeId;
    const since = nowS();
    const first = run(a.name);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`installed the agent settings to ${etc}/agent.env`);
    expect(first.stdout).toContain(`started ${AGENT} (portainer/agent:2.23.0)`);
    expect(statSync(etc).mode & 0o777).toBe(0o700);
    expect(statSync(join(etc, 'agent.env')).mode & 0o777).toBe(0o600);
    // The docker CLI read the env file as root, 0600; the engine runs what Portainer's command runs.
    const runCall = docker.calls().find((c) => c.argv[0] === 'run')!;
    expect(runCall.envFile).toEqual({ path: `${etc}/agent.env`, mode: '600', uid: 0 });
    const c = (await agentContainer())!;
    expect(c.State.Running).toBe(true);
    expect(c.Config.Image).toBe('portainer/agent:2.23.0');
    const key = /^EDGE_KEY=(\S+)$/m.exec(readFileSync(join(etc, 'agent.env'), 'utf8'))![1]!;
    expect(c.Config.Env).toEqual(expect.arrayContaining(['EDGE=1', `EDGE_ID=${edgeIdA}`, `EDGE_KEY=${key}`, 'EDGE_INSECURE_POLL=1']));
    expect(c.HostConfig.RestartPolicy.Name).toBe('always');
    expect([...(c.HostConfig.Binds ?? [])].sort()).toEqual(['/:/host', '/var/lib/docker/volumes:/var/lib/docker/volumes', '/var/run/docker.sock:/var/run/docker.sock', 'portainer_agent_data:/data']);
    expect(c.Mounts.find((m) => m.Destination === '/data')).toMatchObject({ Type: 'volume', Name: 'portainer_agent_data' });
    // No secret on any command line the CLI was given.
    expect(JSON.stringify(docker.calls().map((x) => x.argv))).not.toContain(key);
    await checkedInWithTunnel(a.id, edgeIdA, since, 'the agent started by install.sh');

    const again = run(a.name);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`nothing to do: ${AGENT} already runs with Edge ID ${edgeIdA}`);
    expect(docker.calls().filter((x) => x.argv[0] === 'run')).toHaveLength(1);
    expect(await agentContainers()).toEqual([AGENT]);
    expect((await agentContainer())!.Id).toBe(c.Id);

    const b = envs[1]!;
    const sinceB = nowS();
    const replaced = run(b.name);
    expect(replaced.stderr).toBe('');
    expect(replaced.status).toBe(0);
    expect(replaced.stdout).toContain(`removed the existing ${AGENT} container (it had Edge ID ${edgeIdA}`);
    expect(await agentContainers()).toEqual([AGENT]);
    const cb = (await agentContainer())!;
    expect(cb.Id).not.toBe(c.Id);
    expect(cb.Config.Env).toContain(`EDGE_ID=${manifest(b.name).edgeId}`);
    await checkedInWithTunnel(b.id, manifest(b.name).edgeId, sinceB, 'the replacement agent');
  }, 240_000);

  it('refuses an expired bundle and an unreachable docker daemon with a clear message', () => {
    const dir = join(out, 'devices', envs[0]!.name);
    const script = readFileSync(join(dir, 'install.sh'), 'utf8').replace('EXPIRES_NUM=20991231', 'EXPIRES_NUM=20000101');
    const expired = join(dir, '..', 'expired.sh');
    writeFileSync(expired, script);
    const r = spawnSync('sh', [expired], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
    if (isRoot) expect(r.stderr).toContain('this bundle expired on 2099-12-31');
    else expect(r.stderr).toContain('run this as root');
    expect(r.status).toBe(1);
    // A docker CLI whose daemon is not there (DOCKER_HOST at a socket nobody listens on), or none at all.
    const noDaemon = spawnSync('sh', [join(dir, 'install.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${tmp('empty')}:/usr/bin:/bin`, DOCKER_HOST: `unix://${tmp('nodaemon')}/docker.sock` } });
    if (isRoot) expect(noDaemon.stderr).toMatch(existsOnPath('docker') ? /docker is installed but its daemon is not reachable/ : /docker is not installed/);
    expect(noDaemon.status).toBe(1);
  });
});

function existsOnPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `PATH=/usr/bin:/bin command -v ${bin}`]).status === 0;
}

describe('Ansible playbook', () => {
  it.skipIf(skipReason('ansible-playbook run on a real engine', ansibleMissing ?? noEngine))('ansible-playbook (connection local, become) copies the bundle and runs install.sh; the agent container checks in; a second run does nothing', async () => {
    const docker = engineDocker(engine!);
    const c = envs[2]!;
    const remote = join(tmp('remote'), 'bundle');
    const etc = join(tmp('etc'), 'portainer-edge');
    const extra = JSON.stringify({ ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3', edgedeck_remote_dir: remote, edgedeck_install_env: { PATH: docker.path, EDGEDECK_ENV_DIR: etc } });
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_LOCAL_TEMP: tmp('ansible-local'), ANSIBLE_REMOTE_TEMP: tmp('ansible-remote') };
    const since = nowS();
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml', '--limit', c.name, '-e', extra], { cwd: out, encoding: 'utf8', timeout: 180_000, env });
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`started ${AGENT}`);
    expect(statSync(join(remote, 'agent.env')).mode & 0o777).toBe(0o600);
    expect(statSync(remote).mode & 0o777).toBe(0o700);
    expect(statSync(join(etc, 'agent.env')).mode & 0o777).toBe(0o600);
    expect(docker.calls().find((x) => x.argv[0] === 'run')!.envFile).toEqual({ path: `${etc}/agent.env`, mode: '600', uid: 0 });
    const edgeId = manifest(c.name).edgeId;
    expect((await agentContainer())!.Config.Env).toContain(`EDGE_ID=${edgeId}`);
    await checkedInWithTunnel(c.id, edgeId, since, 'the agent installed by Ansible');
    const id = (await agentContainer())!.Id;
    const r2 = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml', '--limit', c.name, '-e', extra], { cwd: out, encoding: 'utf8', timeout: 180_000, env });
    expect(r2.status).toBe(0);
    expect(r2.stdout).toContain('nothing to do');
    expect(readdirSync(remote).sort()).toEqual(['agent.env', 'install.sh']);
    expect(await agentContainers()).toEqual([AGENT]);
    expect((await agentContainer())!.Id).toBe(id);
  }, 300_000);
});

describe('docker-compose.yml', () => {
  it.skipIf(skipReason('docker-compose up on a real engine', composeMissing ?? noEngine))('docker-compose up -d (as root, next to agent.env) starts the agent, which checks in and opens its tunnel; a second up changes nothing', async () => {
    // A device with no agent yet: what an earlier test started is removed, with its data volume.
    await engine!.docker(['rm', '-f', AGENT]).catch(() => undefined);
    await engine!.docker(['volume', 'rm', 'portainer_agent_data']).catch(() => undefined);
    const d = envs[3]!;
    const dir = join(out, 'devices', d.name);
    const edgeId = manifest(d.name).edgeId;
    const compose = (args: string[]) => spawnSync('docker-compose', args, { cwd: dir, encoding: 'utf8', timeout: 180_000, env: { ...process.env, DOCKER_HOST: engine!.host } });
    const since = nowS();
    const up = compose(['up', '-d']);
    if (up.status !== 0) console.log(up.stdout, up.stderr);
    expect(up.status).toBe(0);
    expect(up.stderr).toMatch(new RegExp(`Creating ${AGENT} \\.\\.\\. done`));
    const c = (await agentContainer())!;
    expect(c.State.Running).toBe(true);
    expect(c.Config.Image).toBe('portainer/agent:2.23.0');
    expect(c.Config.Env).toEqual(expect.arrayContaining(['EDGE=1', `EDGE_ID=${edgeId}`, 'EDGE_INSECURE_POLL=1']));
    expect(c.HostConfig.RestartPolicy.Name).toBe('always');
    expect(c.Mounts.find((m) => m.Destination === '/data')).toMatchObject({ Type: 'volume', Name: 'portainer_agent_data' });
    expect(c.Mounts.map((m) => m.Destination).sort()).toEqual(['/data', '/host', '/var/lib/docker/volumes', '/var/run/docker.sock']);
    await checkedInWithTunnel(d.id, edgeId, since, 'the agent started by docker-compose');

    const again = compose(['up', '-d']);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`${AGENT} is up-to-date`);
    expect(await agentContainers()).toEqual([AGENT]);
    const c2 = (await agentContainer())!;
    expect(c2.Id).toBe(c.Id);
    expect(c2.Config.Env).toContain(`EDGE_ID=${edgeId}`);
    expect((await client.getEnvironment(d.id)).edgeId).toBe(edgeId);
  }, 240_000);
});
