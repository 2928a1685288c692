import { buildInstallCommand } from '../../src-main/shared/domain/installCommands';
import { decodeEdgeKey, encodeEdgeKey } from '../../src-main/shared/domain/edgeKey';
import { expect, test } from './serveFixture';
import { shot, startCli, type Child } from './shots';

// A new user's first environment, end to end: real Chromium, a real `edgedeck serve` with its
// embedded local server, and a simulated agent process using the token and Edge ID the UI shows.
test.use({ viewport: { width: 1360, height: 900 } });

test('add an Edge environment, install an agent, watch it come alive, edit, disassociate, delete', async ({ page, served }) => {
  test.setTimeout(150_000);
  const name = `edge-e2e-${Date.now() % 100000}`;
  let agent: Child | undefined;
  try {
    await page.goto(served.url);
    // The local server is connected and flagged as such.
    await expect(page.getByTestId('server-badge')).toHaveText('Local simulator — not a production server');
    await expect(page.getByTestId('env-list')).toBeVisible();
    await expect(page.getByTestId('env-total')).toHaveText(/^0 environments$/);

    // Add form: a NEW group, two NEW tags, 10 s poll.
    await page.getByTestId('env-add').click();
    await expect(page).toHaveURL(/#\/environments\/new$/);
    const url = page.getByTestId('env-form-url');
    await expect(url).toHaveValue(/^https:\/\/127\.0\.0\.1:\d+$/);
    const prefilledUrl = await url.inputValue();
    await expect(page.getByTestId('env-form-url-warning')).toContainText('loopback');
    // localhost is refused with the reason, before anything is sent.
    await url.fill('https://localhost:9443');
    await expect(page.getByText(/Portainer refuses "localhost"/)).toBeVisible();
    await url.fill(prefilledUrl);
    await page.getByTestId('env-form-name').fill(name);
    await page.getByTestId('env-form-poll').click();
    await page.getByRole('option', { name: '10 s', exact: true }).click();
    await page.getByTestId('env-form-group').fill('e2e-group');
    const tags = page.getByTestId('env-form-tags');
    await tags.fill('alpha');
    await tags.press('Enter');
    await tags.fill('beta');
    await tags.press('Enter');
    await expect(page.getByText('New tags: alpha, beta — created with the environment')).toBeVisible();
    await expect(page.getByText('New group “e2e-group” — created with the environment')).toBeVisible();
    await shot(page, 'add-environment');
    await page.getByTestId('env-form-submit').click();

    // Read-only form, then the details.
    const created = page.getByTestId('env-form-created');
    await expect(created).toContainText('New group “e2e-group”');
    await expect(created).toContainText('New tags: alpha, beta');
    await expect(page.getByTestId('env-form-name')).toHaveAttribute('readonly', '');
    await expect(page).toHaveURL(/#\/environments\/\d+$/);
    const envId = Number(/#\/environments\/(\d+)$/.exec(page.url())![1]);

    // The token is hidden until revealed.
    const token = page.getByTestId('env-token');
    await expect(token).toHaveAttribute('type', 'password');
    await page.getByRole('button', { name: 'Show or hide join token (edge key)' }).click();
    await expect(token).toHaveAttribute('type', 'text');
    const key = await token.inputValue();
    expect(decodeEdgeKey(key).environmentId).toBe(envId);
    const edgeId = await page.getByTestId('env-edge-id').inputValue();
    expect(edgeId).toMatch(/^[0-9a-f-]{36}$/);

    // The Docker Standalone (Linux) command, exactly Portainer's text, insecure poll on (pinned self-signed).
    await expect(page.getByTestId('env-platform-standalone')).toHaveAttribute('aria-selected', 'true');
    const expected = buildInstallCommand({ platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: key, edgeId, insecurePoll: true });
    await expect.poll(() => page.getByTestId('env-command').evaluate((el) => el.textContent)).toBe(expected);
    await expect(page.getByTestId('env-state')).toHaveAttribute('data-phase', 'waiting');

    // The same Edge ID on the details page proper (a fresh visit).
    await page.goto(`${served.origin}/#/environments/${envId}`);
    await page.reload();
    await expect(page.getByTestId('env-form-created')).toHaveCount(0);
    await expect(page.getByTestId('env-edge-id')).toHaveValue(edgeId);
    await expect(page.getByTestId('env-summary')).toContainText('group e2e-group');
    await expect(page.getByTestId('env-summary')).toContainText('tags alpha, beta');
    await expect(page.getByTestId('env-poll')).toHaveText('every 10 s');

    // An agent process with exactly that token and Edge ID.
    // (--duration keeps the process alive: without it `edgedeck agents` exits once started, see the report.)
    // The join token by environment variable, never argv (other local users see argv in ps).
    agent = startCli(['agents', '--edge-id', edgeId, '--insecure-poll', '--duration', '600'], { EDGEDECK_EDGE_KEY: key });
    await expect.poll(() => `${agent!.out()}${agent!.err()}`, { timeout: 30_000, message: `agent: ${key} ${edgeId}; serve log:\n${served.stderr().slice(-3000)}` }).toContain('first poll');
    const state = page.getByTestId('env-state');
    await expect(state).toHaveAttribute('data-phase', /alive|tunnel-verified/, { timeout: 30_000 });
    await expect(state).toContainText('Heartbeat alive');
    await expect(page.getByTestId('env-lost-in')).toBeVisible();
    await expect(state).toHaveAttribute('data-phase', 'tunnel-verified', { timeout: 30_000 });
    await expect(page.getByTestId('env-state-summary')).toHaveText('Tunnel verified');
    await expect(state).toContainText(edgeId);
    await shot(page, 'environment-details');

    // Change the poll frequency.
    await page.getByTestId('env-edit-open').click();
    await page.getByTestId('env-edit-poll').click();
    await page.getByRole('option', { name: '30 s', exact: true }).click();
    await page.getByTestId('env-edit-save').click();
    await expect(page.getByTestId('env-poll')).toHaveText('every 30 s');

    // The list shows it, alive.
    await page.goto(`${served.origin}/#/environments`);
    const row = page.getByTestId('env-row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('env-row-state')).toHaveText('heartbeat alive');
    await expect(page.getByTestId('env-total')).toHaveText('1 environment');
    await shot(page, 'environments');
    await row.click();
    await expect(page).toHaveURL(new RegExp(`#/environments/${envId}$`));

    // Disassociate (the agent stops first, or it would claim the environment again at its next poll).
    await agent.stop();
    await page.getByTestId('env-disassociate').click();
    const dialog = page.getByTestId('env-disassociate-dialog');
    await expect(dialog).toContainText('invalid Edge identifier');
    await page.getByTestId('env-disassociate-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('env-state')).toHaveAttribute('data-phase', 'waiting');

    // Delete.
    await page.getByTestId('env-delete').click();
    await page.getByTestId('env-delete-dialog-confirm').click();
    await expect(page).toHaveURL(/#\/environments$/);
    await expect(page.getByTestId('env-total')).toHaveText('0 environments');
    await expect(page.getByTestId('env-row').filter({ hasText: name })).toHaveCount(0);
  } finally {
    await agent?.stop();
  }
});

// Runs every time as a check of the tool pages; it also photographs them when EDGEDECK_SCREENSHOTS=1.
test('the tool pages render with real data', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByTestId('nav-simulator').click();
  await expect(page.getByText('Local server').first()).toBeVisible();
  await shot(page, 'simulator');
  await page.getByTestId('nav-commands').click();
  const fingerprint = 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=';
  await page.getByTestId('command-edge-key').fill(encodeEdgeKey({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'portainer.example.com:8000', tunnelFingerprint: fingerprint, environmentId: 12 }));
  await page.getByTestId('command-edge-id').fill('device-42');
  await expect(page.getByTestId('command-output')).toContainText('docker run');
  await shot(page, 'command-builder');
  await page.getByTestId('nav-inspector').click();
  await page.getByTestId('inspector-input').fill(encodeEdgeKey({ portainerUrl: 'https://10.0.0.5:9443', tunnelAddress: '10.0.0.5:8000', tunnelFingerprint: fingerprint, environmentId: 7 }));
  await expect(page.getByTestId('inspector-fields')).toBeVisible();
  await shot(page, 'inspector');
});
