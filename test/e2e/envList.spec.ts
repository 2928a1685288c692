import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { startServe, type ServedApp } from './serveProcess';

// Issue #11 items 7, 13, 16 and "also expected" (bulk actions, click-to-sort), in real Chromium
// against a real `edgedeck serve` and its embedded Portainer-compatible server, at 1024 px.
// Its own serve: the totals asserted here must not see other specs' environments.
test.use({ viewport: { width: 1024, height: 768 } });

let served: ServedApp;
let stopServe: (() => Promise<void>) | undefined;
let rpc: APIRequestContext;

test.beforeAll(async ({ playwright }) => {
  const started = await startServe();
  served = started.app;
  stopServe = started.stop;
  rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
});

test.afterAll(async () => {
  await rpc?.dispose();
  await stopServe?.();
});

async function call<T = Record<string, unknown>>(name: string, data: unknown): Promise<{ ok: boolean; data: T; error?: { message: string; field?: string } }> {
  return (await rpc.post(`${served.origin}/rpc/${name}`, { data })).json();
}

async function createEnvs(prefix: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) {
    const r = await call<{ environment: { id: number } }>('environments:create', { name: `${prefix}-${String(i).padStart(3, '0')}` });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    ids.push(r.data.environment.id);
  }
  return ids;
}

/** Sideways overflow of the page and of the list box (0 when everything fits). */
async function overflow(page: Page): Promise<{ doc: number; list: number }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const list = document.querySelector('[data-testid="env-list-scroll"]') as HTMLElement | null;
    return { doc: root.scrollWidth - root.clientWidth, list: list ? list.scrollWidth - list.clientWidth : -1 };
  });
}

test('1024 px: one scroll box, every column in it; select all matching; sort; bulk group change and bulk delete with confirmation; the sidebar folds', async ({ page }) => {
  test.setTimeout(240_000);
  const target = await call<{ id: number }>('groups:create', { name: 'bulk-target' });
  expect(target.ok).toBe(true);
  await createEnvs('bulk', 35);

  await page.goto(served.url);
  await expect(page.getByTestId('env-total')).toHaveText('35 environments');
  await expect(page.getByTestId('env-row').first()).toBeVisible();

  // Layout at 1024 px with the sidebar open: nothing scrolls sideways, every header is inside the box.
  expect(await overflow(page)).toEqual({ doc: 0, list: 0 });
  const box = (await page.getByTestId('env-list-scroll').boundingBox())!;
  for (const header of await page.getByRole('columnheader').all()) {
    const b = (await header.boundingBox())!;
    expect(b.x + b.width, (await header.textContent()) ?? '').toBeLessThanOrEqual(box.x + box.width + 0.5);
  }
  for (const label of ['Name', 'Group', 'Tags', 'Platform', 'Agent', 'Connection', 'Last check-in']) await expect(page.getByRole('columnheader', { name: label })).toBeVisible();
  await expect(page.getByTestId('env-row-platform').first()).toHaveText('Docker');

  // The count is on screen before anything is selected; "rows in view" selects the rendered rows only.
  await expect(page.getByTestId('env-selected-count')).toHaveText('0 selected');
  const rendered = await page.getByTestId('env-row').count();
  expect(rendered).toBeLessThan(35);
  await page.getByTestId('env-select-loaded').check();
  await expect(page.getByTestId('env-selected-count')).toHaveText(`${rendered} selected`);
  await page.getByTestId('env-select-all').click();
  await expect(page.getByTestId('env-selected-count')).toHaveText('35 selected');

  // Click-to-sort, keyboard too, with aria-sort.
  const nameHeader = page.getByTestId('env-col-name');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByTestId('env-row-name').first()).toHaveText('bulk-001');
  await page.getByTestId('env-sort-name').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('env-row-name').first()).toHaveText('bulk-035');
  await page.getByTestId('env-sort-name').focus();
  await page.keyboard.press('Enter');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByTestId('env-row-name').first()).toHaveText('bulk-001');

  // Bulk group change of all 35 (most never rendered): the dialog lists each change before anything is sent.
  await page.getByTestId('env-bulk-group-tags').click();
  await page.getByTestId('bulk-group').click();
  await page.getByRole('option', { name: 'bulk-target' }).click();
  await page.getByTestId('bulk-review').click();
  await expect(page.getByTestId('bulk-item')).toHaveCount(35);
  await expect(page.getByTestId('bulk-item').first()).toContainText('group Unassigned → bulk-target');
  expect((await call<{ total: number }>('environments:list', { groupIds: [target.data.id] })).data.total).toBe(0);
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('bulk-progress')).toHaveText('35 of 35 handled: 35 done', { timeout: 60_000 });
  await expect(page.getByTestId('bulk-failures')).toHaveCount(0);
  await page.getByTestId('bulk-close').click();
  expect((await call<{ total: number }>('environments:list', { groupIds: [target.data.id] })).data.total).toBe(35);

  // Bulk delete of three, confirmed by name.
  await page.getByTestId('env-clear-selection').click();
  await expect(page.getByTestId('env-selected-count')).toHaveText('0 selected');
  const boxes = page.getByTestId('env-row-select');
  for (let i = 0; i < 3; i++) await boxes.nth(i).check();
  await expect(page.getByTestId('env-selected-count')).toHaveText('3 selected');
  await page.getByTestId('env-bulk-delete').click();
  await expect(page.getByTestId('bulk-item')).toHaveCount(3);
  await expect(page.getByTestId('bulk-items')).toContainText('bulk-001');
  await expect(page.getByTestId('bulk-items')).toContainText('bulk-003');
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('bulk-progress')).toHaveText('3 of 3 handled: 3 done', { timeout: 30_000 });
  await page.getByTestId('bulk-close').click();
  await expect(page.getByTestId('env-total')).toHaveText('32 environments');
  await expect(page.getByTestId('env-selected-count')).toHaveText('0 selected');
  const left = await call<{ items: { name: string }[]; total: number }>('environments:list', { search: 'bulk-00', sort: 'Name', order: 'asc' });
  expect(left.data.items.map((e) => e.name)).toEqual(['bulk-004', 'bulk-005', 'bulk-006', 'bulk-007', 'bulk-008', 'bulk-009']);

  // The sidebar folds from the keyboard, the list takes the room, and it stays folded after a reload.
  const navbar = page.getByTestId('navbar');
  const toggle = page.getByTestId('nav-toggle');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const narrow = box.width;
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(navbar).toHaveAttribute('data-collapsed', 'true');
  await expect.poll(async () => (await page.getByTestId('env-list-scroll').boundingBox())!.width).toBeGreaterThan(narrow + 200);
  await expect(page.getByTestId('nav-environments')).not.toBeInViewport();
  await page.reload();
  await expect(page.getByTestId('nav-toggle')).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('nav-environments')).not.toBeInViewport();
  await expect(page.getByTestId('env-row').first()).toBeVisible();
  expect(await overflow(page)).toEqual({ doc: 0, list: 0 });
  await page.getByTestId('nav-toggle').click();
  await expect(page.getByTestId('nav-environments')).toBeInViewport();
});

