import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, HostKeyChangedError, HostKeyRejectedError, SshAuthError, type ConnectOptions, type SshConnection } from '../../../src-main/services/ssh/connection';
import { AppKnownHosts, HostKeyDatabase, fingerprintOf } from '../../../src-main/services/ssh/knownHosts';
import type { HostKeyQuestion, Prompter, SecretQuestion } from '../../../src-main/services/ssh/prompter';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { testEngine } from '../../fixtures/engine/shared';
import { createUsers, makeClientKey, sharedTempDir, startAgent, startSshd, type SshdHost, type TestUsers } from '../../fixtures/ssh/harness';

let users: TestUsers;
let root: string;
let a: SshdHost;
let b: SshdHost;
/** A host that takes passwords only through PAM's keyboard-interactive dialog. */
let k: SshdHost;
let plainKey: { path: string; pub: string };
let lockedKey: { path: string; pub: string };
let agentKey: { path: string; pub: string };
const PASSPHRASE = 'correct horse battery';
const open: SshConnection[] = [];

beforeAll(async () => {
  users = createUsers();
  root = sharedTempDir('edt-ssh-connect-');
  // Host a has the real docker CLI on the run's engine (the sudo -S test runs it).
  const engine = await testEngine();
  [a, b, k] = await Promise.all([startSshd('a', users.all, root, { engine }), startSshd('b', users.all, root), startSshd('k', users.all, root, { keyboardInteractive: true })]);
  plainKey = makeClientKey(root, 'id_plain');
  lockedKey = makeClientKey(root, 'id_locked', 'ecdsa', PASSPHRASE);
  agentKey = makeClientKey(root, 'id_agent', 'rsa');
  for (const h of [a, b]) {
    h.authorize(users.key.name, plainKey.pub);
    h.authorize(users.key.name, lockedKey.pub);
    h.authorize(users.key.name, agentKey.pub);
  }
});

