import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHostsCommand } from '../../../src-main/cli/commands/knownHosts';
import { reportError } from '../../../src-main/cli/io';
import { connectSsh, HostKeyChangedError, type HostKeyPolicy } from '../../../src-main/services/ssh/connection';
import { AppKnownHosts, HostKeyDatabase, fingerprintOf } from '../../../src-main/services/ssh/knownHosts';
import type { Prompter } from '../../../src-main/services/ssh/prompter';
import { createFileStore } from '../../../src-main/services/stores/fileStore';
import { createUsers, makeClientKey, sharedTempDir, startSshd, type SshdHost, type TestUsers } from '../../fixtures/ssh/harness';
import { fakeIo } from '../../unit/cli/cliIo';

// Issue #12 item 5: a stored host key can be listed and forgotten (Settings and
// `edgedeck known-hosts`), and the HOST KEY CHANGED error names the exact command. Real sshd.
let users: TestUsers;
let root: string;
let host: SshdHost;
let key: { path: string; pub: string };
const noQuestions: Prompter = {
  hostKey: async () => 'reject',
  secret: async () => undefined,
  confirm: async () => false,
};

beforeAll(async () => {
  users = createUsers();
  root = sharedTempDir('edt-knownhosts-');
  host = await startSshd('kh', users.all, root);
  key = makeClientKey(root, 'id_kh');
  host.authorize(users.key.name, key.pub);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  users?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

const db = (dataDir: string, files: string[] = []) => new HostKeyDatabase({ app: new AppKnownHosts(createFileStore(dataDir)), files });

async function connect(hostKeys: HostKeyDatabase, hostKeyPolicy: HostKeyPolicy, on: SshdHost = host, log?: (line: string) => void) {
  const c = await connectSsh({
    ...(log ? { log } : {}),
    endpoint: { host: '127.0.0.1', port: on.port, user: users.key.name },
    auth: { identityFiles: [key.path], agentSocket: null },
    prompter: noQuestions,
    hostKeys,
    hostKeyPolicy,
    timeoutMs: 30_000,
  });
  c.close();
}

async function cli(...args: string[]) {
  const io = fakeIo();
  const code = await knownHostsCommand.run(args, io).catch((e: unknown) => reportError(e, io));
  return { code, out: io.out(), err: io.err() };
}

describe('known hosts you can manage', () => {
  it('HOST KEY CHANGED names `edgedeck known-hosts forget HOST:PORT`; running it lets the new key in', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    await connect(db(dataDir), 'accept-new');
    const listed = JSON.parse((await cli('list', '--json', '--data', dataDir, '--known-hosts', join(root, 'none'))).out) as { entries: Array<Record<string, unknown>> };
    expect(listed.entries).toEqual([
      { name: `[127.0.0.1]:${host.port}`, host: '127.0.0.1', port: host.port, keyType: 'ssh-ed25519', fingerprint: fingerprintOf(host.hostKeyPub.split(' ')[1]!), addedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), source: 'app' },
    ]);

    await host.stop();
    host.regenerateHostKey();
    await host.start();
    const err = await connect(db(dataDir), 'accept-new').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyChangedError);
    const command = /edgedeck known-hosts forget (\S+)/.exec((err as Error).message);
    expect(command?.[1]).toBe(`127.0.0.1:${host.port}`);
    expect((err as Error).message.endsWith(command![0])).toBe(true); // nothing glued to the command
    expect((err as Error).message).toContain('Settings → SSH known hosts → Forget');

    const forgot = await cli('forget', command![1]!, '--data', dataDir);
    expect(forgot).toMatchObject({ code: 0, out: `Forgot 1 host key of [127.0.0.1]:${host.port} in Edgedeck's known hosts; the next connection asks about its key again.\n` });
    await connect(db(dataDir), 'accept-new');
    const after = JSON.parse((await cli('list', '--json', '--data', dataDir, '--known-hosts', join(root, 'none'))).out) as { entries: Array<{ fingerprint: string }> };
    expect(after.entries.map((e) => e.fingerprint)).toEqual([fingerprintOf(host.hostKeyPub.split(' ')[1]!)]);
  });

  it('a key changed against a known_hosts file: the message gives `ssh-keygen -R` for that file, and forget says the file still has it', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const file = join(root, 'known_hosts_old');
    // An old key of the same type for this host: what a reinstalled host looks like from a known_hosts file.
    const old = makeClientKey(root, 'old_host_key').pub.split(' ');
    writeFileSync(file, `# kept by OpenSSH\n[127.0.0.1]:${host.port} ${old[0]} ${old[1]}\n`);
    const err = await connect(db(dataDir, [file]), 'accept-new').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyChangedError);
    expect((err as Error).message).toContain(`ssh-keygen -R '[127.0.0.1]:${host.port}' -f ${file}`);
    const forgot = await cli('forget', `[127.0.0.1]:${host.port}`, '--data', dataDir, '--known-hosts', file);
    expect(forgot.code).toBe(0);
    expect(forgot.out).toBe(`Edgedeck's known hosts had no key of [127.0.0.1]:${host.port}.\n`);
    expect(forgot.err).toContain(`is also in ${file} (line 2), which Edgedeck does not edit; remove it with: ssh-keygen -R '[127.0.0.1]:${host.port}' -f ${file}`);
    const table = await cli('list', '--data', dataDir, '--known-hosts', file);
    expect(table.out.split('\n')[0]).toMatch(/^HOST\s+TYPE\s+FINGERPRINT\s+ADDED\s+SOURCE$/);
    expect(table.out).toContain(`${file}:2`);
  });

  it('forget refuses a user@host or a bad port, naming the field', async () => {
    expect((await cli('forget', 'root@host1', '--data', root)).err).toMatch(/host: Give the host without a user/);
    expect((await cli('forget', 'host1:99999', '--data', root)).err).toMatch(/not a port/);
  });
});

