import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectFailure } from '../../../src-main/services/ssh/connection';
import { runFleet, withRetries } from '../../../src-main/services/install/fleet';
import { diagnoseAgentLogs } from '../../../src-main/services/install/logSignatures';
import { checkClock, checkExistingAgent, checkHttps, checkPrivileges, checkRuntime, checkTunnel, parseProbe } from '../../../src-main/services/install/preflight';
import { AppKnownHosts, HostKeyDatabase, hostFieldMatches } from '../../../src-main/services/ssh/knownHosts';
import { resolveHostConfig } from '../../../src-main/services/ssh/sshConfig';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { TaskManager } from '../../../src-main/services/tasks/taskManager';

describe('connect failures', () => {
  it('are coded by the OS error code, never by the text', () => {
    expect(connectFailure('ECONNREFUSED')).toBe('ssh-refused');
    expect(connectFailure('ENOTFOUND')).toBe('dns');
    expect(connectFailure('EHOSTUNREACH')).toBe('ssh-unreachable');
    expect(connectFailure('ECONNRESET')).toBe('ssh-closed');
    expect(connectFailure(undefined)).toBe('unknown');
  });
});

describe('ssh config', () => {
  it('first value wins, IdentityFile accumulates, patterns and negation', () => {
    const cfg = 'Host edge-*\n  User pi\n  Port 2200\n  IdentityFile ~/.ssh/edge\n  ProxyJump bastion\nHost edge-7 !edge-8\n  HostName 10.1.1.7\nHost *\n  User root\n  IdentityFile ~/.ssh/id_%h\n';
    expect(resolveHostConfig(cfg, 'edge-7', '/home/me')).toEqual({ user: 'pi', port: 2200, hostName: '10.1.1.7', proxyJump: 'bastion', identityFiles: ['/home/me/.ssh/edge', '/home/me/.ssh/id_10.1.1.7'] });
    expect(resolveHostConfig(cfg, 'other', '/h').user).toBe('root');
  });
});

