import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunSummary } from '../../../src-main/services/install/fleet';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';


import { CHISEL_CLIENT } from '../../fixtures/engine/agentImage/build';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import type { SshdHost, TestUsers } from '../../fixtures/ssh/harness';
import { localServerApi } from '../../fixtures/ssh/localServerApi';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-1234';
const AGENT_SECRET = 'agent-secret-Zq81-never-shown';

let bed: SshTestBed;
let users: TestUsers;
let root: string;
let hosts: SshdHost[];
let api: ReturnType<typeof localServerApi>;
let key: { path: string; pub: string };
const logLines: string[] = [];
let runNo = 0;

beforeAll(async () => {
  bed = await startSshTestBed({ prefix: 'edt-ssh-install-', hostNames: ['h1', 'h2', 'h3'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET });
  ({ users, root, hosts, key, api } = bed);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

const hostOf = (target: string): SshdHost => bed.hostOf(target);

function options(targets: string[] | undefined, extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  return fleetTestOptions(
    { root, users, keyPath: key.path, server: api, logLines },
    {
      ...(targets ? { targets } : {}),
      concurrency: 3,
      retry: { attempts: 3, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `run${++runNo}-{host}-{port}` },
      remoteDir: (t) => hostOf(t).remoteDir,
      agentName: (t) => hostOf(t).agentName,
      ...extra,
    },
  );
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('fleet install over real sshd to a local Portainer-compatible server', () => {
  const edgeKeys: string[] = [];

  it('installs on 3 hosts (key auth, password auth, sudo with password), each checks in and the tunnel is verified', async () => {
    const targets = [`${users.key.name}@127.0.0.1:${hosts[0]!.port}`, `${users.pw.name}@127.0.0.1:${hosts[1]!.port}`, `${users.sudo.name}@127.0.0.1:${hosts[2]!.port}`];
    const summary = await runFleetInstall(options(targets, { auth: { agentSocket: null, identityFiles: [key.path] } }));
    const why = summary.hosts.map((h) => `${h.target}: ${h.status} ${h.reason ?? ''}`).join('\n');
    expect(summary.counts.succeeded, why).toBe(3);
    for (const h of summary.hosts) {
      expect(h).toMatchObject({ status: 'succeeded', checkedIn: true, tunnel: 'verified' });
      const env = await api.environment(h.environmentId!);
      edgeKeys.push(env.edgeKey);
      expect(env.edgeId).toBe(h.edgeId);
    }
    // Delivery went through a 0600 root-owned env file (as docker saw it), which was removed
    // afterwards; the real engine took the env from it and runs the agent as Portainer's command does.
    for (const [i, h] of hosts.entries()) {
      const files = h.argvLog().filter((c) => c.envFile);
      expect(files).toHaveLength(1);
      expect(files[0]!.envFile).toEqual({ path: join(h.remoteDir, 'agent.env'), mode: '600', uid: 0 });
      expect(existsSync(join(h.remoteDir, 'agent.env'))).toBe(false);
      expect(statSync(h.remoteDir).mode & 0o777).toBe(0o700);
      const c = (await h.agent())!;
      expect(c.State.Running).toBe(true);
      expect(c.Config.Image).toBe('portainer/agent:2.23.0');
      expect(c.Config.Env).toEqual(expect.arrayContaining(['EDGE=1', `EDGE_ID=${summary.hosts[i]!.edgeId}`, `EDGE_KEY=${edgeKeys[i]}`, 'EDGE_INSECURE_POLL=1', `AGENT_SECRET=${AGENT_SECRET}`]));
      expect(c.HostConfig.RestartPolicy.Name).toBe('always');
      expect([...(c.HostConfig.Binds ?? [])].sort()).toEqual(['/:/host', '/var/lib/docker/volumes:/var/lib/docker/volumes', '/var/run/docker.sock:/var/run/docker.sock', `${h.agentName}_data:/data`]);
      expect(c.Mounts.find((m) => m.Destination === '/data')).toMatchObject({ Type: 'volume', Name: `${h.agentName}_data` });
      // The agent inside reached the engine through the socket mount and kept its key in /data.
      const logs = await h.engine!.docker(['logs', h.agentName], { withStderr: true });
      expect(logs).toMatch(/docker engine 20\.10\.\S+ via \/var\/run\/docker\.sock/);
      // The tunnel ran through the real chisel client inside the container (where the tool is there).
      if (existsSync(CHISEL_CLIENT)) expect(logs).toMatch(/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d client: Connected \(Latency/);
      else if (i === 0) process.stdout.write(`${CHISEL_CLIENT} is missing: the agents' tunnels used the simulator's own client\n`);
      expect(await h.engine!.docker(['exec', h.agentName, '/usr/bin/node', '-p', 'require("fs").readFileSync("/data/agent_edge_key", "utf8")'])).toBe(`${edgeKeys[i]}\n`);
    }
    const s = readRunSummary(join(root, 'runs'), summary.runId);
    expect(s.finished).toBe(true);
    // Round trips on the hot path: the probe (with docker info and the existing-agent inspect, as
    // root or with sudo -n) and the start command (env file moved in, docker run, env file removed,
    // first container look); sudo with a password adds one privileged exec for info + inspect.
    // None of these users' temp files is left in /tmp.
    for (const h of summary.hosts) {
      const doc = JSON.parse(readFileSync(join(root, 'runs', summary.runId, h.transcript!), 'utf8')) as { steps: Array<{ name: string; commands: Array<{ command: string; stdout: string; exitCode: number }> }> };
      const count = (name: string) => doc.steps.find((st) => st.name === name)!.commands.length;
      const sudoPw = h.target.startsWith(users.sudo.name);
      expect(count('preflight'), h.target).toBe(sudoPw ? 2 : 1);
      expect(count('write env file'), h.target).toBe(0);
      expect(count('start agent'), h.target).toBe(1);
      const start = doc.steps.find((st) => st.name === 'start agent')!.commands[0]!;
      expect(start.command).toMatch(/install -m 0600 -o root -g root '?\/tmp\/edgedeck-env\.[0-9a-f]{16}'? .*; rm -f .*; .* run -d .*; rc=\$\?; rm -f .*agent\.env'?;.* exit \$rc$/);
      expect(start.exitCode).toBe(0);
      expect(start.stdout).toContain('(inspect JSON not recorded)');
      expect(start.stdout).not.toContain('EDGE_KEY');
      const probe = doc.steps.find((st) => st.name === 'preflight')!.commands.map((c) => c.stdout).join('\n');
      expect(probe).toContain('(inspect JSON not recorded: it holds the agent env)');
    }
    const uids = new Set([users.key, users.pw, users.sudo].map((u) => Number(execFileSync('id', ['-u', u.name], { encoding: 'utf8' }).trim())));
    expect(readdirSync('/tmp').filter((f) => f.startsWith('edgedeck-env.') && uids.has(statSync(join('/tmp', f)).uid))).toEqual([]);
  }, 120_000);

  it('secret scan: no join token, agent secret or password in transcripts, logs, recorded argv/cmdlines, ps or shell history', async () => {
    const secrets = [...edgeKeys, AGENT_SECRET, users.sudo.password, users.pw.password];
    expect(edgeKeys).toHaveLength(3);
    const haystacks: Array<[string, string]> = [];
    for (const f of allFiles(join(root, 'runs'))) haystacks.push([f, readFileSync(f, 'utf8')]);
    haystacks.push(['progress log', logLines.join('\n')]);
    for (const h of hosts) {
      haystacks.push([`${h.name} argv.log`, JSON.stringify(h.argvLog())]);
      haystacks.push([`${h.name} sshd log`, h.sshdLog()]);
    }
    for (const u of users.all) {
      for (const f of ['.bash_history', '.sh_history']) {
        const p = `/home/${u.name}/${f}`;
        if (existsSync(p)) haystacks.push([p, readFileSync(p, 'utf8')]);
      }
    }
    haystacks.push(['ps', execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })]);
    expect(haystacks.length).toBeGreaterThan(8);
    for (const [where, text] of haystacks) for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
    // The sudo user's privileged docker calls ran under sudo -S (password on stdin).
    const sudoCalls = hosts[2]!.argvLog().filter((r) => r.argv[0] === 'run');
    expect(sudoCalls[0]!.cmdlines.some((c) => c[0] === 'sudo' && c.includes('-S'))).toBe(true);
  });

  it('a second run finds the agents unchanged (idempotent)', async () => {
    const s0 = readRunSummary(join(root, 'runs'), readdirSync(join(root, 'runs'))[0]!);
    const targets = s0.hosts.map((h) => h.target).slice(0, 1);
    const summary = await runFleetInstall(options(targets, { environment: { mode: 'existing', id: s0.hosts[0]!.environmentId! } }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('unchanged');
    expect(hosts[0]!.argvLog().filter((c) => c.envFile)).toHaveLength(1);
    expect(hosts[0]!.argvLog().filter((c) => c.argv[0] === 'run' || c.argv[0] === 'rm')).toHaveLength(1);
  }, 90_000);

  it('a host that drops mid-install fails with a clear reason while the others finish; resume retries only it', async () => {
    await Promise.all(hosts.map((h) => h.removeAgent()));
    const targets = hosts.map((h) => `${users.key.name}@127.0.0.1:${h.port}`);
    const victim = targets[1]!;
    let killed = false;
    const summary = await runFleetInstall(
      options(targets, {
        retry: { attempts: 1, delayMs: 10 },
        onLog: (t, l) => {
          if (t === victim && l === '== write env file' && !killed) {
            killed = true;
            void hosts[1]!.stop();
          }
        },
      }),
    );
    const byTarget = new Map(summary.hosts.map((h) => [h.target, h]));
    expect(byTarget.get(victim)!.status).toBe('failed');
    expect(byTarget.get(victim)!.reason, byTarget.get(victim)!.reason).toMatch(/connection|closed|lost|not running/i);
    expect(byTarget.get(targets[0]!)!.status, byTarget.get(targets[0]!)!.reason).toBe('succeeded');
    expect(byTarget.get(targets[2]!)!.status).toBe('succeeded');

    await hosts[1]!.start();
    const resumed = await runFleetInstall(options(undefined, { resumeRunId: summary.runId }));
    const after = new Map(resumed.hosts.map((h) => [h.target, h]));
    expect(after.get(victim)!.status, after.get(victim)!.reason).toBe('succeeded');
    expect(after.get(victim)!.attempts).toBe(2);
    expect(after.get(victim)!.environmentId).toBe(byTarget.get(victim)!.environmentId);
    expect(after.get(targets[0]!)!.attempts).toBe(1);
    expect(after.get(targets[2]!)!.attempts).toBe(1);
  }, 150_000);

  it('pipeline: a host gives back its SSH slot for the check-in wait, so the next host starts while it verifies', async () => {
    await Promise.all(hosts.map((h) => h.removeAgent()));
    const targets = hosts.map((h) => `${users.key.name}@127.0.0.1:${h.port}`);
    const phases: string[] = [];
    const summary = await runFleetInstall(
      options(targets, {
        concurrency: 1,
        onUpdate: (s) => {
          const v = s.hosts.filter((h) => h.phase === 'verifying').length;
          const ssh = s.hosts.filter((h) => h.phase === 'ssh').length;
          expect(ssh).toBeLessThanOrEqual(1);
          phases.push(`${ssh}/${v}`);
        },
      }),
    );
    const why = summary.hosts.map((h) => `${h.target}: ${h.status} ${h.reason ?? ''}`).join('\n');
    expect(summary.counts.succeeded, why).toBe(3);
    expect(summary.hosts.every((h) => h.checkedIn && h.phase === undefined)).toBe(true);
    // Some host was in SSH work while another one verified.
    expect(phases.some((p) => p.startsWith('1/') && !p.endsWith('/0'))).toBe(true);
    const doc = JSON.parse(readFileSync(join(root, 'runs', summary.runId, summary.hosts[0]!.transcript!), 'utf8')) as { steps: Array<{ name: string; notes: string[]; commands: unknown[] }> };
    const verify = doc.steps.find((s) => s.name === 'verify')!;
    expect(verify.notes.join('\n')).toMatch(/connection closed and concurrency slot given back/);
    expect(verify.commands).toHaveLength(0); // the wait runs through the Portainer API only
  }, 90_000);

  it('a failed verification reconnects (with a slot) for docker logs; max-fail counts it and stops the run', async () => {
    await Promise.all(hosts.map((h) => h.removeAgent()));
    const targets = hosts.map((h) => `${users.key.name}@127.0.0.1:${h.port}`);
    // Portainer says every environment belongs to another device: verification fails at once.
    const other = <T extends object>(e: T) => ({ ...e, edgeId: 'some-other-device' });
    const server = {
      ...api,
      getEnvironment: async (id: number) => other(await api.getEnvironment(id)),
      getEnvironments: async (ids: number[]) => new Map([...(await api.getEnvironments!(ids))].map(([id, e]) => [id, other(e)])),
    };
    const summary = await runFleetInstall(options(targets, { server, concurrency: 1, maxFailPct: 30 }));
    const first = summary.hosts[0]!;
    expect(first.status).toBe('failed');
    expect(first.reason).toMatch(/associated with another Edge ID \(some-other-device\)/);
    expect(summary.stoppedBecause).toMatch(/exceeded 30%/);
    expect(summary.hosts.at(-1)!.status).toBe('skipped');
    const doc = JSON.parse(readFileSync(join(root, 'runs', summary.runId, first.transcript!), 'utf8')) as { steps: Array<{ name: string; notes: string[]; commands: Array<{ command: string; exitCode: number }> }> };
    const verify = doc.steps.find((s) => s.name === 'verify')!;
    expect(verify.notes.join('\n')).toMatch(/reconnected to .* to read the agent's logs/);
    expect(verify.commands.find((c) => /logs --tail 50/.test(c.command))?.exitCode).toBe(0);
  }, 90_000);

  it('cancel stops the run: the running host is cancelled, the rest never start, SSH sessions close', async () => {
    await Promise.all(hosts.map((h) => h.removeAgent()));
    const targets = hosts.map((h) => `${users.key.name}@127.0.0.1:${h.port}`);
    const controller = new AbortController();
    let abortedAt = 0;
    const started = Date.now();
    const summary = await runFleetInstall(
      options(targets, {
        concurrency: 1,
        signal: controller.signal,
        onLog: (_t, l) => {
          if (l === '== verify' && !abortedAt) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      }),
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(5000);
    expect(summary.stoppedBecause).toBe('cancelled');
    expect(summary.hosts[0]!.status).toBe('cancelled');
    expect(summary.hosts.slice(1).every((h) => h.status === 'cancelled' && h.attempts === 0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
