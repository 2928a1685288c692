import { expect, test } from './serveFixture';
import { shot } from './shots';

// Issue #15's waiting-room journey in real Chromium through `edgedeck serve`: the Simulator page
// restarts the embedded server in its newest Business Edition profile with trust on first connect
// off; two simulated agents enrol with a global key (one sending Edge groups); both wait in the
// Waiting room; the admin trusts one with a group and tags, and its details show the tunnel
// verified; the other is stopped and rejected (deleted).
test.use({ viewport: { width: 1440, height: 900 } });

test('global-key devices wait for trust; trusted with a group and tags, one checks in with a verified tunnel; the other is rejected', async ({ page, served, playwright }) => {
  test.setTimeout(180_000);
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const call = async <T,>(name: string, data: unknown = {}): Promise<T> => {
    const r = (await (await rpc.post(`${served.origin}/rpc/${name}`, { data })).json()) as { ok: boolean; data: T };
    expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true);
    return r.data;
  };
  try {
    await page.goto(served.url);
    await page.getByTestId('nav-simulator').click();
    await expect(page.getByTestId('sim-running')).toHaveText('Running');

    // The server's profile is chosen on the Simulator page: stop, pick 2.45.0 Business, trust off, start.
    await page.getByRole('button', { name: 'Stop server' }).click();
    await expect(page.getByTestId('sim-running')).toHaveText('Stopped');
    await page.getByTestId('sim-portainer-version').fill('2.45.0');
    await page.getByRole('radiogroup', { name: 'Edition' }).getByText('Business').click();
    await page.getByLabel('Trust new devices on first connect').uncheck();
    await page.getByRole('button', { name: 'Start server' }).click();
    await expect(page.getByTestId('sim-running')).toHaveText('Running');
    await expect(page.getByText('It answers as Portainer 2.45.0 Business Edition.')).toBeVisible();

    // What the admin prepared on the server (through the app's contract, as any client could).
    const shops = await call<{ id: number }>('edgeGroups:create', { name: 'e2e-shops' });
    await call('groups:create', { name: 'e2e-stores' });
    await call('tags:create', { name: 'e2e-north' });
    const status = await call<{ url: string; tunnelAddress: string; fingerprint: string }>('sim:status');
    const { key: globalKey } = await call<{ key: string }>('key:encode', { portainerUrl: status.url, tunnelAddress: status.tunnelAddress, tunnelFingerprint: status.fingerprint, environmentId: 0 });

    // Two devices enrol with the global key from the Simulator page; the first sends EDGE_GROUPS.
    const startDevice = async (edgeId: string, edgeGroups: string) => {
      await page.getByLabel('Or a join token').fill(globalKey);
      await page.getByLabel('Edge ID', { exact: true }).fill(edgeId);
      await page.getByLabel('Edge groups (EDGE_GROUPS)').fill(edgeGroups);
      await page.getByRole('button', { name: 'Start agents' }).click();
    };
    await startDevice('wr-device-1', String(shops.id));
    await expect(page.getByTestId('agent-groups').locator('tbody tr')).toHaveCount(1);
    await startDevice('wr-device-2', '');
    await expect(page.getByTestId('agent-groups').locator('tbody tr')).toHaveCount(2);

    // Both wait: BE names a new environment after its Edge ID; the first shows the Edge group it sent.
    await page.getByTestId('nav-waiting').click();
    const row1 = page.locator('[data-testid^="waiting-row-"]', { hasText: 'wr-device-1' });
    const row2 = page.locator('[data-testid^="waiting-row-"]', { hasText: 'wr-device-2' });
    await expect(row1).toContainText('e2e-shops', { timeout: 30_000 });
    await expect(row2).toBeVisible({ timeout: 30_000 });
    const id1 = Number((await row1.getAttribute('data-testid'))!.replace('waiting-row-', ''));
    await shot(page, 'waiting-room');

    // Trust the first with a group and a tag.
    await page.getByLabel('Select wr-device-1').check();
    await page.getByTestId('waiting-group').click();
    await page.getByRole('option', { name: 'e2e-stores' }).click();
    await page.getByTestId('waiting-tags').click();
    await page.getByRole('option', { name: 'e2e-north' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('waiting-trust').click();
    await expect(row1).toHaveCount(0);
    await expect(row2).toBeVisible();

    // It checks in and its tunnel is verified, shown on its details page with the group and tag.
    await page.goto(`${served.origin}/#/environments/${id1}`);
    await expect(page.getByTestId('env-state')).toHaveAttribute('data-phase', 'tunnel-verified', { timeout: 60_000 });
    await expect(page.getByTestId('env-state-summary')).toHaveText('Tunnel verified');
    await expect(page.getByTestId('env-summary')).toContainText('group e2e-stores');
    await expect(page.getByTestId('env-summary')).toContainText('tags e2e-north');

    // The second device's agent is stopped, then the device is rejected, after an explicit confirmation.
    await page.getByTestId('nav-simulator').click();
    await page.getByTestId('agent-groups').locator('tbody tr', { hasText: '→ #' }).nth(1).getByRole('button', { name: /^Stop group/ }).click();
    await expect(page.getByTestId('agent-groups').locator('tbody tr')).toHaveCount(1);
    await page.getByTestId('nav-waiting').click();
    await page.getByLabel('Select wr-device-2').check();
    await page.getByTestId('waiting-reject').click();
    await expect(page.getByTestId('waiting-reject-confirm')).toContainText('wr-device-2');
    await page.getByTestId('waiting-reject-yes').click();
    await expect(page.getByTestId('waiting-empty')).toBeVisible();
    const left = await call<{ items: { name: string }[] }>('environments:list', { search: 'wr-device' });
    expect(left.items.map((e) => e.name)).toEqual(['wr-device-1']);
  } finally {
    await rpc.dispose();
  }
});