describe('known hosts', () => {
  it('matches hashed |1| entries and [host]:port names', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[10.0.0.5]:2222').digest('base64');
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, '[10.0.0.5]:2222')).toBe(true);
    expect(hostFieldMatches(`|1|${salt.toString('base64')}|${hash}`, '10.0.0.5')).toBe(false);
    expect(hostFieldMatches('a.example,[b.example]:2200', '[b.example]:2200')).toBe(true);
    expect(hostFieldMatches('*.example,!bad.example', 'bad.example')).toBe(false);
  });

  it('reads known_hosts read-only: known, changed (same type) and unknown (other type) verdicts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    try {
      const k1 = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), randomBytes(36)]).toString('base64');
      const k2 = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), randomBytes(36)]).toString('base64');
      writeFileSync(join(dir, 'known_hosts'), `# comment\n[h]:2222 ssh-ed25519 ${k1}\n`);
      const db = new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()), files: [join(dir, 'known_hosts')] });
      expect(db.verify(['[h]:2222'], { type: 'ssh-ed25519', base64: k1 })).toEqual({ kind: 'known', source: 'file' });
      expect(db.verify(['[h]:2222'], { type: 'ssh-ed25519', base64: k2 }).kind).toBe('changed');
      expect(db.verify(['[h]:2222'], { type: 'ecdsa-sha2-nistp256', base64: k2 })).toEqual({ kind: 'unknown', otherTypesKnown: ['ssh-ed25519'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('preflight checks (pure)', () => {
  it('parses the probe output by section', () => {
    expect(parseProbe("@@edgedeck uname\nLinux x86_64\n@@edgedeck-rc 0\n@@edgedeck dns\n@@edgedeck-rc 2")).toEqual({ uname: { out: 'Linux x86_64', rc: 0 }, dns: { out: '', rc: 2 } });
  });
  it('privileges, runtime, https, tunnel, clock, existing agent', () => {
    expect(checkPrivileges({ out: '0\nroot\nroot', rc: 0 }, undefined, {}, false).privilege).toBe('root');
    expect(checkPrivileges({ out: '1000\npi\npi', rc: 0 }, { out: 'sudo: a password is required', rc: 1 }, { sudo: '/usr/bin/sudo' }, false)).toMatchObject({ privilege: 'sudo-password', check: { status: 'warn' } });
    expect(checkRuntime('standalone', { which: { docker: '/usr/bin/docker' }, info: { out: 'permission denied while trying to connect', rc: 1 } }).status).toBe('fail');
    expect(checkRuntime('swarm', { which: { docker: '/usr/bin/docker' }, info: { out: '24.0.7|active|false|linux|x86_64', rc: 0 } }).found).toContain('worker');
    expect(checkHttps('https://p', { out: '000', rc: 60 }, { out: '200', rc: 0 }, false)).toMatchObject({ status: 'fail', fix: expect.stringContaining('insecure poll') });
    expect(checkHttps('https://p', { out: '000', rc: 60 }, { out: '200', rc: 0 }, true).status).toBe('pass');
    expect(checkTunnel('p:8000', { out: '<html>404</html>', rc: 0 }).status).toBe('fail');
    expect(checkTunnel('p:8000', { out: 'OK', rc: 0 }).status).toBe('pass');
    expect(checkClock({ out: '1000', rc: 0 }, 1400).check.status).toBe('fail');
    expect(checkExistingAgent({ image: 'portainer/agent:2.23.0', running: true, edgeId: 'x', sameKey: true, sameSecret: true }, { image: 'portainer/agent:2.23.0', edgeId: 'x' }).action).toBe('unchanged');
    expect(checkExistingAgent({ image: 'portainer/agent:2.21.0', running: true, edgeId: 'x', sameKey: true, sameSecret: true }, { image: 'portainer/agent:2.23.0', edgeId: 'x' }).action).toBe('replace');
  });
  it('maps agent log signatures to a cause and fix', () => {
    const d = diagnoseAgentLogs('2024/01/01 ERR unable to poll | error="Get https://p: x509: certificate signed by unknown authority"\nmsg="Invalid request signature"');
    expect(d.map((x) => x.signature)).toEqual(expect.arrayContaining(['x509 / certificate', 'signature headers / Invalid request signature']));
  });
  it("names a key the agent refuses at start (its fatal line) as an invalid Edge key", () => {
    const d = diagnoseAgentLogs('2026/12/03 05:10PM FTL github.com/portainer/agent/cmd/agent/main.go:250 > unable to associate Edge key | error="illegal base64 data at input byte 96"');
    expect(d[0]).toMatchObject({ signature: 'invalid Edge key', fix: expect.stringMatching(/join token/) });
  });
});

describe('fleet runner', () => {
  const runsDir = () => mkdtempSync(join(tmpdir(), 'runs-'));
  it('canary failure stops the run; max-fail percentage stops starting hosts', async () => {
    const dir = runsDir();
    const s = await runFleet({ runsDir: dir, targets: ['a', 'b', 'c'], canary: 1, job: async (t) => ({ status: t === 'a' ? 'failed' : 'succeeded' }) });
    expect(s.hosts.map((h) => h.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(s.stoppedBecause).toMatch(/canary/);
    const s2 = await runFleet({ runsDir: dir, targets: ['a', 'b', 'c', 'd'], concurrency: 1, maxFailPct: 25, job: async (t) => ({ status: t === 'd' ? 'succeeded' : 'failed' }) });
    expect(s2.hosts.map((h) => h.status)).toEqual(['failed', 'failed', 'skipped', 'skipped']);
    // Resume reruns failed + not started only.
    const ran: string[] = [];
    const s3 = await runFleet({ runsDir: dir, resumeRunId: s2.runId, job: async (t) => (ran.push(t), { status: 'succeeded' }) });
    expect(ran.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(s3.counts.succeeded).toBe(4);
    rmSync(dir, { recursive: true, force: true });
  });
  it('retries connections with an injectable delay, not decisions', async () => {
    const delays: number[] = [];
    let n = 0;
    await expect(withRetries(async () => { n++; throw new Error('ECONNREFUSED'); }, { retryable: () => true, sleep: async (ms) => void delays.push(ms) })).rejects.toThrow();
    expect(n).toBe(3);
    expect(delays).toEqual([5000, 5000]);
  });
});

describe('task manager', () => {
  it('prompts become pending questions answered by answer(); cancel aborts the signal', async () => {
    const events: string[] = [];
    const tm = new TaskManager({ emit: (e) => events.push(e.name) });
    let signal: AbortSignal | undefined;
    const id = tm.create('ssh:install', 'test', async (ctx) => {
      signal = ctx.signal;
      const pw = await ctx.prompter.secret({ kind: 'sudo', target: 'h', message: 'sudo password' });
      ctx.log(`got password ${pw}`);
      await new Promise((r) => ctx.signal.addEventListener('abort', r));
    });
    await new Promise((r) => setTimeout(r, 10));
    const p = tm.get(id).pendingPrompts[0]!;
    expect(p).toMatchObject({ kind: 'sudo', secret: true });
    tm.answer(id, p.id, 'hunter2-secret');
    await new Promise((r) => setTimeout(r, 10));
    expect(tm.get(id).log).toEqual(['got password [redacted]']);
    tm.cancel(id);
    expect(signal!.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(tm.get(id).status).toBe('cancelled');
    expect(events).toEqual(expect.arrayContaining(['task:update', 'task:log', 'task:prompt']));
  });
});
