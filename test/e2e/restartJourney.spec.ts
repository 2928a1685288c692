import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { decodeEdgeKey } from '../../src-main/shared/domain/edgeKey';
import { startServe, type ServedApp } from './serveProcess';
import { expect, test } from './serveFixture';

// Issue #11: a new user's journey across restarts, in Chromium against real `edgedeck serve`
// processes sharing one data folder: add → details → simulated agent → Simulator → restart →
// details. The join token made before the restart still names the server, and an agent started
// with it checks in; when another program takes the kept port, the app moves and says which
// environments got a new token.
test.use({ viewport: { width: 1280, height: 900 } });

async function tokenOf(page: Page): Promise<string> {
  const token = page.getByTestId('env-token');
  if ((await token.getAttribute('type')) === 'password') await page.getByRole('button', { name: 'Show or hide join token (edge key)' }).click();
  return token.inputValue();
}

async function simUrl(page: Page, app: ServedApp): Promise<string> {
  await page.goto(`${app.origin}/#/simulator`);
  await expect(page.getByTestId('sim-running')).toHaveText('Running');
  return page.getByTestId('sim-url').inputValue();
}

test('add → details → simulated agent → Simulator → restart → details, then a taken port', async ({ page }) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-e2e-restart-'));
  let stop: (() => Promise<void>) | undefined;
  let squatter: Server | undefined;
  try {
    let run = await startServe([], { dataDir });
    stop = run.stop;
    await page.goto(run.app.url);

    // Add: Enter in Group and Tags picks or creates; it never submits the half-filled form.
    await page.getByTestId('env-add').click();
    await expect(page).toHaveURL(/#\/environments\/new$/);
    await page.getByTestId('env-form-name').fill('journey-1');
    await page.getByTestId('env-form-group').fill('north');
    await page.getByTestId('env-form-group').press('Enter');
    await expect(page.getByTestId('env-form-created')).toHaveCount(0);
    await expect(page).toHaveURL(/#\/environments\/new$/);
    await page.getByTestId('env-form-tags').fill('blue');
    await page.getByTestId('env-form-tags').press('Enter');
    await page.getByTestId('env-form-tags').press('Enter');
    await expect(page.getByText('New tag: blue — created with the environment')).toBeVisible();
    await expect(page.getByTestId('env-form-created')).toHaveCount(0);
    await page.getByTestId('env-form-submit').click();
    await expect(page.getByTestId('env-form-created')).toContainText('New group “north”');
    await expect(page).toHaveURL(/#\/environments\/\d+$/);
    const envId = Number(/#\/environments\/(\d+)$/.exec(page.url())![1]);

    // "Add another" opens an empty form; so does "Add environment" from the list.
    await page.getByTestId('env-form-another').click();
    await expect(page).toHaveURL(/#\/environments\/new$/);
    await expect(page.getByTestId('env-form-name')).toHaveValue('');
    await expect(page.getByTestId('env-form-created')).toHaveCount(0);
    await page.getByRole('link', { name: '← Environments' }).click();
    await page.getByTestId('env-add').click();
    await expect(page.getByTestId('env-form-name')).toHaveValue('');
    await expect(page).toHaveURL(/#\/environments\/new$/);

    // Details: the token names this server; a simulated agent started here checks in.
    await page.goto(`${run.app.origin}/#/environments/${envId}`);
    await page.reload();
    const before = await tokenOf(page);
    await expect(page.getByTestId('env-warning').filter({ hasText: 'not where this server' })).toHaveCount(0);
    await page.getByTestId('env-start-agent').click();
    await expect(page.getByTestId('env-sim-agent')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('env-state')).toHaveAttribute('data-phase', /alive|tunnel-verified/, { timeout: 30_000 });

    // Edit: a new tag typed with Enter stays in the open dialog and is created on Save.
    await page.getByTestId('env-edit-open').click();
    await page.getByTestId('env-edit-tags').fill('green');
    await page.getByTestId('env-edit-tags').press('Enter');
    await expect(page.getByTestId('env-edit')).toContainText('New tag: green — created when you save');
    await page.getByTestId('env-edit-save').click();
    await expect(page.getByTestId('env-summary')).toContainText('tags blue, green');

    // Simulator: the environment is there; its agent polls with the details page's Edge ID, not "sim-agent".
    const firstUrl = await simUrl(page, run.app);
    expect(decodeEdgeKey(before).portainerUrl).toBe(firstUrl);
    await expect(page.getByTestId('agent-groups')).toContainText('tunnel-verified 1', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop all' }).click();

    // Restart `edgedeck serve` on the same data folder.
    await stop();
    stop = undefined;
    run = await startServe([], { dataDir });
    stop = run.stop;
    await page.goto(run.app.url);
    expect(await simUrl(page, run.app)).toBe(firstUrl);
    await page.goto(`${run.app.origin}/#/environments/${envId}`);
    await expect(page.getByTestId('env-name')).toHaveText('journey-1');
    expect(await tokenOf(page)).toBe(before);
    await expect(page.getByTestId('env-warning').filter({ hasText: 'not where this server' })).toHaveCount(0);
    await page.getByTestId('env-start-agent').click();
    await expect(page.getByTestId('env-sim-agent')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('env-sim-agent')).toContainText(/polls?/);
    await expect(page.getByTestId('env-sim-agent-error')).toHaveCount(0);

    // Another program takes the kept API port: the server moves, the app names the environment whose token changed.
    await stop();
    stop = undefined;
    squatter = await new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(Number(new URL(firstUrl).port), '127.0.0.1', () => resolve(s));
    });
    run = await startServe([], { dataDir });
    stop = run.stop;
    await page.goto(run.app.url);
    const moved = page.getByTestId('sim-moved');
    await expect(moved).toContainText('The local server moved to new ports');
    await expect(moved).toContainText(firstUrl);
    await expect(page.getByTestId('sim-moved-environments')).toHaveText('journey-1');
    await page.getByTestId('sim-moved-environments').getByRole('link', { name: 'journey-1' }).click();
    const after = await tokenOf(page);
    expect(after).not.toBe(before);
    const secondUrl = await simUrl(page, run.app);
    expect(secondUrl).not.toBe(firstUrl);
    expect(decodeEdgeKey(after).portainerUrl).toBe(secondUrl);
  } finally {
    await stop?.();
    squatter?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
