import { expect, test } from './serveFixture';

// The embedded local server and simulated agents, through the Simulator page: an agent polls,
// gets REQUIRED, opens the chisel tunnel, and the server reaches its /ping through it.
test('the Simulator page runs agents that check in and verify their tunnel', async ({ page, served, playwright }) => {
  // The environment is created through the contract over the bridge, as any client could.
  const rpc = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const created = await (await rpc.post(`${served.origin}/rpc/environments:create`, { data: { name: 'sim-e2e', pollSeconds: 5 } })).json();
  expect(created.ok, JSON.stringify(created)).toBe(true);
  await rpc.dispose();

  await page.goto(served.url);
  await page.getByTestId('nav-simulator').click();
  await expect(page.getByTestId('sim-running')).toContainText(/running/i);
  await expect(page.getByTestId('sim-url')).toHaveValue(/^https:\/\/127\.0\.0\.1:\d+$/);

  await page.getByRole('button', { name: 'Refresh environments' }).click();
  await page.getByLabel('Use sim-e2e').check();
  await page.getByRole('button', { name: 'Start agents' }).click();

  const groups = page.getByTestId('agent-groups');
  await expect(groups).toContainText('tunnel-verified 1', { timeout: 30_000 });
  // Live poll samples arrive over the event socket.
  await expect(page.getByTestId('poll-timeline')).toContainText('200');

  // State survives leaving the page and coming back.
  await page.getByTestId('nav-inspector').click();
  await page.getByTestId('nav-simulator').click();
  await expect(page.getByTestId('agent-groups')).toContainText('tunnel-verified 1');

  await page.getByRole('button', { name: 'Stop all' }).click();
  await expect(page.getByText('No agents running.')).toBeVisible();
});
