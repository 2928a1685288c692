/**
 * "Test connection" (fleet mode 'connect') and ssh:configHosts over real OpenSSH sshd on loopback:
 * only the connection (host key policy, login) and `sudo -n true`; no Portainer server, nothing
 * written on the host. The handler path imports ~/.ssh/config aliases and connects through them.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_SERVER, runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { createInstallHandlers } from '../../../src-main/services/install/handlers';
import { readRunSummary } from '../../../src-main/services/install/fleet';
import { AppKnownHosts, HostKeyDatabase } from '../../../src-main/services/ssh/knownHosts';
import type { Prompter } from '../../../src-main/services/ssh/prompter';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { TaskManager } from '../../../src-main/services/tasks/taskManager';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { testEngine } from '../../fixtures/engine/shared';
import { createUsers, freePort, makeClientKey, sharedTempDir, startSshd, type SshdHost, type TestUsers } from '../../fixtures/ssh/harness';

let users: TestUsers;
let root: string;
let host: SshdHost;
let key: { path: string; pub: string };

beforeAll(async () => {
  users = createUsers();
  root = sharedTempDir('edt-ssh-connmode-');
  // The real docker CLI is on the host (on the run's engine), so a docker call would be recorded.
  host = await startSshd('c1', users.all, root, { engine: await testEngine() });
  key = makeClientKey(root, 'id_conn');
  host.authorize(users.key.name, key.pub);
  host.authorize(users.sudo.name, key.pub);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  users?.remove();
  if (root && !process.env.EDT_KEEP_TMP) rmSync(root, { recursive: true, force: true });
});

const prompter: Prompter = { hostKey: async () => 'reject', secret: async () => undefined, confirm: async () => false };

function options(targets: string[], extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  // No server, no sudo password, no password answers: 'connect' mode must need none of them.
  return fleetTestOptions(
    { root, users, keyPath: key.path, server: NO_SERVER },
    { targets, prompter, sudoPassword: undefined, environment: { mode: 'create', nameTemplate: '{host}' }, mode: 'connect', connectTimeoutMs: 5000, ...extra },
  );
}

/** An ssh:install request (as the contract parses it) for a connection test through the handler. */
function connectRequest(targets: string[], extra: { sshPassword?: string } = {}) {
  return {
    environment: { mode: 'create' as const, nameTemplate: '{host}' },
    platform: 'standalone' as const,
    insecurePoll: true,
    targets,
    concurrency: 10,
    canary: 0,
    maxFailPct: 100,
    hostKeyPolicy: 'accept-new' as const,
    mode: 'connect' as const,
    replaceExisting: 'ask' as const,
    ...extra,
  };
}

type Check = { id: string; status: string; found: string; fix?: string };
const checksOf = (h: { detail?: Record<string, unknown> }) => (h.detail?.checks ?? []) as Check[];

describe("mode 'connect' (Test connection) over real sshd", () => {
  it('per host: logged in, and what sudo allows (passwordless; needs a password); no server call, no docker call', async () => {
    const before = host.argvLog().length;
    const started = Date.now();
    const s = await runFleetInstall(options([`${users.key.name}@127.0.0.1:${host.port}`, `${users.sudo.name}@127.0.0.1:${host.port}`]));
    expect(Date.now() - started).toBeLessThan(15_000);
    const [k, p] = s.hosts;
    expect(k!.status, k!.reason).toBe('succeeded');
    expect(k!.detail).toMatchObject({ outcome: 'connected', privilege: 'sudo-nopasswd' });
    expect(checksOf(k!).map((c) => [c.id, c.status])).toEqual([
      ['connection', 'pass'],
      ['privileges', 'pass'],
    ]);
    // Says how it logged in (which key or agent).
    expect(checksOf(k!)[0]!.found).toMatch(new RegExp(`logged in as ${users.key.name} with key ${key.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in \\d+ ms; host key SHA256:`));
    expect(checksOf(k!)[1]!.found).toBe(`${users.key.name} with passwordless sudo`);
    expect(p!.status, p!.reason).toBe('succeeded');
    expect(p!.detail).toMatchObject({ privilege: 'sudo-password' });
    expect(checksOf(p!)[1]).toMatchObject({ status: 'warn', found: `${users.sudo.name}: sudo needs a password` });
    expect(checksOf(p!)[1]!.fix).toMatch(/sudo password/);
    expect(s.options).toMatchObject({ mode: 'connect' });
    expect(s.options.agentVersion).toBeUndefined();
    // Nothing but the probe ran on the host: no docker call at all.
    expect(host.argvLog()).toHaveLength(before);
  }, 60_000);

  it('an unknown host key under strict policy and a closed port fail at once, with the reason', async () => {
    const closed = await freePort();
    const started = Date.now();
    const s = await runFleetInstall(options([`${users.key.name}@127.0.0.1:${host.port}`, `${users.key.name}@127.0.0.1:${closed}`], { hostKeyPolicy: 'strict' }));
    expect(Date.now() - started, 'no retries with back-off in a connection test').toBeLessThan(10_000);
    const [hk, cl] = s.hosts;
    expect(hk!.status).toBe('failed');
    expect(hk!.reason).toMatch(/not in known hosts/);
    expect(hk!.detail).toEqual({ hostKey: true });
    expect(cl!.status).toBe('failed');
    expect(cl!.reason).toMatch(/refused|ECONNREFUSED/i);
  }, 60_000);
});

