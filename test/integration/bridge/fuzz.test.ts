/**
 * Random and hostile payloads to every contract call over a real bridge in front of the real app
 * services (the embedded local server included, on loopback): no crash, every answer an envelope
 * (no bare 500), and the bridge keeps serving. Payloads never name a host, so nothing leaves the
 * machine: a random value that passes a call's schema can only reach the local server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../../src-main/bridge/bridgeServer';
import { createAppServices, type AppServices } from '../../../src-main/services/app/appServices';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { createFileStore } from '../../../src-main/services/stores/fileStore';
import { callNames } from '../../../src-main/shared/contract/callNames';

let dir: string;
let services: AppServices;
let bridge: Bridge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edt-bridge-fuzz-'));
  services = await createAppServices({ dataDir: dir, store: createFileStore(dir), secrets: new MemoryOnlySecrets(), redactor: new Redactor(), transport: 'web', version: '0.0.0-fuzz', logger: silentLogger, embeddedServer: true });
  bridge = await startBridge({ dispatcher: services.dispatcher, hub: services.hub, logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await bridge?.close();
  await services?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: bridge.port, path, method: 'POST', headers: { Host: `127.0.0.1:${bridge.port}`, Authorization: `Bearer ${bridge.token}`, 'Content-Type': 'application/json' }, timeout: 5_000 },
      (res) => {
        res.on('error', reject);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

let deep: unknown = 'x';
for (let i = 0; i < 2000; i++) deep = i % 2 ? { a: deep } : [deep];

/** Hand-written hostile bodies: wrong types, prototype pollution, shell and path tricks, huge and deep values, broken JSON and UTF-8. */
const HOSTILE: Array<Buffer | string> = [
  '',
  'null',
  'true',
  '-1',
  '1e999',
  '"text"',
  '[]',
  '[null,{}]',
  '{}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  JSON.stringify({ id: -1, taskId: '../../etc/passwd', runId: '../../../etc', target: '$(touch /tmp/edt-fuzz-pwned)', name: '\u0000\u202e', page: 1e308, pageSize: -5 }),
  JSON.stringify({ id: 'x'.repeat(200_000) }),
  JSON.stringify(deep),
  '{"unterminated',
  Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
];

const isEnvelope = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && ((v as { ok?: unknown }).ok === true || ((v as { ok?: unknown }).ok === false && typeof (v as { error?: { message?: unknown } }).error?.message === 'string'));

describe('bridge fuzz: every contract call, random and hostile payloads', () => {
  it('answers each with an envelope (never a bare 500) and keeps serving', async () => {
    const random = fc.sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: 12, seed: 20261203 }).map((v) => JSON.stringify(v) ?? 'null');
    const problems: string[] = [];
    let sent = 0;
    for (const name of [...callNames, 'nope:nope', '%E0%A4%A', '..%2f..%2fapp:info']) {
      for (const body of [...HOSTILE, ...random]) {
        const r = await post(`/rpc/${name}`, body).catch((e: Error) => ({ status: 0, body: e.message }));
        sent++;
        let parsed: unknown;
        try {
          parsed = JSON.parse(r.body);
        } catch {
          parsed = undefined;
        }
        if (!isEnvelope(parsed)) problems.push(`${name} ${String(body).slice(0, 60)} → ${r.status} ${r.body.slice(0, 120)}`);
        else if (r.status >= 500) problems.push(`${name} ${String(body).slice(0, 60)} → ${r.status} (a server error for caller input)`);
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(callNames.length * HOSTILE.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still serving: a plain call answers.
    const info = await post('/rpc/app:info', '{}');
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ ok: true });
  }, 300_000);
});
