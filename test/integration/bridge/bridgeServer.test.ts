import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../../../src-main/bridge/bridgeServer';
import { EventHub } from '../../../src-main/services/rpc/eventHub';
import type { Dispatcher } from '../../../src-main/services/rpc/dispatcher';
import { silentLogger } from '../../../src-main/services/logging/logger';

// A real bridge on a loopback port; the dispatcher behind it echoes, so the test sees exactly
// what crossed the transport.
const calls: Array<[string, unknown]> = [];
const dispatcher: Dispatcher = {
  async invoke(channel, payload) {
    calls.push([channel, payload]);
    if (channel === 'app:info') return { ok: true, data: { echoed: payload } };
    return { ok: false, error: { code: 'not_found', message: `Unknown call "${channel}".` } };
  },
};
const hub = new EventHub();
let bridge: Bridge;
let staticDir: string;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: bridge.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${bridge.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (err) => {
      // The server may cut an oversized upload short; report what we know.
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve({ status: -1, headers: {}, body: '' });
      else reject(err);
    });
    if (options.body) req.write(options.body);
    req.end();
  });
}

const auth = () => ({ Authorization: `Bearer ${bridge.token}` });
const json = () => ({ ...auth(), 'Content-Type': 'application/json' });

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'edgedeck-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Edgedeck</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  bridge = await startBridge({ dispatcher, hub, staticDir, logger: silentLogger, maxBodyBytes: 4096 });
});
afterAll(async () => bridge.close());

describe('bridge transport', () => {
  it('binds loopback and prints an address with the launch token', () => {
    expect(bridge.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/\\?token=`));
    expect(bridge.token.length).toBeGreaterThanOrEqual(24);
  });

  it('refuses a call without the token, and with a wrong one', async () => {
    const none = await send('/rpc/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await send('/rpc/app:info', { method: 'POST', headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/json' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('answers a call with the dispatcher envelope', async () => {
    const r = await send('/rpc/app:info', { method: 'POST', headers: json(), body: '{"x":1}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, data: { echoed: { x: 1 } } });
  });

  it('answers 404 with an envelope for an unknown call', async () => {
    const r = await send('/rpc/nope:nope', { method: 'POST', headers: json(), body: '{}' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.code).toBe('not_found');
  });

  it('refuses malformed, oversized and non-JSON bodies with 4xx envelopes', async () => {
    const bad = await send('/rpc/app:info', { method: 'POST', headers: json(), body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/not valid JSON/);
    // Oversized: a 413 with its envelope, also while the client is still sending (not a reset).
    for (const size of [10_000, 2 * 1024 * 1024]) {
      const big = await send('/rpc/app:info', { method: 'POST', headers: json(), body: Buffer.alloc(size, 0x61) });
      expect(big.status, `${size} bytes`).toBe(413);
      expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Request body is larger than 4096 bytes.' } });
    }
    // Bad percent-encoding in the call name is the caller's mistake: 400, not a 500 with a stack trace.
    const pct = await send('/rpc/%E0%A4%A', { method: 'POST', headers: json(), body: '{}' });
    expect(pct.status).toBe(400);
    expect(JSON.parse(pct.body).error.message).toMatch(/not valid percent-encoding/);
    const form = await send('/rpc/app:info', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    // The bridge survives all of it.
    const after = await send('/rpc/app:info', { method: 'POST', headers: json(), body: '{}' });
    expect(after.status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const host = await send('/rpc/app:info', { method: 'POST', headers: { ...json(), Host: `evil.example:${bridge.port}` }, body: '{}' });
    expect(host.status).toBe(421);
    const origin = await send('/rpc/app:info', { method: 'POST', headers: { ...json(), Origin: 'http://evil.example' }, body: '{}' });
    expect(origin.status).toBe(403);
  });

  it('trades the token in the address for an HttpOnly cookie, then serves the app with a CSP', async () => {
    const first = await send(`/?token=${encodeURIComponent(bridge.token)}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    // Named for this bridge's port: another `edgedeck serve` on 127.0.0.1 keeps its own.
    expect(cookie).toMatch(new RegExp(`^edgedeck_token_${bridge.port}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await send('/', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Edgedeck</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    // Sockets to this bridge only (a bare `ws:` allowed any host).
    expect(String(page.headers['content-security-policy'])).toMatch(new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${bridge.port};`));
    expect(String(page.headers['content-security-policy'])).not.toMatch(/ws:[ ;]/);
    // The cookie of another port's bridge is not this bridge's.
    const otherPort = await send('/', { headers: { Cookie: `edgedeck_token_${bridge.port + 1}=${encodeURIComponent(bridge.token)}` } });
    expect(otherPort.status).toBe(401);
    const malformed = await send('/', { headers: { Cookie: `edgedeck_token_${bridge.port}=%E0%A4%A` } });
    expect(malformed.status).toBe(401);
    const bare = await send('/');
    expect(bare.status).toBe(401);
    const wrongToken = await send('/?token=wrong');
    expect(wrongToken.status).toBe(401);
  });

  it('never serves files outside the renderer folder', async () => {
    const r = await send('/..%2f..%2f..%2fetc%2fpasswd', { headers: auth() });
    expect(r.body).not.toContain('root:');
  });

  it('pushes events over the WebSocket only to an authenticated page', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`);
    const refusedOutcome = await new Promise<string>((resolve) => {
      refused.on('open', () => resolve('open'));
      refused.on('error', () => resolve('refused'));
    });
    expect(refusedOutcome).toBe('refused');

    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/events`, { headers: { Cookie: `edgedeck_token_${bridge.port}=${encodeURIComponent(bridge.token)}` } });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    const message = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    hub.emit('agents:polls', { samples: [] });
    expect(await message).toEqual({ event: 'agents:polls', payload: { samples: [] } });
    ws.close();
  });
});
