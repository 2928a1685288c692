// `edgedeck install` in-process (main(['install', ...])) against real OpenSSH sshd instances on
// loopback (test/fixtures/ssh) and a local Portainer-compatible server over HTTPS (pinned).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import type { LocalServer } from '../../../src-main/services/localserver';
import { sha256OfPem } from '../../../src-main/services/portainer/fingerprint';
import type { SshdHost, TestUsers } from '../../fixtures/ssh/harness';
import { localServerApi } from '../../fixtures/ssh/localServerApi';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';
import { fakeIo } from '../../unit/cli/cliIo';

const ADMIN_PW = 'cli-admin-pw-5678';
const AGENT_SECRET = 'cli-agent-secret-Yq72-never-shown';

let bed: SshTestBed;
let users: TestUsers;
let root: string;
let hosts: SshdHost[];
let server: LocalServer;
let api: ReturnType<typeof localServerApi>;
let key: { path: string; pub: string };
let pin: string;
const outputs: string[] = [];

beforeAll(async () => {
  bed = await startSshTestBed({ prefix: 'edt-ssh-cli-', hostNames: ['c1', 'c2', 'c3'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, keyUsers: ['key', 'sudo'], engine: 'per-host' });
  ({ users, root, hosts, key, server, api } = bed);
  pin = sha256OfPem(server.caPem!);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

interface Summary {
  runId: string;
  ok: boolean;
  mode: string;
  hosts: Array<{ target: string; environmentId: number | null; state: string; outcome?: string; checkedIn: boolean; reason?: string; reasonCode?: string; fix?: string; attempts: number; seconds?: number; steps?: Array<{ name: string }> }>;
}

const dataDir = () => join(root, 'data');
const runsDir = () => join(root, 'runs');

function base(extra: { data?: string } = {}): string[] {
  return [
    'install',
    '--server',
    server.url,
    '--username',
    'admin',
    '--password-stdin',
    '--pin',
    pin,
    '--platform',
    'standalone',
    '--identity',
    key.path,
    '--data',
    extra.data ?? dataDir(),
    '--runs-dir',
    runsDir(),
    '--remote-dir',
    `${root}/envdir-{port}`,
  ];
}

async function run(args: string[], stdin = `${ADMIN_PW}\n`): Promise<{ code: number; out: string; err: string; summary?: Summary }> {
  const io = fakeIo(stdin);
  const code = await main(args, io);
  outputs.push(io.out(), io.err());
  let summary: Summary | undefined;
  try {
    summary = JSON.parse(io.out()) as Summary;
  } catch {
    /* not a summary */
  }
  return { code, out: io.out(), err: io.err(), ...(summary ? { summary } : {}) };
}

async function resetHosts(): Promise<void> {
  await Promise.all(hosts.map((h) => h.removeAgent()));
}

function fingerprint(pubLine: string): string {
  return 'SHA256:' + createHash('sha256').update(Buffer.from(pubLine.split(/\s+/)[1]!, 'base64')).digest('base64').replace(/=+$/, '');
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

const target = (u: { name: string }, h: SshdHost) => `${u.name}@127.0.0.1:${h.port}`;

describe('edgedeck install over real sshd to a local server', () => {
  const created: number[] = [];

  it('installs on 3 hosts (key; SSH password; sudo password — secrets on stdin in the documented order): exit 0, all checked in', async () => {
    const targets = [target(users.key, hosts[0]!), target(users.pw, hosts[1]!), target(users.sudo, hosts[2]!)];
    const r = await run(
      [...base(), '--create', '--name-template', '{host}-{port}', '--poll', '1', '--accept-new-host-keys', '--ssh-password-stdin', '--sudo-password-stdin', '--concurrency', '3', ...targets.flatMap((t) => ['--target', t])],
      `${ADMIN_PW}\n${users.pw.password}\n${users.sudo.password}\n`,
    );
    expect(r.code, r.err).toBe(0);
    const s = r.summary!;
    expect(s.ok).toBe(true);
    expect(s.hosts.map((h) => h.target)).toEqual(targets);
    for (const h of s.hosts) {
      expect(h).toMatchObject({ state: 'succeeded', checkedIn: true, attempts: 1 });
      expect(h.environmentId).toBeGreaterThan(0);
      expect(h.steps?.map((x) => x.name)).toEqual(expect.arrayContaining(['connect', 'preflight', 'write env file', 'start agent', 'verify']));
      created.push(h.environmentId!);
      const env = await api.getEnvironment(h.environmentId!);
      expect(env.lastCheckIn).toBeGreaterThan(0);
    }
    const names = server.listEnvironmentViews().map((v) => (v as { name: string }).name);
    for (const h of hosts) expect(names).toContain(`127.0.0.1-${h.port}`);
    // progress lines on stderr: host: step …, and the final line per host
    expect(r.err).toMatch(new RegExp(`${targets[0]}: preflight …`));
    expect(r.err).toMatch(new RegExp(`${targets[2]}: checked in \\(environment \\d+`));
    // the env file went through the per-port remote dir and was removed
    for (const h of hosts) {
      expect(h.argvLog().filter((c) => c.envFile).at(-1)!.envFile!.path).toBe(`${root}/envdir-${h.port}/agent.env`);
      expect(existsSync(`${root}/envdir-${h.port}/agent.env`)).toBe(false);
    }
  }, 150_000);

  it('--preflight-only creates nothing and exits 0 when every preflight passes', async () => {
    const before = server.listEnvironmentViews().length;
    const r = await run([...base(), '--create', '--name-template', 'pf-{host}-{port}', '--group', 'never-made', '--tags', 'nope', '--preflight-only', '--target', target(users.key, hosts[0]!), '--target', target(users.pw, hosts[1]!)], `${ADMIN_PW}\n`);
    // pw user without --ssh-password-stdin: fails naming the flag; key user passes
    expect(r.code).toBe(1);
    const [a, b] = r.summary!.hosts;
    expect(a).toMatchObject({ state: 'succeeded', outcome: 'preflight-ok', environmentId: null });
    expect(b!.state).toBe('failed');
    expect(b!.reasonCode).toBe('ssh-auth');
    expect(b!.fix).toMatch(/--ssh-password-stdin/);
    const r2 = await run([...base(), '--create', '--preflight-only', '--target', target(users.key, hosts[0]!)]);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.summary!.mode).toBe('preflight-only');
    expect(server.listEnvironmentViews().length).toBe(before);
    expect(r.err).toMatch(/group "never-made" does not exist yet/);
    expect(r.err).not.toMatch(/created (group|tag)/);
  }, 90_000);

  it('an unknown host key without --accept-new-host-keys fails that host, naming the fingerprint and the fix', async () => {
    const empty = join(root, 'empty_known_hosts');
    writeFileSync(empty, '');
    const fresh = join(root, 'data-fresh');
    const before = server.listEnvironmentViews().length;
    const r = await run([...base({ data: fresh }), '--known-hosts', empty, '--create', '--name-template', 'kh-{port}', '--target', target(users.key, hosts[0]!)]);
    expect(r.code).toBe(1);
    const h = r.summary!.hosts[0]!;
    expect(h.state).toBe('failed');
    expect(h.reason).toContain(fingerprint(hosts[0]!.hostKeyPub));
    expect(h.reason).toMatch(/not in known hosts/);
    expect(h.reasonCode).toBe('host-key-unknown');
    expect(h.fix).toMatch(/--accept-new-host-keys/);
    expect(h.fix).toMatch(/ssh-keyscan -p \d+ 127\.0\.0\.1/);
    expect(r.err).toContain(fingerprint(hosts[0]!.hostKeyPub));
    expect(server.listEnvironmentViews().length).toBe(before);
    // The same key in a known_hosts file is accepted (strict policy, key on record).
    const kh = join(root, 'known_hosts_c1');
    writeFileSync(kh, `[127.0.0.1]:${hosts[0]!.port} ${hosts[0]!.hostKeyPub}\n`);
    const ok = await run([...base({ data: fresh }), '--known-hosts', kh, '--create', '--preflight-only', '--target', target(users.key, hosts[0]!)]);
    expect(ok.code, ok.err).toBe(0);
  }, 90_000);

  it('a host that is down fails while the other checks in; --resume retries only it', async () => {
    await resetHosts();
    await hosts[1]!.stop();
    const targets = [target(users.key, hosts[0]!), target(users.key, hosts[1]!)];
    const r = await run([...base(), '--create', '--name-template', 'rs-{port}', '--poll', '1', '--connect-timeout', '3', ...targets.flatMap((t) => ['--target', t])]);
    expect(r.code).toBe(1);
    const [a, b] = r.summary!.hosts;
    expect(a).toMatchObject({ state: 'succeeded', checkedIn: true });
    expect(b!.state).toBe('failed');
    // A stopped sshd refuses the connection: the code says so, and the fix with it (no matching of words).
    expect(b!.reasonCode).toBe('ssh-refused');
    expect(b!.fix).toContain('Nothing accepts SSH at that address and port');
    expect(b!.fix).toContain(`--resume ${r.summary!.runId}`);
    expect(r.err).toContain(`--resume ${r.summary!.runId}`);

    await hosts[1]!.start();
    const again = await run([...base(), '--resume', r.summary!.runId]);
    expect(again.code, again.err).toBe(0);
    const [a2, b2] = again.summary!.hosts;
    expect(a2).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect(b2).toMatchObject({ state: 'succeeded', checkedIn: true, attempts: 2 });
    created.push(a2!.environmentId!, b2!.environmentId!);
  }, 150_000);

  it('bad flags exit 2 naming the flag, before reading stdin or contacting anything', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--platform', 'windows'], /--platform/],
      [['--target', 'bad target'], /--target/],
      [['--concurrency', '0', '--target', 'a@b'], /--concurrency/],
      [['--environment', '3', '--target', 'a@b', '--target', 'a@c'], /--environment/],
      [['--preflight-only', '--dry-run', '--target', 'a@b'], /--dry-run/],
      [['--name-template', '{nope}', '--target', 'a@b'], /--name-template/],
      [['--bogus'], /bogus/],
    ];
    for (const [extra, re] of cases) {
      const args = [...base(), ...(extra.includes('--environment') ? [] : ['--create']), ...extra];
      const r = await run(args);
      expect(r.code, `${extra.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(re);
    }
    const noStdin = await run([...base(), '--create', '--target', target(users.key, hosts[0]!)], '');
    expect(noStdin.code).toBe(2);
    expect(noStdin.err).toMatch(/--password-stdin/);
  });

  it('secret scan: no password, API secret, agent secret or join token in stdout/stderr, the runs dir or the data dir', async () => {
    expect(created.length).toBeGreaterThanOrEqual(5);
    const edgeKeys = await Promise.all(created.map(async (id) => (await api.environment(id)).edgeKey));
    const secrets = [ADMIN_PW, AGENT_SECRET, ...users.all.map((u) => u.password), ...edgeKeys];
    const haystacks: Array<[string, string]> = outputs.map((o, i) => [`output ${i}`, o]);
    for (const d of [runsDir(), dataDir(), join(root, 'data-fresh')]) for (const f of allFiles(d)) haystacks.push([f, readFileSync(f, 'utf8')]);
    expect(haystacks.length).toBeGreaterThan(15);
    for (const [where, text] of haystacks) for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
  });
});
