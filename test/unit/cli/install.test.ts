import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPrompter } from '../../../src-main/cli/commands/install/prompter';
import { parseTargetsFile } from '../../../src-main/cli/commands/install/targets';
import { main } from '../../../src-main/cli/main';
import { fakeIo } from './cliIo';

const dir = mkdtempSync(join(tmpdir(), 'edt-install-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('targets file', () => {
  it('one target per line with comments and blank lines', () => {
    expect(parseTargetsFile('# fleet\nops@10.0.0.1\n\n  ops@10.0.0.2:2222   # rack 2\nroot@[::1]:22\n')).toEqual(['ops@10.0.0.1', 'ops@10.0.0.2:2222', 'root@[::1]:22']);
  });
  it('CSV with a target column (quoted cells, other columns ignored)', () => {
    expect(parseTargetsFile('name,target,notes\nweb,ops@web1,"a, b"\n"db","ops@db1:2200",x\n,,\n')).toEqual(['ops@web1', 'ops@db1:2200']);
  });
  it('refuses CSV without a target column, bad targets (with the line) and empty files', () => {
    expect(() => parseTargetsFile('name,host\na,b\n', 'f.csv')).toThrow(/no "target" column/);
    expect(() => parseTargetsFile('ops@ok\n-oProxyCommand=x\n', 'f.txt')).toThrow(/f\.txt line 2/);
    expect(() => parseTargetsFile('# nothing\n', 'f.txt')).toThrow(/no targets/);
  });
});

describe('CLI prompter', () => {
  it('without a terminal: answers nothing and records the flag to use', async () => {
    const p = cliPrompter({ tty: null });
    expect(await p.secret({ kind: 'password', target: 'a@h', message: 'Password for a@h' })).toBeUndefined();
    expect(await p.secret({ kind: 'sudo', target: 'a@h', message: 'sudo password' })).toBeUndefined();
    expect(await p.secret({ kind: 'passphrase', target: 'b@h', keyFile: '/k', message: 'Passphrase for /k' })).toBeUndefined();
    expect(p.needs.get('a@h')!.join(' ')).toMatch(/--ssh-password-stdin.*--sudo-password-stdin/);
    expect(p.needs.get('b@h')!.join(' ')).toMatch(/the passphrase for \/k is needed: add the key to ssh-agent/);
    expect(await p.hostKey({ target: 'a@h', hostName: 'h', keyType: 'ssh-ed25519', fingerprint: 'SHA256:x' })).toBe('reject');
  });
  it('with a terminal: asks one question at a time and reuses the answer for other hosts', async () => {
    const asked: string[] = [];
    let active = 0;
    const p = cliPrompter({
      tty: {
        ask: async (q) => {
          active++;
          expect(active).toBe(1);
          asked.push(q);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return 'typed';
        },
      },
    });
    const answers = await Promise.all(['a@1', 'a@2', 'a@3'].map((t) => p.secret({ kind: 'password', target: t, message: `Password for ${t}` })));
    expect(answers).toEqual(['typed', 'typed', 'typed']);
    expect(asked.length).toBeLessThanOrEqual(3);
    expect(await p.secret({ kind: 'password', target: 'a@4', message: 'Password for a@4' })).toBe('typed');
    expect(asked.length).toBeLessThanOrEqual(3);
  });

  it('asks again when the question says the last answer was wrong (its retry field, not its wording)', async () => {
    const typed = ['first', 'second', 'other'];
    const asked: string[] = [];
    const p = cliPrompter({ tty: { ask: async (q) => (asked.push(q), typed.shift()) } });
    const q = { kind: 'passphrase' as const, target: 'a@h', keyFile: '/k', message: 'Passphrase for /k' };
    expect(await p.secret(q)).toBe('first');
    expect(await p.secret({ ...q, target: 'b@h' })).toBe('first');
    // The same text: only the retry field tells the answer was wrong.
    expect(await p.secret({ ...q, retry: true })).toBe('second');
    expect(await p.secret({ ...q, keyFile: '/other', message: 'Passphrase for /other' })).toBe('other');
    expect(asked).toEqual(['Passphrase for /k: ', 'Passphrase for /k: ', 'Passphrase for /other: ']);
  });
});

