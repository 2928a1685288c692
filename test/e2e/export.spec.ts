import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './serveFixture';
import { decodeEdgeKey } from '../../src-main/shared/domain/edgeKey';
import { dockerSaveArchive } from '../fixtures/imageArchive';
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

// ---- Auto-onboarding metadata, the global-key bundle and the agent image (issues #15, #17)

async function rpcCall(playwright: import('@playwright/test').PlaywrightWorkerArgs['playwright'], served: { origin: string; token: string }, call: string, data: object = {}) {
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  try {
    const body = await (await rpc.post(`${served.origin}/rpc/${call}`, { data })).json();
    expect(body.ok, `${call}: ${JSON.stringify(body)}`).toBe(true);
    return body.data;
  } finally {
    await rpc.dispose();
  }
}

/** Types names into a Mantine TagsInput, each ended with Enter (a known name or a new one). */
async function pickNames(page: import('@playwright/test').Page, testId: string, names: string[]) {
  const input = page.getByTestId(testId);
  for (const n of names) {
    await input.fill(n);
    await input.press('Enter');
  }
}

/** Reads an env file's NAME=value lines. */
function envOf(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('per-device bundles with auto-onboarding metadata: picked and new Edge groups, group and tags become EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `meta${Date.now() % 100000}`;
  const env = await rpcCall(playwright, served, 'environments:create', { name: `${tag}-dev` });
  const shops = await rpcCall(playwright, served, 'edgeGroups:create', { name: `${tag}-shops` });
  const group = await rpcCall(playwright, served, 'groups:create', { name: `${tag}-stores` });
  const north = await rpcCall(playwright, served, 'tags:create', { name: `${tag}-north` });
  const base = mkdtempSync(join(tmpdir(), 'edgedeck-export-meta-'));
  const out = join(base, 'bundles');
  try {
    await page.goto(served.url);
    await page.goto(`${served.origin}/#/export`);
    await page.getByTestId('export-search').fill(tag);
    await expect(page.getByTestId('export-env-row')).toHaveCount(1);
    await page.getByTestId('export-select-shown').check();
    await page.getByTestId('export-meta-on').check();
    await expect(page.getByTestId('export-meta-fields')).toContainText('Used only when the agent enrols with a global key (auto-onboarding)');
    // A known Edge group and a new one (created by the export); the group and a tag by name.
    await pickNames(page, 'export-meta-edge-groups', [`${tag}-shops`, `${tag}-depots`]);
    await page.getByTestId('export-meta-group').fill(`${tag}-stores`);
    await pickNames(page, 'export-meta-tags', [`${tag}-north`]);
    await expect(page.getByTestId('export-meta-preview')).toContainText(`EDGE_GROUPS=${shops.id}`);
    await expect(page.getByTestId('export-meta-preview')).toContainText(`once created: Edge group “${tag}-depots”`);
    await page.getByTestId('export-outdir').fill(out);
    await page.getByTestId('export-run').click();
    await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 30_000 });

    const depots = (await rpcCall(playwright, served, 'edgeGroups:list')).edgeGroups.find((g: { name: string }) => g.name === `${tag}-depots`);
    expect(depots, 'the new Edge group was created on the server').toBeTruthy();
    const vars = envOf(readFileSync(join(out, 'devices', `${tag}-dev`, 'agent.env'), 'utf8'));
    expect(vars.EDGE_GROUPS).toBe(`${shops.id}:${depots.id}`);
    expect(vars.PORTAINER_GROUP).toBe(String(group.id));
    expect(vars.PORTAINER_TAGS).toBe(String(north.id));
    expect(vars.EDGE_ID).toBeTruthy();
    const manifest = JSON.parse(readFileSync(join(out, 'devices', `${tag}-dev`, 'manifest.json'), 'utf8'));
    expect(manifest.environment.id).toBe(env.environment.id);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the auto-onboarding bundle: one folder, no EDGE_ID, the global key (environment id 0) and the metadata', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `gk${Date.now() % 100000}`;
  // The tunnel fingerprint of the global key is read from an Edge environment's key: one must exist.
  await rpcCall(playwright, served, 'environments:create', { name: `${tag}-seed` });
  const cams = await rpcCall(playwright, served, 'edgeGroups:create', { name: `${tag}-cams` });
  const south = await rpcCall(playwright, served, 'tags:create', { name: `${tag}-south` });
  const base = mkdtempSync(join(tmpdir(), 'edgedeck-export-global-'));
  const out = join(base, 'auto');
  try {
    await page.goto(served.url);
    await page.goto(`${served.origin}/#/export`);
    await page.getByTestId('export-kind').getByText('Auto-onboarding bundle (global key)').click();
    await expect(page.getByTestId('export-global-explain')).toContainText('waiting room');
    await expect(page.getByTestId('export-global-explain')).toContainText('global key');
    await page.getByTestId('export-global-format-cloud-init').uncheck();
    await page.getByTestId('export-global-generator').fill('uuidgen');
    await page.getByTestId('export-global-meta-on').check();
    await pickNames(page, 'export-global-meta-edge-groups', [`${tag}-cams`]);
    await pickNames(page, 'export-global-meta-tags', [`${tag}-south`]);
    await page.getByTestId('export-outdir').fill(out);
    await page.getByTestId('export-global-run').click();
    await expect(page.getByTestId('export-global-result')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('export-global-path')).toHaveValue(out);

    expect(readdirSync(join(out, 'auto-onboard')).sort()).toEqual(['README.txt', 'agent.env', 'install.sh', 'manifest.json']);
    const envFile = join(out, 'auto-onboard', 'agent.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const vars = envOf(readFileSync(envFile, 'utf8'));
    expect(Object.keys(vars)).not.toContain('EDGE_ID');
    expect(decodeEdgeKey(vars.EDGE_KEY!).environmentId).toBe(0);
    expect(vars.EDGE_GROUPS).toBe(String(cams.id));
    expect(vars.PORTAINER_TAGS).toBe(String(south.id));
    expect(vars.PORTAINER_GROUP).toBeUndefined();
    expect(readFileSync(join(out, 'auto-onboard', 'install.sh'), 'utf8')).toContain('EDGE_ID=$(uuidgen)');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('include the agent image from an archive file: the export holds the archive byte for byte and its sha256', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `img${Date.now() % 100000}`;
  await rpcCall(playwright, served, 'environments:create', { name: `${tag}-dev` });
  const version = (await rpcCall(playwright, served, 'servers:status')).version as string;
  const image = `portainer/agent:${version}`;
  const base = mkdtempSync(join(tmpdir(), 'edgedeck-export-image-'));
  const archive = await dockerSaveArchive(join(base, 'src'), image);
  const out = join(base, 'bundles');
  try {
    await page.goto(served.url);
    await page.goto(`${served.origin}/#/export`);
    await page.getByTestId('export-search').fill(tag);
    await expect(page.getByTestId('export-env-row')).toHaveCount(1);
    await page.getByTestId('export-select-shown').check();
    await page.getByTestId('export-include-image').click();
    await page.getByRole('option', { name: 'Include it from an image archive file' }).click();
    await page.getByTestId('export-image-archive').fill(archive);
    await page.getByTestId('export-outdir').fill(out);
    await page.getByTestId('export-run').click();
    await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    const file = `portainer-agent-${version}.tar`;
    await expect(page.getByTestId('export-result-image')).toContainText(`agent-image/${file}`);

    const copied = join(out, 'agent-image', file);
    expect(readFileSync(copied).equals(readFileSync(archive))).toBe(true);
    const sum = spawnSync('sha256sum', [copied], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(`${copied}.sha256`, 'utf8')).toBe(`${sum}  ${file}\n`);
    expect(readFileSync(join(out, 'devices', `${tag}-dev`, 'install.sh'), 'utf8')).toContain(`[ "$sum" = ${sum} ]`);

    // A file that is not an image archive: said on the archive field, nothing written.
    const notImage = join(base, 'not-an-image.tar');
    writeFileSync(notImage, 'hello');
    await page.getByTestId('export-image-archive').fill(notImage);
    await page.getByTestId('export-outdir').fill(join(base, 'second'));
    await page.getByTestId('export-run').click();
    await expect(page.getByTestId('export-image')).toContainText(/Not an image archive|no manifest\.json/);
    expect(existsSync(join(base, 'second'))).toBe(false);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
