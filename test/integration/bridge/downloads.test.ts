import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../../src-main/bridge/bridgeServer';
import { DownloadRegistry } from '../../../src-main/services/downloads/downloadRegistry';
import { silentLogger } from '../../../src-main/services/logging/logger';
import type { Dispatcher } from '../../../src-main/services/rpc/dispatcher';
import { EventHub } from '../../../src-main/services/rpc/eventHub';

// GET /downloads/<id> on a real bridge: behind the same token/Host/Origin guard as the calls,
// streamed once as an attachment, then gone.
const dispatcher: Dispatcher = { invoke: async () => ({ ok: false, error: { code: 'not_found', message: 'Unknown call.' } }) };
let bridge: Bridge;
let root: string;
let downloads: DownloadRegistry;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, method, headers: { Host: `127.0.0.1:${bridge.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const auth = () => ({ Authorization: `Bearer ${bridge.token}` });
const CONTENT = Buffer.concat([Buffer.from('EDGE_KEY=secret\n'), Buffer.alloc(200_000, 7)]);

function offer(): { id: string; dir: string } {
  const dir = downloads.privateDir();
  writeFileSync(join(dir, 'edgedeck-export-2030-01-01-120000.tar'), CONTENT, { mode: 0o600 });
  return { id: downloads.register(join(dir, 'edgedeck-export-2030-01-01-120000.tar'), { contentType: 'application/x-tar' }).id, dir };
}

async function gone(dir: string): Promise<void> {
  for (let i = 0; i < 100 && existsSync(dir); i++) await new Promise((r) => setTimeout(r, 10));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'edgedeck-bridge-downloads-'));
  downloads = new DownloadRegistry({ root });
  bridge = await startBridge({ dispatcher, hub: new EventHub(), downloads, logger: silentLogger });
});
afterAll(async () => {
  await bridge.close();
  downloads.close();
  rmSync(root, { recursive: true, force: true });
});

describe('bridge downloads', () => {
  it('needs the launch token, and the right Host and Origin; a refused request does not spend the download', async () => {
    const { id } = offer();
    expect((await get(`/downloads/${id}`)).status).toBe(401);
    expect((await get(`/downloads/${id}`, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get(`/downloads/${id}`, { ...auth(), Host: `evil.example:${bridge.port}` })).status).toBe(421);
    expect((await get(`/downloads/${id}`, { ...auth(), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/downloads/${id}`, auth(), 'HEAD')).status).toBe(405);
    expect(downloads.size()).toBe(1);
    const ok = await get(`/downloads/${id}`, auth());
    expect(ok.status).toBe(200);
  });

  it('streams the file once as a no-store attachment, deletes it, then answers 404', async () => {
    const { id, dir } = offer();
    // The browser's way: the HttpOnly cookie the launch address set.
    const first = await get(`/downloads/${id}`, { Cookie: `edgedeck_token_${bridge.port}=${encodeURIComponent(bridge.token)}` });
    expect(first.status).toBe(200);
    expect(first.headers['content-disposition']).toBe('attachment; filename="edgedeck-export-2030-01-01-120000.tar"');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['content-type']).toBe('application/x-tar');
    expect(first.headers['content-length']).toBe(String(CONTENT.length));
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.body.equals(CONTENT)).toBe(true);
    await gone(dir);
    expect(existsSync(dir)).toBe(false);

    const again = await get(`/downloads/${id}`, auth());
    expect(again.status).toBe(404);
    expect(JSON.parse(again.body.toString('utf8'))).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await get('/downloads/doesnotexist', auth())).status).toBe(404);
    expect((await get('/downloads/..%2Fetc%2Fpasswd', auth())).status).toBe(404);
    expect((await get('/downloads/', auth())).status).toBe(404);
  });
});
