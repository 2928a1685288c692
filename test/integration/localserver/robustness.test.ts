import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ https: false });
});
afterAll(async () => {
  await h?.close();
});

function raw(data: string): Promise<string> {
  const { port } = new URL(h.server.url);
  return new Promise((resolve) => {
    const s = connect(Number(port), '127.0.0.1', () => s.write(data));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    setTimeout(() => s.destroy(), 2000);
  });
}

describe('robustness', () => {
  it('answers a malformed request line with 400 and keeps serving', async () => {
    const out = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400/);
    expect((await h.call('GET', '/api/system/status')).status).toBe(200);
  });

  it('a client stuck in its headers does not block others', async () => {
    const { port } = new URL(h.server.url);
    const slow = connect(Number(port), '127.0.0.1', () => slow.write('GET /api/system/status HTTP/1.1\r\nHost: x\r\n'));
    try {
      for (let i = 0; i < 5; i++) expect((await h.call('GET', '/api/system/status')).status).toBe(200);
    } finally {
      slow.destroy();
    }
  });

  it('405 for a known path with another method, JSON errors everywhere', async () => {
    const r = await h.call('PATCH', '/api/tags', { token: await h.login() });
    expect(r.status).toBe(405);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json.message).toBe('Method not allowed');
  });
});