afterAll(async () => {
  for (const c of open) c.close();
  await Promise.all([a?.stop(), b?.stop(), k?.stop()]);
  users?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Recorded {
  prompter: Prompter;
  hostKeyQuestions: HostKeyQuestion[];
  secretQuestions: SecretQuestion[];
}

function recorder(answers: { hostKey?: 'once' | 'remember' | 'reject'; passphrase?: string; password?: string }): Recorded {
  const r: Recorded = {
    hostKeyQuestions: [],
    secretQuestions: [],
    prompter: {
      hostKey: async (q) => {
        r.hostKeyQuestions.push(q);
        return answers.hostKey ?? 'reject';
      },
      secret: async (q) => {
        r.secretQuestions.push(q);
        return q.kind === 'passphrase' ? answers.passphrase : answers.password;
      },
      confirm: async () => false,
    },
  };
  return r;
}

function trusting(...hosts: SshdHost[]): HostKeyDatabase {
  const app = new AppKnownHosts(new MemoryStore());
  for (const h of hosts) {
    const [type, b64] = h.hostKeyPub.split(' ');
    app.remember(`[127.0.0.1]:${h.port}`, { type: type!, base64: b64! });
  }
  return new HostKeyDatabase({ app });
}

async function connect(h: SshdHost, user: string, o: Partial<ConnectOptions> & { prompter: Prompter }): Promise<SshConnection> {
  const c = await connectSsh({
    endpoint: { host: '127.0.0.1', port: h.port, user },
    auth: { agentSocket: null, defaultKeys: false, ...(o.auth ?? {}) },
    hostKeys: o.hostKeys ?? trusting(a, b, k),
    hostKeyPolicy: o.hostKeyPolicy ?? 'strict',
    timeoutMs: 10_000,
    ...o,
  });
  open.push(c);
  return c;
}

describe('ssh connection against a real OpenSSH sshd', () => {
  it('authenticates with a key file and runs a command (exit code, stdout, stderr, PATH from sshd SetEnv)', async () => {
    const r = recorder({});
    const c = await connect(a, users.key.name, { prompter: r.prompter, auth: { identityFiles: [plainKey.path] } });
    const res = await c.exec('echo out; echo err >&2; command -v docker; exit 3');
    expect(res.code).toBe(3);
    expect(res.stdout).toContain('out');
    expect(res.stdout).toContain(`${a.dir}/bin/docker`);
    expect(res.stderr).toContain('err');
    expect(r.secretQuestions).toEqual([]);
    c.close();
  });

  it('asks for the passphrase of a protected key through the prompter (wrong one first)', async () => {
    let tries = 0;
    const r = recorder({});
    r.prompter.secret = async (q) => {
      r.secretQuestions.push(q);
      return ++tries === 1 ? 'wrong' : PASSPHRASE;
    };
    const c = await connect(a, users.key.name, { prompter: r.prompter, auth: { identityFiles: [lockedKey.path] } });
    expect((await c.exec('id -un')).stdout.trim()).toBe(users.key.name);
    expect(r.secretQuestions.map((q) => q.kind)).toEqual(['passphrase', 'passphrase']);
    expect(r.secretQuestions[1]!.message).toContain('wrong passphrase');
    // The CLI decides to ask again by these fields, not by the wording.
    expect(r.secretQuestions.map((q) => [q.keyFile, q.retry])).toEqual([
      [lockedKey.path, false],
      [lockedKey.path, true],
    ]);
    c.close();
  });

  it('answers a keyboard-interactive (PAM) password dialog through the prompter', async () => {
    const r = recorder({ password: users.pw.password });
    const c = await connect(k, users.pw.name, { prompter: r.prompter });
    expect((await c.exec('id -un')).stdout.trim()).toBe(users.pw.name);
    expect(r.secretQuestions.map((q) => q.kind)).toContain('keyboard-interactive');
    expect(r.secretQuestions.find((q) => q.kind === 'keyboard-interactive')!.message).toMatch(/password/i);
    c.close();
  });

  it('falls back to a password asked through the prompter', async () => {
    const r = recorder({ password: users.pw.password });
    const c = await connect(a, users.pw.name, { prompter: r.prompter });
    expect((await c.exec('id -un')).stdout.trim()).toBe(users.pw.name);
    expect(r.secretQuestions.map((q) => q.kind)).toEqual(['password']);
    c.close();
  });

  it('refuses with a clear auth error when the password is wrong', async () => {
    const r = recorder({ password: 'nope-nope' });
    await expect(connect(a, users.pw.name, { prompter: r.prompter })).rejects.toBeInstanceOf(SshAuthError);
  });

  it('authenticates through ssh-agent (SSH_AUTH_SOCK socket)', async () => {
    const agent = startAgent(root, agentKey.path);
    try {
      const r = recorder({});
      const c = await connect(a, users.key.name, { prompter: r.prompter, auth: { agentSocket: agent.sock, defaultKeys: false } });
      expect((await c.exec('id -un')).stdout.trim()).toBe(users.key.name);
      expect(r.secretQuestions).toEqual([]);
      c.close();
    } finally {
      agent.stop();
    }
  });

  it('finds the agent the platform offers and says which one logged in (SSH_AUTH_SOCK; macOS launchd)', async () => {
    const agent = startAgent(root, agentKey.path);
    try {
      const r = recorder({});
      const viaEnv = await connect(a, users.key.name, { prompter: r.prompter, auth: { agentSocket: undefined, agentLookup: { ctx: { platform: 'linux', env: { SSH_AUTH_SOCK: agent.sock } } }, defaultKeys: false } });
      expect(viaEnv.authMethod).toBe(`ssh-agent (SSH_AUTH_SOCK ${agent.sock})`);
      viaEnv.close();
      // A macOS GUI app started without SSH_AUTH_SOCK: launchd's answer (launchctl is a stand-in here: no macOS) leads to the same real agent.
      const viaLaunchd = await connect(a, users.key.name, { prompter: r.prompter, auth: { agentSocket: undefined, agentLookup: { ctx: { platform: 'darwin', env: {} }, launchdSocket: () => agent.sock }, defaultKeys: false } });
      expect(viaLaunchd.authMethod).toBe(`ssh-agent (launchd ${agent.sock})`);
      viaLaunchd.close();
      const withKey = await connect(a, users.key.name, { prompter: r.prompter, auth: { agentSocket: null, identityFiles: [plainKey.path] } });
      expect(withKey.authMethod).toBe(`key ${plainKey.path}`);
      withKey.close();
    } finally {
      agent.stop();
    }
  });

  it('reaches a second host through a jump host (forwardOut + sock), same host-key checks', async () => {
    const r = recorder({});
    const jump = await connect(a, users.key.name, { prompter: r.prompter, auth: { identityFiles: [plainKey.path] } });
    const inner = await connect(b, users.key.name, { prompter: r.prompter, via: jump, auth: { identityFiles: [plainKey.path] } });
    expect((await inner.exec('echo $EDT_HOST_NAME')).stdout.trim()).toBe('b');
    // A host-key refusal behind the jump host too.
    await expect(connect(b, users.key.name, { prompter: r.prompter, via: jump, hostKeys: trusting(a), auth: { identityFiles: [plainKey.path] } })).rejects.toBeInstanceOf(HostKeyRejectedError);
    jump.close();
    await new Promise((res) => setTimeout(res, 100));
    expect(inner.isClosed).toBe(true);
  });

  it('unknown host key: prompts with the SHA256 fingerprint; reject fails, accept-and-remember stores it', async () => {
    const db = new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()) });
    const expected = fingerprintOf(a.hostKeyPub.split(' ')[1]!);
    const rejecting = recorder({ hostKey: 'reject' });
    await expect(connect(a, users.key.name, { prompter: rejecting.prompter, hostKeys: db, hostKeyPolicy: 'ask', auth: { identityFiles: [plainKey.path] } })).rejects.toBeInstanceOf(HostKeyRejectedError);
    expect(rejecting.hostKeyQuestions[0]).toMatchObject({ hostName: `[127.0.0.1]:${a.port}`, fingerprint: expected, keyType: 'ssh-ed25519' });
    expect(db.app.list(`[127.0.0.1]:${a.port}`)).toEqual([]);

    const accepting = recorder({ hostKey: 'remember' });
    const c = await connect(a, users.key.name, { prompter: accepting.prompter, hostKeys: db, hostKeyPolicy: 'ask', auth: { identityFiles: [plainKey.path] } });
    c.close();
    expect(db.app.list(`[127.0.0.1]:${a.port}`)[0]!.fingerprint).toBe(expected);
    // Now known: no question the second time, even under the strict policy.
    const again = recorder({ hostKey: 'reject' });
    (await connect(a, users.key.name, { prompter: again.prompter, hostKeys: db, hostKeyPolicy: 'strict', auth: { identityFiles: [plainKey.path] } })).close();
    expect(again.hostKeyQuestions).toEqual([]);
  });

  it('accept-new remembers unknown keys without asking', async () => {
    const db = new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()) });
    const r = recorder({});
    (await connect(b, users.key.name, { prompter: r.prompter, hostKeys: db, hostKeyPolicy: 'accept-new', auth: { identityFiles: [plainKey.path] } })).close();
    expect(r.hostKeyQuestions).toEqual([]);
    expect(db.app.list(`[127.0.0.1]:${b.port}`)).toHaveLength(1);
  });

  it('changed host key: refused loudly with the old and the new fingerprint, whatever the policy', async () => {
    const db = trusting(a, b);
    const old = fingerprintOf(b.hostKeyPub.split(' ')[1]!);
    await b.stop();
    b.regenerateHostKey();
    await b.start();
    const fresh = fingerprintOf(b.hostKeyPub.split(' ')[1]!);
    const r = recorder({ hostKey: 'remember' });
    for (const policy of ['ask', 'accept-new'] as const) {
      const err = await connect(b, users.key.name, { prompter: r.prompter, hostKeys: db, hostKeyPolicy: policy, auth: { identityFiles: [plainKey.path] } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyChangedError);
      expect((err as Error).message).toContain(old);
      expect((err as Error).message).toContain(fresh);
      expect((err as Error).message).toMatch(/HOST KEY CHANGED/);
    }
    expect(r.hostKeyQuestions).toEqual([]);
  });

  it('sudo with a password goes on stdin (sudo -S), never on a command line', async () => {
    const r = recorder({});
    const c = await connect(a, users.sudo.name, { prompter: r.prompter, auth: { password: users.sudo.password } });
    expect((await c.exec('sudo -n true')).code).not.toBe(0);
    const res = await c.exec(`sudo -k -S -p '' -- ${a.dir}/bin/docker version --format '{{.Server.Version}}'`, { stdin: users.sudo.password + '\n' });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^20\.10\./);
    const rec = a.argvLog().at(-1)!;
    expect(rec.uid).toBe(0);
    expect(rec.cmdlines.some((cl) => cl[0] === 'sudo')).toBe(true);
    expect(JSON.stringify(rec)).not.toContain(users.sudo.password);
    c.close();
  });
});