describe('edgedeck install flags', () => {
  const base = ['install', '--server', 'https://127.0.0.1:1', '--password-stdin', '--data', dir, '--runs-dir', join(dir, 'runs')];
  const cases: Array<[string, string[], RegExp]> = [
    ['no platform', ['--create', '--target', 'a@b'], /^edgedeck: --platform: /m],
    ['bad platform', ['--platform', 'nomad', '--create', '--target', 'a@b'], /--platform: Use one of standalone, swarm, podman, kubernetes/],
    ['no targets', ['--platform', 'standalone', '--create'], /--target: /],
    ['both target forms', ['--platform', 'standalone', '--create', '--target', 'a@b', '--targets', 'x'], /--targets: /],
    ['missing targets file', ['--platform', 'standalone', '--create', '--targets', join(dir, 'nope')], /--targets: Cannot read/],
    ['duplicate', ['--platform', 'standalone', '--create', '--target', 'a@b', '--target', 'a@b'], /--target: The target a@b is listed twice/],
    ['no environment choice', ['--platform', 'standalone', '--target', 'a@b'], /--create: /],
    ['both environment choices', ['--platform', 'standalone', '--create', '--environment', '2', '--target', 'a@b'], /--create: /],
    ['template clash', ['--platform', 'standalone', '--create', '--target', 'a@h:1', '--target', 'a@h:2'], /--name-template: .*same name "h"/],
    ['max-fail range', ['--platform', 'standalone', '--create', '--target', 'a@b', '--max-fail', '150'], /--max-fail: /],
    ['canary', ['--platform', 'standalone', '--create', '--target', 'a@b', '--canary', 'x'], /--canary: /],
    ['identity', ['--platform', 'standalone', '--create', '--target', 'a@b', '--identity', join(dir, 'nokey')], /--identity: No such key file/],
    ['pin and insecure', ['--platform', 'standalone', '--create', '--target', 'a@b', '--insecure', '--pin', 'ab'], /--pin: /],
    ['both poll flags', ['--platform', 'standalone', '--create', '--target', 'a@b', '--insecure-poll', '--no-insecure-poll'], /--no-insecure-poll: /],
    ['resume with targets', ['--resume', 'x1', '--target', 'a@b'], /--target: --resume takes/],
    ['unknown run', ['--resume', 'nope'], /--resume: There is no run nope/],
    ['check-in wait out of range', ['--platform', 'standalone', '--create', '--target', 'a@b', '--checkin-timeout', '5'], /--checkin-timeout: --checkin-timeout is whole seconds from 10 to 86,400 \(a day\); 5 is not\./],
    ['remote dir', ['--platform', 'standalone', '--create', '--target', 'a@b', '--remote-dir', 'relative'], /--remote-dir: /],
    ['image archive without --push-image', ['--platform', 'standalone', '--create', '--target', 'a@b', '--image-archive', join(dir, 'a.tar')], /--image-archive: Give --image-archive FILE together with --push-image/],
    ['missing image archive', ['--platform', 'standalone', '--create', '--target', 'a@b', '--push-image', '--image-archive', join(dir, 'none.tar')], /--image-archive: No such file: .*none\.tar\. Make one with docker save -o FILE/],
    ['push image to Kubernetes', ['--platform', 'kubernetes', '--create', '--target', 'a@b', '--push-image'], /--push-image: --push-image loads the image into the host's Docker or Podman engine; .*ctr -n k8s\.io images import/],
  ];
  for (const [name, extra, re] of cases) {
    it(`${name} → exit 2`, async () => {
      const io = fakeIo('pw\n');
      expect(await main([...base, ...extra], io)).toBe(2);
      expect(io.err()).toMatch(re);
      expect(io.out()).toBe('');
    });
  }
  it('a CSV targets file with a name clash is caught before anything runs', async () => {
    const f = join(dir, 't.csv');
    writeFileSync(f, 'target\nops@h1\nops@h1\n');
    const io = fakeIo('pw\n');
    expect(await main([...base, '--platform', 'standalone', '--create', '--targets', f], io)).toBe(2);
    expect(io.err()).toMatch(/--targets: The target ops@h1 is listed twice/);
  });
  it('--help documents the stdin order and the template variables', async () => {
    const io = fakeIo();
    expect(await main(['install', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/ONE PER LINE, in this fixed order/);
    expect(io.out()).toMatch(/\{host\} \{port\} .*\{user\} \{target\}/);
  });
});