// @cert-authority: a host presenting an OpenSSH host certificate (ssh-keygen -s ca -h -n 127.0.0.1)
// signed by a listed CA is accepted with no key on record; a wrong principal, an expired
// certificate or a @revoked CA is not. Real sshd with HostCertificate.
describe('host certificates (@cert-authority)', () => {
  let certHost: SshdHost;
  let ca: string;
  let caPub: string;
  const hostKeyPath = () => join(certHost.dir, 'ssh_host_ed25519_key');

  beforeAll(async () => {
    ca = join(root, 'host_ca');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test host CA', '-f', ca]);
    caPub = readFileSync(`${ca}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    certHost = await startSshd('cert', users.all, root, { extraConfig: [`HostCertificate ${join(root, 'cert', 'ssh_host_ed25519_key')}-cert.pub`] });
    certHost.authorize(users.key.name, key.pub);
  }, 60_000);
  afterAll(async () => certHost?.stop());

  /** Signs the host key (principal, validity as ssh-keygen -V) and restarts sshd so it presents the certificate. */
  async function sign(principal: string, validity = '-5m:+1h') {
    execFileSync('ssh-keygen', ['-q', '-s', ca, '-I', `cert-host-${principal}`, '-h', '-n', principal, '-V', validity, `${hostKeyPath()}.pub`]);
    await certHost.stop();
    await certHost.start();
  }

  function knownHosts(lines: string[]): string {
    const f = join(mkdtempSync(join(root, 'kh-')), 'known_hosts');
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  }

  const refusal = (p: Promise<unknown>) => p.then(() => 'connected', (e: unknown) => (e instanceof Error ? e.message : String(e)));

  it('a certificate signed by a listed CA for 127.0.0.1 is accepted with no key on record; without the CA line it is not', { timeout: 120_000 }, async () => {
    await sign('127.0.0.1');
    const lines: string[] = [];
    await connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([`@cert-authority [127.0.0.1]:${certHost.port} ${caPub}`])]), 'strict', certHost, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/host certificate "cert-host-127\.0\.0\.1" for 127\.0\.0\.1 is signed by the @cert-authority SHA256:/);
    expect(lines.join('\n')).toMatch(/is the one certified by/);
    // The same host without the CA line: unknown, refused under strict.
    expect(await refusal(connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([])]), 'strict', certHost))).toMatch(/not in known hosts/);
    // A CA line for other hosts does not cover this one.
    expect(await refusal(connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([`@cert-authority *.example.com ${caPub}`])]), 'strict', certHost))).toMatch(/not in known hosts/);
  });

  it('refuses a certificate for another principal, an expired one, and one whose CA is @revoked', { timeout: 120_000 }, async () => {
    const caLine = `@cert-authority * ${caPub}`;
    await sign('other.example.com');
    let lines: string[] = [];
    expect(await refusal(connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([caLine])]), 'strict', certHost, (l) => lines.push(l)))).toMatch(/not in known hosts/);
    expect(lines.join('\n')).toContain('it names other.example.com, not 127.0.0.1');

    await sign('127.0.0.1', '20200101:20200102');
    lines = [];
    expect(await refusal(connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([caLine])]), 'strict', certHost, (l) => lines.push(l)))).toMatch(/not in known hosts/);
    expect(lines.join('\n')).toMatch(/it expired at 2020-01-0/);

    await sign('127.0.0.1');
    lines = [];
    expect(await refusal(connect(db(mkdtempSync(join(root, 'data-')), [knownHosts([caLine, `@revoked * ${caPub}`])]), 'strict', certHost, (l) => lines.push(l)))).toMatch(/not in known hosts/);
    expect(lines.join('\n')).toMatch(/is marked @revoked/);
  });
});
