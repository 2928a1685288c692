import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEdgeKey, encodeEdgeKey, fingerprintKind, hostClass, inspectEdgeKey, isPaddedEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { errorOf } from './appError';
import { KEY } from './commandTexts';

const SHA_FP = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=';
const MD5_FP = '46:99:4a:8d:a6:de:6a:bd:d8:e2:1c:99:81:60:54:55';
const good = { portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'portainer.example.com:8000', tunnelFingerprint: SHA_FP, environmentId: 7 };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('decodeEdgeKey', () => {
  it('decodes a server-style key', () => {
    expect(decodeEdgeKey(KEY)).toEqual({ ...good, global: false });
  });

  it('decodes the legacy example from the server source and marks id 0 as global', () => {
    const key = b64('http://10.116.1.178:9000|10.116.1.178:8000|' + MD5_FP + '|52');
    expect(decodeEdgeKey(key).environmentId).toBe(52);
    expect(decodeEdgeKey(b64('https://p.example.com|p.example.com:8000||0'))).toEqual({
      portainerUrl: 'https://p.example.com',
      tunnelAddress: 'p.example.com:8000',
      tunnelFingerprint: '',
      environmentId: 0,
      global: true,
    });
  });

  it('trims whitespace and accepts padding', () => {
    const padded = b64('https://p.example.com|p.example.com:8000||0');
    expect(padded.endsWith('==')).toBe(true);
    expect(decodeEdgeKey(`  ${padded}\n`).global).toBe(true);
    expect(decodeEdgeKey(padded.replace(/=+$/, '')).global).toBe(true);
  });

  it('says how many fields it found', () => {
    const e = errorOf(() => decodeEdgeKey(b64('a|b|c')));
    expect(e.field).toBe('edgeKey');
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/3 '\|'-separated fields/);
    expect(errorOf(() => decodeEdgeKey(b64('a|b|c|1|2'))).message).toMatch(/decodes to 5/);
    expect(errorOf(() => decodeEdgeKey(b64('nopipes'))).message).toMatch(/1 '\|'-separated field,/);
  });

  it('requires decimal digits in field 4 and quotes what it found', () => {
    for (const bad of ['-1', '+1', '1.5', ' 1', '', 'x', '0x10']) {
      const e = errorOf(() => decodeEdgeKey(b64(`a|b|c|${bad}`)));
      expect(e.field).toBe('edgeKey');
      expect(e.message).toContain(JSON.stringify(bad));
    }
    expect(decodeEdgeKey(b64('a|b|c|007')).environmentId).toBe(7);
    expect(errorOf(() => decodeEdgeKey(b64('a|b|c|99999999999999999999'))).message).toMatch(/too large/);
  });

  it('rejects empty and non-base64 input naming edgeKey', () => {
    expect(errorOf(() => decodeEdgeKey('   ')).field).toBe('edgeKey');
    expect(errorOf(() => decodeEdgeKey('not a key!')).message).toMatch(/position 4/);
  });

  it('detects padding the agent would reject', () => {
    expect(isPaddedEdgeKey('abc=')).toBe(true);
    expect(isPaddedEdgeKey(KEY)).toBe(false);
  });
});

describe('encodeEdgeKey', () => {
  it('builds the unpadded key the server builds', () => {
    expect(encodeEdgeKey(good)).toBe(KEY);
    expect(encodeEdgeKey({ portainerUrl: 'https://p.example.com', tunnelAddress: 'p.example.com:8000', tunnelFingerprint: '', environmentId: 0 })).toBe(
      b64('https://p.example.com|p.example.com:8000||0').replace(/=+$/, ''),
    );
  });

  it('rejects | in a field, naming the field', () => {
    const e = errorOf(() => encodeEdgeKey({ ...good, tunnelAddress: 'a|b' }));
    expect(e.field).toBe('tunnelAddress');
    expect(e.message).toMatch(/'\|'/);
    expect(errorOf(() => encodeEdgeKey({ ...good, portainerUrl: '|' })).field).toBe('portainerUrl');
    expect(errorOf(() => encodeEdgeKey({ ...good, tunnelFingerprint: 'x|' })).field).toBe('tunnelFingerprint');
  });

  it('rejects negative or fractional ids', () => {
    for (const id of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(errorOf(() => encodeEdgeKey({ ...good, environmentId: id })).field).toBe('environmentId');
    }
  });

  const field = fc.string({ unit: fc.oneof(fc.constantFrom('é', '日', '😀', ' ', '=', '/', ':'), fc.string({ minLength: 1, maxLength: 1 })) }).filter((s) => !s.includes('|'));
  const fields = fc.record({ portainerUrl: field, tunnelAddress: field, tunnelFingerprint: field, environmentId: fc.nat() });

  it('round-trips arbitrary fields without | (property)', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const key = encodeEdgeKey(f);
        expect(key).not.toContain('=');
        expect(decodeEdgeKey(key)).toEqual({ ...f, global: f.environmentId === 0 });
      }),
    );
  });

  it('decodes padded and unpadded forms alike (property)', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const unpadded = encodeEdgeKey(f);
        const padded = unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
        expect(decodeEdgeKey(padded)).toEqual(decodeEdgeKey(unpadded));
      }),
    );
  });
});

