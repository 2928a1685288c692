import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './serveFixture';
import { shot } from './shots';

// The browser's export: main builds one archive for a one-time download, Chromium saves it
// through a same-origin link (the HttpOnly launch cookie authenticates it).
test.use({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });

test('download an export as one .tar archive in the browser; the link works once', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `dl${Date.now() % 100000}`;
  const names = [`${tag}-a`, `${tag}-b`];
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  for (const name of names) {
    const body = await (await rpc.post(`${served.origin}/rpc/environments:create`, { data: { name } })).json();
    expect(body.ok, JSON.stringify(body)).toBe(true);
  }
  const caps = await (await rpc.post(`${served.origin}/rpc/app:capabilities`, { data: {} })).json();
  expect(caps).toEqual({ ok: true, data: { nativeDialogs: false, clipboard: false, transport: 'web' } });
  const picker = await (await rpc.post(`${served.origin}/rpc/dialogs:chooseFolder`, { data: {} })).json();
  expect(picker).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  await rpc.dispose();

  const base = mkdtempSync(join(tmpdir(), 'edgedeck-export-download-e2e-'));
  try {
    await page.goto(served.url);
    await page.goto(`${served.origin}/#/export`);
    await expect(page.getByTestId('export-env-table')).toBeVisible();
    // The browser has no folder picker; the folder delivery stays the default.
    await expect(page.getByTestId('export-delivery')).toBeVisible();
    await expect(page.getByTestId('export-choose-folder')).toHaveCount(0);
    await expect(page.getByTestId('export-outdir')).toBeVisible();

    await page.getByTestId('export-search').fill(tag);
    await expect(page.getByTestId('export-env-row')).toHaveCount(2);
    await page.getByTestId('export-select-shown').check();
    await page.getByTestId('export-delivery').getByText('Download archive').click();
    await expect(page.getByTestId('export-outdir')).toHaveCount(0);
    await expect(page.getByTestId('export-download-note')).toContainText('join tokens');
    await shot(page, 'export-download');

    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-run').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^edgedeck-export-\d{4}-\d{2}-\d{2}-\d{6}\.tar$/);
    const file = join(base, download.suggestedFilename());
    await download.saveAs(file);
    expect(await download.failure()).toBeNull();
    expect(statSync(file).size).toBeGreaterThan(0);

    const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n');
    for (const name of names) expect(listing).toContain(`edgedeck-export/devices/${name}/agent.env`);
    const verbose = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
    expect(verbose).toMatch(new RegExp(`^-rw------- .* edgedeck-export/devices/${names[0]}/agent\\.env$`, 'm'));

    await expect(page.getByTestId('export-result')).toContainText('your browser is saving it');
    await expect(page.getByTestId('export-result-path')).toHaveValue(download.suggestedFilename());

    // The link was good for one fetch: the same cookie now gets a 404.
    const id = new URL(download.url()).pathname.split('/').pop()!;
    const again = await page.request.get(`${served.origin}/downloads/${id}`);
    expect(again.status()).toBe(404);
    // Without the cookie or token, nothing at all.
    const anon = await playwright.request.newContext();
    expect((await anon.get(`${served.origin}/downloads/${id}`)).status()).toBe(401);
    await anon.dispose();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
