import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBase64, decodeBase64Bytes, encodeBase64, encodeBase64Bytes } from '../../../src-main/shared/domain/base64';
import { AppError } from '../../../src-main/shared/contract/errors';

describe('base64', () => {
  it('encodes the RFC 4648 vectors, padded and unpadded', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, b64] of vectors) {
      expect(encodeBase64(text)).toBe(b64);
      expect(encodeBase64(text, { padded: false })).toBe(b64.replace(/=+$/, ''));
      expect(decodeBase64(b64)).toBe(text);
      expect(decodeBase64(b64.replace(/=+$/, ''))).toBe(text);
    }
  });

  it('encodes UTF-8, so non-ASCII text round-trips', () => {
    expect(encodeBase64('héllo ✓ 😀')).toBe(Buffer.from('héllo ✓ 😀', 'utf8').toString('base64'));
    expect(decodeBase64('aMOpbGxvIOKckyDwn5iA')).toBe('héllo ✓ 😀');
  });

  it('uses + and / (standard alphabet, not URL-safe)', () => {
    expect(encodeBase64Bytes(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('+//+');
    expect([...decodeBase64Bytes('+//+')]).toEqual([0xfb, 0xff, 0xfe]);
  });

  it('rejects characters outside the alphabet with their position', () => {
    expect(() => decodeBase64('Zm9v-w', 'edgeKey')).toThrow(/'-' at position 5/);
    expect(() => decodeBase64('Zm 9v', 'edgeKey')).toThrow(/a space at position 3/);
    expect(() => decodeBase64('Zm=9v')).toThrow(/padding inside the text/);
    try {
      decodeBase64('a_b', 'edgeKey');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('invalid_input');
      expect((e as AppError).field).toBe('edgeKey');
    }
  });

  it('rejects impossible lengths and wrong padding', () => {
    expect(() => decodeBase64('Zm9vY')).toThrow(/length/);
    expect(() => decodeBase64('Zg=')).toThrow(/multiple of 4/);
    expect(() => decodeBase64('Zm9v==')).toThrow(/multiple of 4/);
  });

  it('refuses bytes that are not UTF-8 and unpaired surrogates', () => {
    expect(() => decodeBase64('/w==')).toThrow(/not UTF-8/);
    expect(() => encodeBase64('a\ud800b')).toThrow(/unpaired/);
  });

  it('matches Node Buffer for arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const expected = Buffer.from(bytes).toString('base64');
        expect(encodeBase64Bytes(bytes)).toBe(expected);
        expect(encodeBase64Bytes(bytes, { padded: false })).toBe(expected.replace(/=+$/, ''));
        expect([...decodeBase64Bytes(expected)]).toEqual([...bytes]);
        expect([...decodeBase64Bytes(expected.replace(/=+$/, ''))]).toEqual([...bytes]);
      }),
    );
  });
});