describe('fingerprintKind', () => {
  it('classifies the known forms', () => {
    expect(fingerprintKind('')).toBe('none');
    expect(fingerprintKind(SHA_FP)).toBe('sha256');
    expect(fingerprintKind(MD5_FP)).toBe('md5');
    expect(fingerprintKind('46:99:4a')).toBe('md5');
    expect(fingerprintKind('46:99:')).toBe('md5');
    expect(fingerprintKind('4')).toBe('md5');
  });

  it('says unknown for near misses', () => {
    expect(fingerprintKind(SHA_FP.slice(0, -1))).toBe('unknown');
    expect(fingerprintKind('SHA256:' + SHA_FP.slice(0, -1))).toBe('unknown');
    expect(fingerprintKind(Buffer.alloc(33).toString('base64'))).toBe('unknown');
    expect(fingerprintKind(MD5_FP.toUpperCase())).toBe('unknown');
    expect(fingerprintKind(MD5_FP + ':00')).toBe('unknown');
    expect(fingerprintKind('46:9:4a')).toBe('unknown');
    expect(fingerprintKind('xyz')).toBe('unknown');
  });
});

describe('hostClass', () => {
  it.each([
    ['localhost', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['app.localhost', 'localhost'],
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['[FEBF::1%eth0]', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:db8::1', 'public'],
    ['fec0::1', 'public'],
    ['portainer.example.com', 'name'],
    ['256.1.1.1', 'name'],
    ['1:2:3:4:5:6:7:8:9', 'name'],
  ] as const)('%s is %s', (host, cls) => {
    expect(hostClass(host)).toBe(cls);
  });
});

describe('inspectEdgeKey', () => {
  const findings = (f: Partial<typeof good>) => inspectEdgeKey({ ...good, ...f });

  it('has nothing to say about a good key', () => {
    expect(findings({})).toEqual([]);
  });

  it('flags URL problems', () => {
    expect(findings({ portainerUrl: 'not a url' })).toEqual([expect.objectContaining({ field: 'portainerUrl', level: 'warn', message: expect.stringMatching(/not a URL/) })]);
    expect(findings({ portainerUrl: 'http://portainer.example.com:9000' })).toEqual([
      expect.objectContaining({ field: 'portainerUrl', level: 'warn', message: expect.stringMatching(/unprotected; use https/) }),
    ]);
    expect(findings({ portainerUrl: 'https://portainer.example.com/' })[0]!.message).toMatch(/\/\/api/);
    expect(findings({ portainerUrl: 'ftp://portainer.example.com' })[0]!.message).toMatch(/not http or https/);
    for (const host of ['localhost', '127.0.0.1', '[::1]', '169.254.0.1', '[fe80::1]', '10.0.0.1', '172.16.0.1', '192.168.0.1', '[fd00::1]']) {
      const f = findings({ portainerUrl: `https://${host}:9443` });
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ field: 'portainerUrl', level: 'warn' });
      expect(f[0]!.message).toMatch(/reach/);
    }
  });

  it('flags tunnel address problems', () => {
    expect(findings({ tunnelAddress: 'portainer.example.com' })[0]).toMatchObject({ field: 'tunnelAddress', level: 'warn', message: expect.stringMatching(/port 80/) });
    expect(findings({ tunnelAddress: 'portainer.example.com:' })[0]!.message).toMatch(/port 80/);
    expect(findings({ tunnelAddress: 'portainer.example.com:99999' })[0]!.message).toMatch(/1 to 65535/);
    expect(findings({ tunnelAddress: '192.168.1.5:8000' })[0]!.message).toMatch(/private-network/);
    expect(findings({ tunnelAddress: '[::1]:8000' })[0]!.message).toMatch(/loopback/);
    expect(findings({ tunnelAddress: 'fd00::1:8000' })[0]!.message).toMatch(/brackets/);
    expect(findings({ tunnelAddress: '[2001:db8::1]:8000' })).toEqual([]);
    const scheme = findings({ tunnelAddress: 'http://portainer.example.com:8000' });
    expect(scheme).toEqual([expect.objectContaining({ field: 'tunnelAddress', level: 'info' })]);
    expect(findings({ tunnelAddress: '' })[0]!.message).toMatch(/empty/);
  });

  it('flags fingerprint problems', () => {
    expect(findings({ tunnelFingerprint: '' })).toEqual([expect.objectContaining({ field: 'tunnelFingerprint', level: 'warn', message: expect.stringMatching(/host key is not verified/) })]);
    expect(findings({ tunnelFingerprint: MD5_FP })).toEqual([expect.objectContaining({ level: 'info', message: expect.stringMatching(/legacy MD5 \(server ≤ 2\.18\)/) })]);
    expect(findings({ tunnelFingerprint: '46:99' })[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/shortened/) });
    expect(findings({ tunnelFingerprint: 'junk' })[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/no form the agent knows/) });
    expect(findings({ tunnelFingerprint: 'SHA256:' + SHA_FP.slice(0, -1) })[0]!.message).toMatch(/"SHA256:" prefix/);
  });

  it('explains global keys', () => {
    expect(findings({ environmentId: 0 })).toEqual([expect.objectContaining({ field: 'environmentId', level: 'info', message: expect.stringMatching(/global key.*Community Edition/s) })]);
  });
});
