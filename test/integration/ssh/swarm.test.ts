/**
 * Docker Swarm installs over SSH on a real engine: real OpenSSH sshd on loopback, Debian's docker
 * CLI and dockerd (test/fixtures/engine), a single-node Swarm (`docker swarm init`) of the suite's
 * own, the test agent image tagged portainer/agent:<version>, and a local Portainer-compatible
 * server. A second host on the run's shared engine (not in a swarm) is the "not a manager" case.
 * A swarm of two nodes (a worker in a network namespace of its own, its image pushed over SSH, a
 * worker as the target) is swarmNodes.test.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { ensureAgentImage } from '../../fixtures/engine/agentImage/build';
import { DOCKER_CLI, engineUnavailable } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { expectNoSecrets } from '../../fixtures/ssh/secretScan';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { startSshd, type SshdHost } from '../../fixtures/ssh/harness';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-swarm-4321';
const AGENT_SECRET = 'agent-secret-Sw4rm never-shown';
const noEngine = engineUnavailable();
if (noEngine) process.stdout.write(`swarm.test.ts skipped: no Docker engine can run here (${noEngine})\n`);

let bed: SshTestBed;
let manager: SshdHost;
let plain: SshdHost;
const logLines: string[] = [];
const keys: string[] = [];
let first: { target: string; environmentId: number } | undefined;
let runNo = 0;

beforeAll(async () => {
  if (noEngine) return;
  bed = await startSshTestBed({ prefix: 'edt-ssh-swarm-', hostNames: ['s1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, engine: 'private', keyUsers: ['key', 'sudo'] });
  manager = bed.hosts[0]!;
  await manager.engine!.initSwarm();
  plain = await startSshd('n1', bed.users.all, bed.root, { engine: await testEngine(), agentName: `edt_n1_${bed.users.key.name.split('_')[1]}` });
  plain.authorize(bed.users.key.name, bed.key.pub);
}, 120_000);

afterAll(async () => {
  await plain?.removeAgent();
  await plain?.stop();
  await bed?.close();
});

function options(target: string, extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  const host = target.endsWith(`:${manager.port}`) ? manager : plain;
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api, logLines },
    {
      targets: [target],
      platform: 'swarm',
      retry: { attempts: 1, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `sw${++runNo}-{host}-{port}` },
      remoteDir: host.remoteDir,
      agentName: () => host.agentName,
      ...extra,
    },
  );
}

interface ServiceSpec {
  Spec: {
    Mode: { Global?: object };
    TaskTemplate: { ContainerSpec: { Image: string; Env: string[]; Mounts: Array<{ Type: string; Source: string; Target: string }> }; Placement: { Constraints: string[] } };
  };
}
const service = async (): Promise<ServiceSpec> => (JSON.parse(await manager.engine!.docker(['service', 'inspect', 'portainer_edge_agent'])) as ServiceSpec[])[0]!;

describe.skipIf(noEngine)('Docker Swarm install over real sshd on a real engine', () => {
  it('preflight refuses a node that is not in a swarm (real docker info), before anything is written', async () => {
    const summary = await runFleetInstall(options(`${bed.users.key.name}@127.0.0.1:${plain.port}`));
    const h = summary.hosts[0]!;
    keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
    expect(h.status).toBe('failed');
    expect(h.reason).toMatch(/Container runtime: Docker 20\.10\.\S+, swarm inactive/);
    const runtime = (h.detail!.checks as Array<{ id: string; fix?: string }>).find((c) => c.id === 'runtime')!;
    expect(runtime.fix).toMatch(/swarm/i);
    expect(plain.argvLog().filter((c) => c.envFile || /^(network|service) create$/.test(c.argv.slice(0, 2).join(' ')))).toEqual([]);
  }, 60_000);

  it('creates the overlay network and a global service from the root-only env file; the agent checks in, tunnel verified', async () => {
    const summary = await runFleetInstall(options(`${bed.users.sudo.name}@127.0.0.1:${manager.port}`));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    const env = await bed.api.environment(h.environmentId!);
    keys.push(env.edgeKey);
    first = { target: h.target, environmentId: h.environmentId! };
    const create = manager.argvLog().find((c) => c.argv[0] === 'service' && c.argv[1] === 'create')!;
    const envPath = join(manager.remoteDir, 'agent.env');
    expect(create.envFile).toEqual({ path: envPath, mode: '600', uid: 0 });
    expect(create.cmdlines.some((c) => c[0] === 'sudo' && c.includes('-S'))).toBe(true);
    expect(existsSync(envPath)).toBe(false);
    expect(statSync(manager.remoteDir).mode & 0o777).toBe(0o700);
    // What the real engine made of it.
    const net = JSON.parse(await manager.engine!.docker(['network', 'inspect', 'portainer_agent_network'])) as Array<{ Driver: string; Scope: string }>;
    expect(net[0]).toMatchObject({ Driver: 'overlay', Scope: 'swarm' });
    const spec = (await service()).Spec;
    expect(spec.Mode.Global).toBeDefined();
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.platform.os == linux']);
    expect(spec.TaskTemplate.ContainerSpec.Image).toMatch(/^portainer\/agent:2\.23\.0(@sha256:[0-9a-f]{64})?$/);
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining(['EDGE=1', `EDGE_ID=${h.edgeId}`, `EDGE_KEY=${env.edgeKey}`, 'AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent', `AGENT_SECRET=${AGENT_SECRET}`]));
    expect(spec.TaskTemplate.ContainerSpec.Mounts.map((m) => `${m.Type}:${m.Source}:${m.Target}`)).toEqual([
      'bind://var/run/docker.sock:/var/run/docker.sock',
      'bind://var/lib/docker/volumes:/var/lib/docker/volumes',
      'bind://:/host',
      'volume:portainer_agent_data:/data',
    ]);
    const tasks = await manager.engine!.docker(['service', 'ps', '--format', '{{.CurrentState}}', 'portainer_edge_agent']);
    expect(tasks).toMatch(/^Running/);
  }, 120_000);

  it('the same environment again: the service is found unchanged, nothing is created, the check-in is verified', async () => {
    const creates = () => manager.argvLog().filter((c) => c.argv[0] === 'service' && c.argv[1] === 'create').length;
    const before = creates();
    const summary = await runFleetInstall(options(first!.target, { environment: { mode: 'existing', id: first!.environmentId } }));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('unchanged');
    expect(h.checkedIn).toBe(true);
    expect(creates()).toBe(before);
  }, 90_000);

  it('a different Edge ID is refused without replace, and nothing is removed', async () => {
    const envBefore = (await service()).Spec.TaskTemplate.ContainerSpec.Env;
    const before = manager.argvLog().length;
    const summary = await runFleetInstall(options(first!.target));
    const h = summary.hosts[0]!;
    keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
    expect(h.status).toBe('failed');
    expect(h.reason).toMatch(/the portainer_edge_agent service exists with Edge ID .*replacing it was not confirmed/);
    expect(manager.argvLog().slice(before).filter((c) => /^(service (rm|create)|volume rm)/.test(c.argv.slice(0, 2).join(' ')))).toEqual([]);
    expect((await service()).Spec.TaskTemplate.ContainerSpec.Env).toEqual(envBefore);
  }, 60_000);

  it('replaceExisting always: the service and its volume are replaced, the new agent checks in with the new key', async () => {
    const summary = await runFleetInstall(options(first!.target, { replaceExisting: 'always' }));
    const h = summary.hosts[0]!;
    const env = await bed.api.environment(h.environmentId!);
    keys.push(env.edgeKey);
    expect(h.status, h.reason).toBe('succeeded');
    expect(h.checkedIn).toBe(true);
    expect((await service()).Spec.TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining([`EDGE_KEY=${env.edgeKey}`, `EDGE_ID=${h.edgeId}`]));
  }, 120_000);

  it('missing agent image, no registry: preflight names it for Standalone and Swarm before anything is created (issue #17)', async () => {
    const engine = manager.engine!;
    await engine.docker(['service', 'rm', 'portainer_edge_agent']).catch(() => undefined);
    await engine.docker(['image', 'rm', '-f', 'portainer/agent:2.23.0']);
    const calls = manager.argvLog().length;
    try {
      for (const platform of ['standalone', 'swarm'] as const) {
        const started = Date.now();
        const summary = await runFleetInstall(options(`${bed.users.key.name}@127.0.0.1:${manager.port}`, { platform }));
        const h = summary.hosts[0]!;
        keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
        expect(h.status).toBe('failed');
        // docker's own error line from the bounded pull, not a usage hint.
        expect(h.reason).toMatch(/Agent image: portainer\/agent:2\.23\.0 is not on the host and cannot be pulled: Error response from daemon: .*registry-1\.docker\.io/);
        const check = (h.detail!.checks as Array<{ id: string; fix?: string }>).find((c) => c.id === 'image')!;
        expect(check.fix).toMatch(/load -i <archive>/);
        expect(Date.now() - started).toBeLessThan(30_000);
      }
      // Nothing was created: no run, no service create, no env file on the host.
      expect(manager.argvLog().slice(calls).filter((c) => c.envFile || c.argv[0] === 'run' || c.argv.slice(0, 2).join(' ') === 'service create')).toEqual([]);
      expect(await engine.docker(['service', 'ls', '-q'])).toBe('');
    } finally {
      await ensureAgentImage(engine);
    }
  }, 120_000);

  it('a task the orchestrator rejects (the image gone after preflight) ends the host in bounded time with the task error; the service is removed', async () => {
    const engine = manager.engine!;
    let removed = false;
    try {
      const summary = await runFleetInstall(
        options(`${bed.users.key.name}@127.0.0.1:${manager.port}`, {
          onLog: (_t, line) => {
            if (line === '== write env file' && !removed) {
              removed = true;
              void engine.docker(['image', 'rm', '-f', 'portainer/agent:2.23.0']);
            }
          },
        }),
      );
      const h = summary.hosts[0]!;
      keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
      expect(removed).toBe(true);
      expect(h.status).toBe('failed');
      expect(h.reason, h.reason).toMatch(/start agent: the agent service's task was rejected: No such image: portainer\/agent:2\.23\.0$/);
      // Structured: the code says the image is missing, and its fix names the push option and docker load.
      expect(h.reasonCode).toBe('image-missing');
      expect(h.fix).toMatch(/--push-image.*docker load -i <archive>/);
      expect(await engine.docker(['service', 'ls', '-q'])).toBe('');
    } finally {
      await ensureAgentImage(engine);
    }
  }, 180_000);

  it('with --push-image the manager gets the image over SSH and the global service runs (issue #17)', async () => {
    const engine = manager.engine!;
    await engine.docker(['service', 'rm', 'portainer_edge_agent']).catch(() => undefined);
    await engine.docker(['image', 'rm', '-f', 'portainer/agent:2.23.0', 'docker.io/portainer/agent:2.23.0']).catch(() => undefined);
    const source = await testEngine();
    try {
      const summary = await runFleetInstall(options(`${bed.users.key.name}@127.0.0.1:${manager.port}`, { pushImage: { from: 'engine', cli: DOCKER_CLI, env: { ...process.env, DOCKER_HOST: source.host } } }));
      const h = summary.hosts[0]!;
      keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
      expect(h.status, h.reason).toBe('succeeded');
      expect(h.checkedIn).toBe(true);
      const id = (d: string) => d.trim();
      expect(id(await engine.docker(['image', 'inspect', '--format', '{{.Id}}', 'portainer/agent:2.23.0']))).toBe(id(await source.docker(['image', 'inspect', '--format', '{{.Id}}', 'portainer/agent:2.23.0'])));
      expect(await engine.docker(['service', 'ps', '--format', '{{.CurrentState}}', 'portainer_edge_agent'])).toMatch(/^Running/);
    } finally {
      await ensureAgentImage(engine);
    }
  }, 240_000);

  it('secret scan: no join token, agent secret or password in argv/cmdlines, transcripts, progress log, sshd logs, ps or shell history', () => {
    expect(keys).toHaveLength(8);
    const secrets = [...keys, AGENT_SECRET, bed.users.sudo.password];
    expectNoSecrets({ runsDir: join(bed.root, 'runs'), logLines, hosts: [manager, plain], secrets });
  });
});