test('a 256-character name is cut with an ellipsis and shown whole in a tooltip; the limit is said in words', async ({ page }) => {
  test.setTimeout(120_000);
  const long = `long-${'x'.repeat(240)}-end-of-name`.slice(0, 256);
  expect(long).toHaveLength(256);
  const created = await call<{ environment: { id: number } }>('environments:create', { name: long });
  expect(created.ok, JSON.stringify(created)).toBe(true);
  const id = created.data.environment.id;
  const tooLong = await call('environments:create', { name: `${long}z` });
  expect(tooLong.error).toEqual({ code: 'invalid_input', field: 'name', message: 'Name: at most 256 characters; this one has 257. Shorten it.' });

  await page.goto(served.url);
  await page.getByTestId('env-search').fill('long-x');
  await expect(page.getByTestId('env-total')).toHaveText('1 matching');
  const cell = page.getByTestId('env-row-name');
  await expect(cell).toHaveText(long);
  // Cut (its text is wider than its box), not widening the list or the page.
  expect(await cell.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect.poll(() => overflow(page)).toEqual({ doc: 0, list: 0 });
  await cell.hover();
  await expect(page.getByRole('tooltip')).toHaveText(long);

  // The details page was ~3,500 px wide.
  await page.goto(`${served.origin}/#/environments/${id}`);
  const title = page.getByTestId('env-name');
  await expect(title).toHaveText(long);
  // Measured once the whole page is there (the install commands come last).
  await expect(page.getByTestId('env-command')).toBeVisible();
  expect(await title.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await title.hover();
  await expect(page.getByRole('tooltip')).toHaveText(long);

  // The edit dialog's name field holds at most the limit and says it.
  await page.getByTestId('env-edit-open').click();
  const editName = page.getByTestId('env-edit-name');
  await expect(editName).toHaveAttribute('maxlength', '256');
  await expect(page.getByTestId('env-edit')).toContainText('256 of 256 characters: the limit');
  await page.keyboard.press('Escape');

  // So does the add form's.
  await page.goto(`${served.origin}/#/environments/new`);
  const addName = page.getByTestId('env-form-name');
  await expect(addName).toHaveAttribute('maxlength', '256');
  await expect(page.getByTestId('env-form')).toContainText('Name: at most 256 characters');

  // The Export page's table cuts it too.
  await page.goto(`${served.origin}/#/export`);
  await page.getByTestId('export-search').fill('long-x');
  await expect(page.getByTestId('export-env-name')).toHaveCount(1);
  const exportName = page.getByTestId('export-env-name');
  await expect(exportName).toHaveText(long);
  expect(await exportName.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
});
