import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagOf, fnv1a32 } from '../../../src-main/services/localserver/fnv';
import { goJson } from '../../../src-main/services/localserver/goJson';
import { parseHostForEdge } from '../../../src-main/services/localserver/hostForEdge';
import { parseMultipart } from '../../../src-main/services/localserver/multipart';
import { RateLimiter } from '../../../src-main/services/localserver/rateLimit';
import { pollPathId } from '../../../src-main/services/localserver/edgeStatus';

describe('fnv1a32', () => {
  it('matches known vectors and has no zero padding', () => {
    expect(fnv1a32(Buffer.from(''))).toBe(0x811c9dc5);
    expect(etagOf(Buffer.from('a'))).toBe('e40c292c');
    expect(etagOf(Buffer.from('foobar'))).toBe('bf9cf968');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = etagOf(bytes);
        expect(hex).toMatch(/^[1-9a-f][0-9a-f]{0,7}$|^0$/);
      }),
    );
  });
});

describe('goJson', () => {
  it('escapes like Go and keeps key order, no newline', () => {
    expect(goJson({ b: '<a&b>', a: 1 })).toBe('{"b":"\\u003ca\\u0026b\\u003e","a":1}');
    expect(goJson('x\u2028')).toBe('"x\\u2028"');
    expect(goJson({ ok: true })).toBe('{"ok":true}');
    expect(goJson({ ok: '<' })).toBe('{"ok":"\\u003c"}');
  });
});

describe('parseHostForEdge', () => {
  const host = (u: string) => parseHostForEdge(u);
  it('takes the hostname, refuses localhost and empty hosts', () => {
    expect(host('https://portainer.example.com:9443')).toEqual({ host: 'portainer.example.com' });
    expect(host('https://portainer.example.com/')).toEqual({ host: 'portainer.example.com' });
    expect(host('https://user:pw@10.0.0.1:9443/x?y#z')).toEqual({ host: '10.0.0.1' });
    expect(host('https://[fd00::1]:9443')).toEqual({ host: 'fd00::1' });
    expect(host('https://[fd00::1]')).toEqual({ host: '[fd00::1]' });
    expect(host('https://localhost:9443')).toEqual({ error: 'cannot use localhost as environment URL' });
    expect(host('https://localhost')).toEqual({ error: 'cannot use localhost as environment URL' });
    expect(host('portainer.example.com')).toEqual({ error: 'hostname cannot be empty' });
    expect(host('portainer.example.com:9443')).toEqual({ error: 'hostname cannot be empty' });
    expect('error' in host('10.0.0.1:9443')).toBe(true);
    expect('error' in host('https://a b')).toBe(true);
  });
});

describe('multipart', () => {
  it('reads text fields, drops files, handles quoted names', () => {
    const b = 'XyZ';
    const body = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="Name"\r\n\r\nmy env\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="TLSCACertFile"; filename="ca.pem"\r\nContent-Type: application/octet-stream\r\n\r\n----\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="URL"\r\n\r\nhttps://a.b\r\nwith newline\r\n` +
        `--${b}--\r\n`,
    );
    const f = parseMultipart(body, b);
    expect(f.get('Name')).toEqual(['my env']);
    expect(f.get('URL')).toEqual(['https://a.b\r\nwith newline']);
    expect(f.has('TLSCACertFile')).toBe(false);
  });
  it('rejects garbage without throwing anything but a 400', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseMultipart(Buffer.concat([Buffer.from('--B\r\n'), Buffer.from(bytes)]), 'B');
        } catch (e) {
          expect((e as { status?: number }).status).toBe(400);
        }
      }),
    );
  });
});

describe('RateLimiter', () => {
  it('bans after more than 10 hits in one second, for one hour', () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    for (let i = 0; i < 10; i++) expect(rl.allow('a')).toBe(true);
    expect(rl.allow('b')).toBe(true);
    expect(rl.allow('a')).toBe(false);
    t += 3_599_999;
    expect(rl.allow('a')).toBe(false);
    t += 1;
    expect(rl.allow('a')).toBe(true);
  });
  it('a steady 10 per second is fine', () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    for (let i = 0; i < 100; i++) {
      expect(rl.allow('a')).toBe(true);
      t += 100;
    }
  });
});

describe('pollPathId', () => {
  it('parses only /api/endpoints/<digits>/edge/status', () => {
    expect(pollPathId('/api/endpoints/12/edge/status')).toBe(12);
    expect(pollPathId('/api/endpoints/0/edge/status')).toBe(0);
    expect(pollPathId('/api/endpoints/x/edge/status')).toBe(-1);
    expect(pollPathId('/api/endpoints//edge/status')).toBe(-1);
    expect(pollPathId('/api/endpoints/1/edge/stacks/2')).toBe(-1);
  });
});
