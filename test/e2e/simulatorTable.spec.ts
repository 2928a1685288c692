import { expect, test } from './serveFixture';

// Issue #11 item 10: the Simulator page's environments table follows the server while it is open
// (an agent started elsewhere shows its heartbeat and verified tunnel without a reload), can be
// searched, and a 256-character name is cut short with the whole name on hover instead of pushing
// the columns off-screen. Real `edgedeck serve`, real Chromium, simulated agents over real HTTPS.
test.use({ viewport: { width: 1280, height: 900 } });

test('the Simulator environments table is live, searchable, and keeps its columns with a 256-character name', async ({ page, served, playwright }) => {
  test.setTimeout(120_000);
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const call = async (name: string, data: object) => {
    const r = await (await rpc.post(`${served.origin}/rpc/${name}`, { data })).json();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    return r.data;
  };
  try {
    const live = await call('environments:create', { name: 'live-table', pollSeconds: 5 });
    const longName = `long-${'x'.repeat(251)}`;
    expect(longName).toHaveLength(256);
    const long = await call('environments:create', { name: longName, pollSeconds: 5 });
    const liveId: number = live.environment.id;
    const longId: number = long.environment.id;

    await page.goto(`${served.origin}/?token=${served.token}#/simulator`);
    await expect(page.getByTestId('sim-running')).toHaveText('Running');
    const liveRow = page.getByTestId(`sim-env-${liveId}`);
    await expect(liveRow).toContainText('No heartbeat');

    // Columns stay on screen: the last header ends inside the viewport, the long name is cut with an ellipsis.
    const keyHeader = page.getByTestId('sim-env-table').getByRole('columnheader', { name: 'Key' });
    const box = (await keyHeader.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    const longCell = page.getByTestId(`sim-env-name-${longId}`);
    await expect(longCell).toHaveText(longName);
    const cut = await longCell.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflow: getComputedStyle(el).textOverflow }));
    expect(cut.overflow).toBe('ellipsis');
    expect(cut.scroll).toBeGreaterThan(cut.client);
    await longCell.hover();
    await expect(page.getByRole('tooltip').filter({ hasText: longName })).toBeVisible();

    // An agent started outside this page (as the details page or the CLI would): the row follows without a reload.
    await call('agents:start', { environmentId: liveId, count: 1, insecurePoll: true });
    await expect(liveRow.getByTestId(`sim-heartbeat-${liveId}`)).toHaveText('Heartbeat', { timeout: 30_000 });
    await expect(page.getByTestId(`sim-tunnel-${liveId}`)).toHaveText('Tunnel verified', { timeout: 30_000 });
    await expect(liveRow).toContainText(/\d+ s ago/);

    // Search by name (or Edge ID): only the matches stay; the count says so.
    const search = page.getByTestId('sim-env-search');
    await search.fill('LIVE-tab');
    await expect(page.getByTestId(`sim-env-${longId}`)).toHaveCount(0);
    await expect(liveRow).toBeVisible();
    await search.fill('xxxxxxxx');
    await expect(page.getByTestId(`sim-env-${longId}`)).toBeVisible();
    await expect(liveRow).toHaveCount(0);
    await search.fill('no such environment');
    await expect(page.getByTestId('sim-env-none')).toContainText('No environment matches “no such environment”');
    await search.fill('');
    await expect(liveRow).toBeVisible();
  } finally {
    await rpc.post(`${served.origin}/rpc/agents:stop`, { data: {} });
    await rpc.dispose();
  }
});
