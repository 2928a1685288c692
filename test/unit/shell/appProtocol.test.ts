import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appProtocolResponse } from '../../../src-main/services/shell/appProtocol';

// The app:// handler's answers, against real files: a renderer folder and a secret beside it.
const base = mkdtempSync(join(tmpdir(), 'edgedeck-appproto-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Edgedeck</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => appProtocolResponse(root, { url, method });

describe('appProtocolResponse', () => {
  it('serves the renderer with its type, the desktop CSP and nosniff', async () => {
    const page = await get('app://edgedeck/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html><title>Edgedeck</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self';/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await get('app://edgedeck/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('never serves the file beside the renderer folder', async () => {
    for (const url of ['app://edgedeck/..%2Fsecret.txt', 'app://edgedeck/assets/..%2F..%2Fsecret.txt', 'app://edgedeck/%2e%2e%2fsecret.txt', 'app://edgedeck/../secret.txt', `app://edgedeck/${encodeURIComponent(join(base, 'secret.txt'))}`]) {
      const r = await get(url);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(await r.text(), url).not.toContain('TOP SECRET');
    }
  });

  it('answers 404 for missing files and folders, 405 for other methods', async () => {
    expect((await get('app://edgedeck/nope.js')).status).toBe(404);
    expect((await get('app://edgedeck/assets')).status).toBe(404);
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://edgedeck/index.html', 'POST')).status).toBe(405);
    const head = await get('app://edgedeck/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
