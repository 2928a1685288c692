import { expect, test } from './serveFixture';
import { shot } from './shots';

// The Install screen against a real `edgedeck serve` (embedded local server): a target where
// nothing listens (loopback port 1) fails with the reason and what to do, the summary offers a
// retry, and the run survives navigating away and back.
test.use({ viewport: { width: 1360, height: 900 } });

test('install on a host that refuses SSH: the host fails with a clear reason, the summary shows, the page keeps its state', async ({ page, served }) => {
  test.setTimeout(120_000);
  await page.goto(served.url);
  await expect(page.getByTestId('server-badge')).toHaveText('Local simulator — not a production server');
  await page.getByTestId('nav-install').click();
  await expect(page).toHaveURL(/#\/install$/);
  await expect(page.getByTestId('install-page')).toBeVisible();

  // A bad line is refused with the reason; a good one is added with Enter.
  const input = page.getByTestId('install-target-input');
  await input.fill('nobody@127.0.0.1:70000');
  await input.press('Enter');
  await expect(page.getByText('"70000" is not a port (1-65535).')).toBeVisible();
  await input.fill('nobody@127.0.0.1:1');
  await input.press('Enter');
  await expect(page.getByTestId('install-target-row')).toHaveCount(1);
  await expect(page.getByTestId('install-target-row')).toContainText('nobody@127.0.0.1:1');

  // Create one environment per host; Nomad is off with the reason (not over SSH).
  await page.getByTestId('install-env-mode').getByText('Create one per host').click();
  await expect(page.getByTestId('install-name-template')).toHaveValue('{host}');
  await expect(page.getByTestId('install-platform')).toContainText('Not over SSH');
  await shot(page, 'install-form');
  await page.getByTestId('install-start').click();

  // The run: one host row that fails with "connection refused" and says what to do.
  const row = page.locator('[data-testid="install-host-row"][data-target="nobody@127.0.0.1:1"]');
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(row.getByTestId('install-host-reason')).toContainText('connection refused');
  await expect(row.getByTestId('install-host-fix')).toContainText('What to do:');
  const summary = page.getByTestId('install-summary');
  await expect(summary).toBeVisible();
  await expect(page.getByTestId('install-count-failed')).toHaveText('1 failed');
  await expect(page.getByTestId('install-retry')).toBeVisible();
  await expect(page.getByTestId('install-status')).toHaveText('run finished');
  // The live log (xterm, loaded on demand) shows the host's steps.
  await expect(page.getByTestId('install-log-terminal')).toContainText('== connect');
  await expect(page.getByTestId('install-log-terminal')).toContainText('connection refused');
  // The terminal is as wide as its box, not xterm's 80 columns: long lines do not break mid-word (issue #11 item 15).
  const terminal = page.getByTestId('install-log-terminal');
  const { cols, boxWidth, charWidth } = await terminal.evaluate((el) => {
    const screen = el.querySelector('.xterm-screen') as HTMLElement;
    return { cols: Number(el.getAttribute('data-cols')), boxWidth: el.clientWidth, charWidth: screen.clientWidth / Number(el.getAttribute('data-cols') || 1) };
  });
  expect(cols).toBeGreaterThan(80);
  // Filled to within a few columns of the box (padding and the scrollbar take the rest).
  expect(cols * charWidth).toBeGreaterThan(boxWidth - 40 - charWidth * 4);
  await page.setViewportSize({ width: 1100, height: 900 });
  await expect.poll(async () => Number(await terminal.getAttribute('data-cols'))).toBeLessThan(cols);
  await page.setViewportSize({ width: 1360, height: 900 });
  await expect.poll(async () => Number(await terminal.getAttribute('data-cols'))).toBe(cols);
  await shot(page, 'install-failed-host');

  // Away and back: the same run, rows, summary and log.
  await page.getByTestId('nav-environments').click();
  await expect(page.getByTestId('env-list')).toBeVisible();
  await page.getByTestId('nav-install').click();
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('install-count-failed')).toHaveText('1 failed');
  await expect(page.getByTestId('install-log-terminal')).toContainText('connection refused');

  // The run is listed under Past runs, with its transcript.
  await expect(page.getByTestId('install-past-run')).toHaveCount(1);
  await page.getByTestId('install-past-run-open').click();
  await page.getByTestId('install-transcript-open').click();
  await expect(page.getByTestId('install-transcript')).toContainText('connection refused');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // Retry failed and not-started: the same run again, the host fails again.
  await page.getByTestId('install-retry').click();
  await expect(page.getByTestId('install-status')).toHaveText(/running|run finished/);
  await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(page.getByTestId('install-summary')).toBeVisible();
  await expect(page.getByTestId('install-past-run')).toHaveCount(1);
});

