import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseBaseUrl } from '../../../src-main/services/portainer/url';
import { normaliseSha256, sameFingerprint } from '../../../src-main/services/portainer/fingerprint';
import { AppError } from '../../../src-main/shared/contract/errors';

function appErrorOf(fn: () => unknown): AppError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
}

function fieldOf(fn: () => unknown): string | undefined {
  const e = appErrorOf(fn);
  return e ? e.field : 'no error';
}

describe('normaliseBaseUrl', () => {
  it.each([
    ['https://portainer.example.com:9443', 'https://portainer.example.com:9443'],
    ['  https://portainer.example.com:9443/  ', 'https://portainer.example.com:9443'],
    ['https://portainer.example.com:9443///', 'https://portainer.example.com:9443'],
    ['https://portainer.example.com:9443/api', 'https://portainer.example.com:9443'],
    ['https://portainer.example.com:9443/api/', 'https://portainer.example.com:9443'],
    ['https://portainer.example.com:9443/API', 'https://portainer.example.com:9443'],
    ['https://example.com/portainer/api/', 'https://example.com/portainer'],
    ['http://10.0.0.5:9000', 'http://10.0.0.5:9000'],
    ['https://[::1]:9443/', 'https://[::1]:9443'],
    ['HTTPS://Portainer.Example.com:443/', 'https://portainer.example.com'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it.each(['', '   ', 'portainer.example.com:9443', 'ftp://portainer.example.com', 'https://', 'https://user:pw@portainer.example.com'])(
    'refuses %j on the url field',
    (input) => {
      expect(fieldOf(() => normaliseBaseUrl(input))).toBe('url');
    },
  );

  const messageOf = (fn: () => unknown) => appErrorOf(fn)?.message ?? 'no error';

  it('suggests https:// only when the result is itself a valid address (issue #11)', () => {
    expect(messageOf(() => normaliseBaseUrl('portainer.example.com:9443'))).toContain('write it as https://portainer.example.com:9443 ');
    const bad = messageOf(() => normaliseBaseUrl('not a url'));
    expect(bad).not.toMatch(/https:\/\/not a url/);
    expect(bad).toContain('"not a url" is not a server address');
    expect(messageOf(() => normaliseBaseUrl('host:99999'))).not.toContain('https://host:99999');
  });

  it('names the field it is given', () => {
    expect(fieldOf(() => normaliseBaseUrl('nope', 'portainerUrl'))).toBe('portainerUrl');
  });

  it('is idempotent and never ends in / or /api', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: false, withFragments: false }), fc.constantFrom('', '/', '/api', '/api/', '//'), (u, tail) => {
        let out: string;
        try {
          out = normaliseBaseUrl(u + tail);
        } catch {
          return true;
        }
        expect(out.endsWith('/')).toBe(false);
        expect(/\/api$/i.test(out)).toBe(false);
        expect(normaliseBaseUrl(out)).toBe(out);
        return true;
      }),
    );
  });
});

describe('fingerprints', () => {
  const hex = 'ab'.repeat(32);
  const canonical = Array(32).fill('AB').join(':');
  it('accepts colon hex, bare hex, lower case, a sha256: prefix and base64, always giving upper-case colon hex', () => {
    expect(normaliseSha256(canonical)).toBe(canonical);
    expect(normaliseSha256(hex)).toBe(canonical);
    expect(normaliseSha256(`sha256:${hex}`)).toBe(canonical);
    expect(normaliseSha256(`SHA256 Fingerprint=${canonical}`.replace('SHA256 Fingerprint=', 'sha256='))).toBe(canonical);
    expect(normaliseSha256(Buffer.from(hex, 'hex').toString('base64'))).toBe(canonical);
    expect(normaliseSha256(Buffer.from(hex, 'hex').toString('base64url'))).toBe(canonical);
  });
  it('refuses anything that is not 32 bytes', () => {
    expect(fieldOf(() => normaliseSha256('ab:cd'))).toBe('pinnedSha256');
    expect(fieldOf(() => normaliseSha256('zz'.repeat(32)))).toBe('pinnedSha256');
    expect(fieldOf(() => normaliseSha256(Buffer.alloc(20).toString('base64')))).toBe('pinnedSha256');
  });
  it('compares by value', () => {
    expect(sameFingerprint(hex, canonical)).toBe(true);
    expect(sameFingerprint(hex, 'cd'.repeat(32))).toBe(false);
    expect(sameFingerprint('garbage', 'garbage')).toBe(false);
  });
});
