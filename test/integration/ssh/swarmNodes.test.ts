/**
 * A real two-node Swarm (issues #17 and #14): the manager is a private dockerd behind a real sshd on
 * 127.0.0.1; the worker is a second dockerd from the fixture in a network namespace of its own
 * (two engines in one namespace cannot both create the overlay network's vxlan interface), joined
 * with `docker swarm join` on its own address, and reached by a real sshd listening on that
 * address with the manager's port, as a second machine would be. Docker Hub is unreachable, so a
 * node without the agent image cannot pull it.
 *
 * Proven: without --push-image the worker's task is rejected ("No such image"), the host fails
 * within the bounded watch naming the worker and its task error, and nothing is left (no service,
 * no task container, no env file). With --push-image the preflight names the nodes that lack the
 * image, the image goes to both nodes over SSH (the manager target's login at the worker's swarm
 * address), the global service runs a task on both nodes, the agent checks in and its tunnel (the
 * real chisel client in the image) is verified. The push time to the two nodes is printed. And the
 * worker itself as a target: the preflight refuses it (a swarm worker, from its real docker info).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTranscript } from '../../../src-main/services/install/fleet';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { DOCKER_CLI, engineUnavailable, startDockerd, type Engine } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { expectNoSecrets } from '../../fixtures/ssh/secretScan';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { startSshd, type SshdHost } from '../../fixtures/ssh/harness';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-nodes-4321';
const AGENT_SECRET = 'agent-secret-Nodes never-shown';
const IMAGE = 'portainer/agent:2.23.0';
const noEngine = engineUnavailable();
if (noEngine) process.stdout.write(`swarmNodes.test.ts skipped: no Docker engine can run here (${noEngine})\n`);

let bed: SshTestBed;
let manager: SshdHost;
let worker: Engine;
let workerHost: SshdHost;
let workerName: string;
const logLines: string[] = [];
const keys: string[] = [];
let runNo = 0;

beforeAll(async () => {
  if (noEngine) return;
  bed = await startSshTestBed({ prefix: 'edt-ssh-nodes-', hostNames: ['m1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, engine: 'private', keyUsers: ['key', 'sudo'] });
  manager = bed.hosts[0]!;
  await manager.engine!.initSwarm();
  // No agent image on the worker: it was never built there.
  worker = await startDockerd({ prefix: 'edt-dockerd-worker-', ownNetwork: true });
  await worker.joinSwarm(manager.engine!);
  workerName = (await worker.docker(['info', '--format', '{{.Name}}'])).trim();
  workerHost = await startSshd('w1', bed.users.all, bed.root, { engine: worker, inNetns: { engine: worker, port: manager.port } });
  for (const u of [bed.users.key, bed.users.sudo]) workerHost.authorize(u.name, bed.key.pub);
}, 180_000);

afterAll(async () => {
  await manager?.engine?.docker(['service', 'rm', 'portainer_edge_agent']).catch(() => undefined);
  await worker?.docker(['swarm', 'leave', '--force']).catch(() => undefined);
  await workerHost?.stop();
  await worker?.stop();
  await bed?.close();
}, 120_000);

function options(user: 'key' | 'sudo', extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api, logLines },
    {
      targets: [`${bed.users[user].name}@127.0.0.1:${manager.port}`],
      platform: 'swarm',
      retry: { attempts: 1, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `nodes${++runNo}-{host}-{port}` },
      remoteDir: manager.remoteDir,
      ...extra,
    },
  );
}

const imageId = (e: Engine) => e.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE]).then((s) => s.trim(), () => undefined);
const checkOf = (h: { detail?: Record<string, unknown> }, id: string) => (h.detail!.checks as Array<{ id: string; status: string; found: string; fix?: string }>).find((c) => c.id === id);

describe.skipIf(noEngine)('Swarm of two real nodes: the agent image on every node (issues #17, #14)', () => {
  it('the swarm has two nodes: the manager and the worker on its own address', async () => {
    const nodes = (await manager.engine!.docker(['node', 'ls', '--format', '{{.Hostname}}|{{.Status}}|{{.ManagerStatus}}'])).trim().split('\n').sort();
    expect(nodes).toHaveLength(2);
    expect(nodes).toContain(`${workerName}|Ready|`);
    expect(await imageId(worker)).toBeUndefined();
  });

  it('a worker node as the target: preflight says it is a worker (its real docker info) and nothing is written', async () => {
    const summary = await runFleetInstall(options('key', { targets: [`${bed.users.key.name}@${worker.netns!.address}:${manager.port}`], remoteDir: workerHost.remoteDir }));
    const h = summary.hosts[0]!;
    keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
    expect(h.status).toBe('failed');
    expect(h.reason).toMatch(/Container runtime: Docker 20\.10\.\S+, swarm worker/);
    expect(checkOf(h, 'runtime')!.fix).toMatch(/swarm manager/);
    expect(workerHost.argvLog().filter((c) => c.envFile || /^(network|service) create$/.test(c.argv.slice(0, 2).join(' ')))).toEqual([]);
  }, 60_000);

  it('without --push-image: the worker task is rejected, the host fails in bounded time naming the worker and its task error; nothing is left', async () => {
    const started = Date.now();
    const summary = await runFleetInstall(options('sudo'));
    const h = summary.hosts[0]!;
    keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
    expect(h.status).toBe('failed');
    // The preflight said, before anything was created, that the worker's image is not known and how it gets one.
    const nodes = checkOf(h, 'swarm-nodes')!;
    expect(nodes.status).toBe('warn');
    expect(nodes.found).toContain(`${workerName} (${worker.netns!.address}): not checked`);
    expect(nodes.fix).toMatch(/--push-image/);
    expect(h.reason).toMatch(new RegExp(`start agent: the agent service's task on node ${workerName} \\(${worker.netns!.address.replace(/\./g, '\\.')}\\) was rejected: No such image: portainer/agent:2\\.23\\.0`));
    expect(h.reasonCode).toBe('image-missing');
    expect(h.fix).toMatch(new RegExp(`Node ${workerName} .*--push-image`));
    expect(Date.now() - started).toBeLessThan(150_000);
    // Nothing half-created: no service, no task container on either node, no env file.
    expect(await manager.engine!.docker(['service', 'ls', '-q'])).toBe('');
    for (const e of [manager.engine!, worker]) {
      let left = '';
      for (let i = 0; i < 100; i++) {
        left = (await e.docker(['ps', '-aq', '--filter', 'label=com.docker.swarm.service.name=portainer_edge_agent'])).trim();
        if (!left) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(left).toBe('');
    }
    expect(existsSync(join(manager.remoteDir, 'agent.env'))).toBe(false);
  }, 240_000);

  it('with --push-image: both nodes get the image over SSH, the global service runs on both, the agent checks in, tunnel verified', async () => {
    const source = await testEngine();
    const sourceId = (await imageId(source))!;
    // Neither node has this computer's image: the manager's own build has another ID, and it is removed.
    await manager.engine!.docker(['image', 'rm', '-f', IMAGE, `docker.io/${IMAGE}`]).catch(() => undefined);
    const summary = await runFleetInstall(options('key', { pushImage: { from: 'engine', cli: DOCKER_CLI, env: { ...process.env, DOCKER_HOST: source.host } } }));
    const h = summary.hosts[0]!;
    keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    const nodes = checkOf(h, 'swarm-nodes')!;
    expect(nodes.status).toBe('pass');
    expect(nodes.found).toBe(`${workerName} (${worker.netns!.address}): lacks ${IMAGE}; it will be pushed over SSH`);
    expect(await imageId(manager.engine!)).toBe(sourceId);
    expect(await imageId(worker)).toBe(sourceId);
    // One task running on each node.
    const tasks = (await manager.engine!.docker(['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.Node}}|{{.CurrentState}}', 'portainer_edge_agent'])).trim().split('\n');
    expect(tasks).toHaveLength(2);
    expect(tasks.every((t) => /\|Running/.test(t))).toBe(true);
    expect(tasks.map((t) => t.split('|')[0])).toContain(workerName);
    // The push to the worker went over its own sshd, at its swarm address.
    expect(workerHost.sshdLog()).toMatch(new RegExp(`Accepted publickey for ${bed.users.key.name}`));
    const transcript = readTranscript(join(bed.root, 'runs'), summary.runId, h.target);
    const notes = transcript.steps.find((s) => s.name === 'push image')!;
    const done = notes.notes.filter((n) => /checksum verified on the host/.test(n));
    expect(done).toHaveLength(2);
    expect(done.some((n) => n.startsWith(`image push: node ${workerName} (${worker.netns!.address}): checksum verified`))).toBe(true);
    process.stdout.write(`swarm push to two nodes over loopback SSH: step ${notes.ms} ms; ${done.map((n) => n.replace(/^.*?; (\d)/, '$1')).join(' | ')}\n`);
  }, 300_000);

  it('secret scan: no join token, agent secret or password in transcripts, progress log, argv, sshd logs or ps', () => {
    expect(keys).toHaveLength(3);
    const secrets = [...keys, AGENT_SECRET, bed.users.sudo.password];
    expectNoSecrets({ runsDir: join(bed.root, 'runs'), logLines, hosts: [manager, workerHost], secrets });
  });
});