test('auto-onboarding metadata on the Install screen: picked and new names go to main as the ids of EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const tag = `imeta${Date.now() % 100000}`;
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const call = async (name: string, data: object = {}) => {
    const body = await (await rpc.post(`${served.origin}/rpc/${name}`, { data })).json();
    expect(body.ok, `${name}: ${JSON.stringify(body)}`).toBe(true);
    return body.data;
  };
  try {
    const shops = await call('edgeGroups:create', { name: `${tag}-shops` });
    const group = await call('groups:create', { name: `${tag}-stores` });
    const north = await call('tags:create', { name: `${tag}-north` });

    await page.goto(served.url);
    await page.getByTestId('nav-install').click();
    const input = page.getByTestId('install-target-input');
    await input.fill('nobody@127.0.0.1:1');
    await input.press('Enter');
    await page.getByTestId('install-meta-on').check();
    await expect(page.getByTestId('install-meta-fields')).toContainText('Used only when the agent enrols with a global key (auto-onboarding)');
    for (const n of [`${tag}-shops`, `${tag}-new`]) {
      await page.getByTestId('install-meta-edge-groups').fill(n);
      await page.getByTestId('install-meta-edge-groups').press('Enter');
    }
    await page.getByTestId('install-meta-group').fill(`${tag}-stores`);
    await page.getByTestId('install-meta-tags').fill(`${tag}-north`);
    await page.getByTestId('install-meta-tags').press('Enter');
    // The variables of the known names, as the core builder writes them; the new one after creation.
    await expect(page.getByTestId('install-meta-preview')).toContainText(`EDGE_GROUPS=${shops.id}PORTAINER_GROUP=${group.id}PORTAINER_TAGS=${north.id}`);
    await expect(page.getByTestId('install-meta-preview')).toContainText(`once created: Edge group “${tag}-new”`);

    // A dry run creates nothing, so it refuses the new name and says why.
    await page.getByTestId('install-mode').getByText('Dry run').click();
    await page.getByTestId('install-start').click();
    await expect(page.getByTestId('install-meta-error')).toContainText(`Edge group “${tag}-new” does not exist on the server yet`);
    expect((await call('edgeGroups:list')).edgeGroups.some((g: { name: string }) => g.name === `${tag}-new`)).toBe(false);

    // The install creates it, and main gets the ids (the run then fails on the refusing host, as above).
    await page.getByTestId('install-mode').getByText('Install', { exact: true }).click();
    const sent = page.waitForRequest((r) => r.url().endsWith('/rpc/ssh:install') && r.method() === 'POST');
    await page.getByTestId('install-start').click();
    const body = (await sent).postDataJSON();
    const created = (await call('edgeGroups:list')).edgeGroups.find((g: { name: string }) => g.name === `${tag}-new`);
    expect(created, 'the new Edge group was created on the server').toBeTruthy();
    expect(body.meta).toEqual({ edgeGroupIds: [shops.id, created.id], groupId: group.id, tagIds: [north.id] });
    const row = page.locator('[data-testid="install-host-row"][data-target="nobody@127.0.0.1:1"]');
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  } finally {
    await rpc.dispose();
  }
});