describe('handlers: ssh:configHosts and ssh:install mode connect through an ssh config alias', () => {
  it('lists concrete Host aliases (wildcards skipped) and connects to an alias resolved at connect time, without a Portainer server', async () => {
    const config = [
      'Host *',
      '  ServerAliveInterval 30',
      `Host edge-one`,
      '  HostName 127.0.0.1',
      `  Port ${host.port}`,
      `  User ${users.key.name}`,
      `  IdentityFile ${key.path}`,
      'Host edge-* !edge-one',
      '  User nobody',
      'Host bastion other',
      '  HostName 10.9.9.9',
      '  ProxyJump jump@10.0.0.1:2222',
      '',
    ].join('\n');
    writeFileSync(join(root, 'ssh_config'), config);
    const tasks = new TaskManager();
    const h = createInstallHandlers({
      tasks,
      runsDir: join(root, 'runs-handler'),
      hostKeys: new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()) }),
      serverApi: async () => {
        throw new Error('no Portainer server is connected');
      },
      sshConfigText: () => config,
    });
    const { hosts } = await h['ssh:configHosts']();
    expect(hosts).toEqual([
      { alias: 'edge-one', hostName: '127.0.0.1', port: host.port, user: users.key.name, identityFile: key.path },
      { alias: 'bastion', hostName: '10.9.9.9', proxyJump: 'jump@10.0.0.1:2222' },
      { alias: 'other', hostName: '10.9.9.9', proxyJump: 'jump@10.0.0.1:2222' },
    ]);
    const started = await h['ssh:install'](connectRequest(['edge-one']));
    for (let i = 0; i < 200 && tasks.get(started.taskId).status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    const view = tasks.get(started.taskId);
    expect(view.status, JSON.stringify(view.error)).toBe('succeeded');
    expect(view.title).toBe('Test the connection to 1 host');
    // The run id the handler returned is the run's (ssh:run finds it).
    const summary = readRunSummary(join(root, 'runs-handler'), started.runId);
    expect(summary.hosts[0]).toMatchObject({ target: 'edge-one', status: 'succeeded', detail: { outcome: 'connected', privilege: 'sudo-nopasswd' } });
    expect(checksOf(summary.hosts[0]!)[0]!.found).toContain(`logged in as ${users.key.name}`);
  }, 60_000);

  it('the UI\'s SSH password goes to main once with the run (ssh:install sshPassword): the host logs in with no prompt, and it is in no log', async () => {
    const tasks = new TaskManager();
    const runsDir = join(root, 'runs-secrets');
    const h = createInstallHandlers({
      tasks,
      runsDir,
      hostKeys: new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()) }),
      serverApi: async () => {
        throw new Error('no Portainer server is connected');
      },
    });
    const started = await h['ssh:install'](connectRequest([`${users.pw.name}@127.0.0.1:${host.port}`], { sshPassword: users.pw.password }));
    for (let i = 0; i < 200 && tasks.get(started.taskId).status === 'running'; i++) {
      expect(tasks.get(started.taskId).pendingPrompts ?? []).toEqual([]);
      await new Promise((r) => setTimeout(r, 50));
    }
    const view = tasks.get(started.taskId);
    expect(view.status, JSON.stringify(view.error)).toBe('succeeded');
    const summary = readRunSummary(runsDir, started.runId);
    expect(summary.hosts[0]).toMatchObject({ status: 'succeeded', detail: { outcome: 'connected' } });
    expect(checksOf(summary.hosts[0]!)[0]!.found).toContain(`logged in as ${users.pw.name} with password`);
    const written = JSON.stringify(summary) + view.log.join('\n');
    expect(written).not.toContain(users.pw.password);
  }, 60_000);
});
