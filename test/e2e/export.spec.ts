import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './serveFixture';
import { shot } from './shots';

// Prestaging end to end: real Chromium, a real `edgedeck serve` (embedded local server as the
// active profile); main writes the bundles to a folder on this machine, checked with node fs.
test.use({ viewport: { width: 1360, height: 900 } });

test('export two environments as env+script bundles, and dry-run a devices CSV with a bad row', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `exp${Date.now() % 100000}`;
  const names = [`${tag}-a`, `${tag}-b`];
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const ids: number[] = [];
  for (const name of names) {
    const res = await rpc.post(`${served.origin}/rpc/environments:create`, { data: { name } });
    const body = await res.json();
    expect(body.ok, JSON.stringify(body)).toBe(true);
    ids.push(body.data.environment.id);
  }
  await rpc.dispose();

  const base = mkdtempSync(join(tmpdir(), 'edgedeck-export-e2e-'));
  const out = join(base, 'bundles');
  try {
    await page.goto(served.url);
    await page.goto(`${served.origin}/#/export`);
    await expect(page.getByTestId('export-env-table')).toBeVisible();
    // The output folder is main's suggestion until we change it.
    await expect(page.getByTestId('export-outdir')).toHaveValue(/edgedeck-export-\d{4}-\d{2}-\d{2}-\d{6}/);

    await page.getByTestId('export-search').fill(tag);
    await expect(page.getByTestId('export-env-row')).toHaveCount(2);
    await page.getByTestId('export-select-shown').check();
    await expect(page.getByTestId('export-selected-count')).toHaveText('2 selected');

    // Formats env + script (compose is on by default).
    await expect(page.getByTestId('export-format-env')).toBeChecked();
    await expect(page.getByTestId('export-format-script')).toBeChecked();
    await page.getByTestId('export-format-compose').uncheck();
    await page.getByTestId('export-outdir').fill(out);
    await shot(page, 'export');
    await page.getByTestId('export-run').click();

    const result = page.getByTestId('export-result');
    await expect(result).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('export-result-summary')).toContainText('2 devices');
    await expect(page.getByTestId('export-result-summary')).toContainText('from the server');
    await expect(page.getByTestId('export-result-path')).toHaveValue(out);

    // What main wrote: one folder per device, agent.env private, no compose file.
    expect(existsSync(out)).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(out, 'devices')).sort()).toEqual(names);
    for (const name of names) {
      const dir = join(out, 'devices', name);
      expect(readdirSync(dir).sort()).toEqual(['README.txt', 'agent.env', 'install.sh', 'manifest.json']);
      expect(statSync(join(dir, 'agent.env')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'agent.env'), 'utf8')).toMatch(/EDGE_KEY=/);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      expect(ids).toContain(manifest.environment.id);
    }
    const fleet = readFileSync(join(out, 'fleet.csv'), 'utf8');
    expect(fleet).toContain(names[0]);
    expect(fleet).not.toMatch(/EDGE_KEY|eyJ/);
    // The field now suggests a new folder for the next export.
    await expect(page.getByTestId('export-outdir')).not.toHaveValue(out);

    // CSV import: the dry run names the malformed row and how to fix it; create stays disabled.
    await page.getByTestId('export-tab-import').click();
    await page.getByTestId('import-csv').fill(`name,poll\n${tag}-csv-1,60\n${tag}-csv-2,abc\n`);
    await page.getByTestId('import-plan').click();
    await expect(page.getByTestId('import-plan-table')).toBeVisible();
    const bad = page.locator('[data-testid="import-plan-row"][data-action="error"]');
    await expect(bad).toHaveCount(1);
    await expect(bad).toContainText('Row 3: has poll "abc"');
    await expect(page.locator('[data-testid="import-plan-row"][data-action="create"]')).toHaveCount(1);
    await expect(page.getByTestId('import-plan-blocked')).toBeVisible();
    await expect(page.getByTestId('import-run')).toBeDisabled();
    await shot(page, 'export-csv-preview');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the environments list and the details view hand their selection to the Export page', async ({ page, served, playwright }) => {
  const name = `handoff-${Date.now() % 100000}`;
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const body = await (await rpc.post(`${served.origin}/rpc/environments:create`, { data: { name } })).json();
  expect(body.ok, JSON.stringify(body)).toBe(true);
  await rpc.dispose();
  const id = body.data.environment.id as number;

  await page.goto(served.url);
  await page.goto(`${served.origin}/#/environments/${id}`);
  await page.getByTestId('env-export').click();
  await expect(page).toHaveURL(/#\/export$/);
  await expect(page.getByTestId('export-selected-count')).toHaveText('1 selected');

  await page.goto(`${served.origin}/#/environments`);
  await page.getByTestId('env-search').fill(name);
  await expect(page.getByTestId('env-row')).toHaveCount(1);
  await page.getByTestId('env-row-select').first().check();
  await page.getByTestId('env-export-selected').click();
  await expect(page).toHaveURL(/#\/export$/);
  await expect(page.getByTestId('export-selected-count')).toHaveText('1 selected');
});
