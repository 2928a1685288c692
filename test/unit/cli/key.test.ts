import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src-main/cli/main';
import { fakeIo } from './cliIo';
import { KEY } from '../domain/commandTexts';


const SHA_FP = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

async function run(args: string[], stdin = '', env: NodeJS.ProcessEnv = {}) {
  const io = { ...fakeIo(stdin), env };
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('edgedeck key decode', () => {
  it('prints one JSON object with fixed key order and no warnings for a good key', async () => {
    const r = await run(['key', 'decode', '-'], KEY);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `{"portainerUrl":"https://portainer.example.com:9443","tunnelAddress":"portainer.example.com:8000","tunnelFingerprint":"${SHA_FP}","environmentId":7,"global":false}\n`,
    );
    expect(r.err).toBe('');
  });

  it('prints the findings to stderr, one line each', async () => {
    const padded = b64('http://localhost:9000/|localhost||0');
    const r = await run(['key', 'decode', '-'], padded);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ portainerUrl: 'http://localhost:9000/', tunnelAddress: 'localhost', tunnelFingerprint: '', environmentId: 0, global: true });
    const lines = r.err.trimEnd().split('\n');
    expect(lines.every((l) => /^warning: (edgeKey|portainerUrl|tunnelAddress|tunnelFingerprint|environmentId): \S/.test(l))).toBe(true);
    expect(lines[0]).toMatch(/^warning: edgeKey: .*padding/);
    expect(r.err).toMatch(/warning: portainerUrl: .*https/);
    expect(r.err).toMatch(/warning: tunnelAddress: .*port 80/);
    expect(r.err).toMatch(/warning: tunnelFingerprint: .*host key is not verified/);
    expect(r.err).toMatch(/warning: environmentId: .*global key/);
  });

  it('reads the key from stdin with -', async () => {
    const r = await run(['key', 'decode', '-'], `${KEY}\n`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).environmentId).toBe(7);
  });

  it('reads the key from --edge-key-file or $EDGEDECK_EDGE_KEY, without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edt-key-'));
    try {
      writeFileSync(join(dir, 'key'), `${KEY}\n`, { mode: 0o600 });
      for (const r of [await run(['key', 'decode', '--edge-key-file', join(dir, 'key')]), await run(['key', 'decode'], '', { EDGEDECK_EDGE_KEY: KEY })]) {
        expect(r).toMatchObject({ code: 0, err: '' });
        expect(JSON.parse(r.out).environmentId).toBe(7);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still decodes a key given on the command line, with one warning saying where it shows and what to use', async () => {
    const r = await run(['key', 'decode', KEY]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).environmentId).toBe(7);
    expect(r.err).toMatch(/^edgedeck: warning: the join token on the command line is visible to other local users \(ps\).*--edge-key-file FILE or \$EDGEDECK_EDGE_KEY\.\n$/);
  });

  it('exits 2 with a one-line reason on a bad key', async () => {
    for (const bad of ['not-a-key', b64('a|b|c'), b64('a|b|c|x')]) {
      const r = await run(['key', 'decode', '-'], bad);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^edgedeck: edgeKey: [^\n]+\n$/);
    }
    expect((await run(['key', 'decode', '-'], b64('a|b|c'))).err).toMatch(/3 '\|'-separated fields/);
  });

  it('exits 2 without a key, with extra args, unknown flags or subcommands', async () => {
    for (const args of [['key', 'decode'], ['key', 'decode', KEY, KEY], ['key', 'decode', '--bogus', KEY], ['key'], ['key', 'frob']]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(2);
    }
    expect((await run(['key', 'decode', '--bogus', KEY])).err).toMatch(/--bogus/);
  });
});

describe('edgedeck key encode', () => {
  const flags = ['--url', 'https://portainer.example.com:9443', '--tunnel-address', 'portainer.example.com:8000', '--fingerprint', SHA_FP, '--environment-id', '7'];

  it('prints the unpadded key and a newline', async () => {
    const r = await run(['key', 'encode', ...flags]);
    expect(r).toEqual({ code: 0, out: `${KEY}\n`, err: '' });
  });

  it('accepts an empty fingerprint and id 0', async () => {
    const r = await run(['key', 'encode', '--url', 'https://p.example.com', '--tunnel-address', 'p.example.com:8000', '--fingerprint', '', '--environment-id', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${b64('https://p.example.com|p.example.com:8000||0').replace(/=+$/, '')}\n`);
  });

  it('names a missing flag', async () => {
    for (const [i, flag] of [[0, '--url'], [2, '--tunnel-address'], [4, '--fingerprint'], [6, '--environment-id']] as const) {
      const args = [...flags];
      args.splice(i, 2);
      const r = await run(['key', 'encode', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^edgedeck: ${flag}: missing`));
    }
  });

  it('exits 2 on unknown flags, bad ids and | in a field', async () => {
    const unknown = await run(['key', 'encode', ...flags, '--tunnel', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--tunnel/);
    const id = await run(['key', 'encode', ...flags.slice(0, 6), '--environment-id=-1']);
    expect(id.code).toBe(2);
    expect(id.err).toMatch(/^edgedeck: --environment-id: /);
    const pipe = await run(['key', 'encode', '--url', 'https://a|b', ...flags.slice(2)]);
    expect(pipe.code).toBe(2);
    expect(pipe.err).toMatch(/^edgedeck: --url: .*'\|'/);
  });
});
