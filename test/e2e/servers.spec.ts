import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './serveFixture';
import { firstJsonLine, shot, startCli, type Child } from './shots';

// A second, separate local server added through the UI: certificate prompt, pin, connect; then
// the same address comes back with another certificate and the app refuses loudly.
test.use({ viewport: { width: 1360, height: 900 } });

const PASSWORD = 'e2e-Secret-password-1';

function sim(port: number, dataDir: string): Child {
  // The password by environment variable, as the CLI asks: argv is visible to other local users (ps).
  return startCli(['sim', '--port', String(port), '--tunnel-port', '0', '--data', dataDir], { EDGEDECK_ADMIN_PASSWORD: PASSWORD });
}

test('add a second server with a pinned certificate; a changed certificate is refused naming both fingerprints', async ({ page, served }) => {
  test.setTimeout(150_000);
  const dirs = [mkdtempSync(join(tmpdir(), 'edgedeck-sim-a-')), mkdtempSync(join(tmpdir(), 'edgedeck-sim-b-'))];
  let first: Child | undefined;
  let second: Child | undefined;
  try {
    first = sim(0, dirs[0]!);
    const { url } = await firstJsonLine<{ url: string }>(first);
    const port = Number(new URL(url).port);

    await page.goto(served.url);
    await page.getByTestId('nav-settings').click();
    const profiles = page.getByTestId('server-profile');
    await expect(profiles.first()).toContainText('Local simulator');
    await expect(profiles.first().getByTestId('server-local-flag')).toHaveText('Local simulator — not a production server');

    // http:// on a port that answers TLS: the app says so and offers the https:// address in one click (issue #11 item 14).
    await page.getByTestId('server-add').click();
    await page.getByTestId('server-form-url').fill(url.replace('https://', 'http://'));
    await page.getByTestId('server-form-probe').click();
    await expect(page.getByText(`Port ${port} answered a TLS handshake`)).toBeVisible();
    await page.getByTestId('server-form-use-https').click();
    // Address → certificate prompt.
    await expect(page.getByTestId('cert-prompt')).toBeVisible();
    const pinned = (await page.getByTestId('cert-fingerprint').textContent())!.trim();
    expect(pinned).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    await expect(page.getByTestId('cert-fields')).toContainText('Expires');
    await expect(page.getByTestId('cert-insecure')).toHaveText('Skip verification (insecure)');
    await shot(page, 'server-certificate');
    await page.getByTestId('cert-pin').click();

    // Serve mode keeps secrets in memory only: no "remember" is offered, the form says so (issue #11 item 17).
    await expect(page.getByTestId('server-form-remember')).toHaveCount(0);
    await expect(page.getByTestId('server-form-session-only')).toContainText('kept for this session only');
    // Adding asks whether the new server becomes the active one.
    await expect(page.getByTestId('server-form-activate')).toBeChecked();

    // A wrong password is shown on the password field.
    await page.getByTestId('server-form-name').fill('Second sim');
    await page.getByTestId('server-form-username').fill('admin');
    await page.getByTestId('server-form-password').fill('not-the-password');
    await page.getByTestId('server-form-submit').click();
    await expect(page.getByText('Wrong username or password.')).toBeVisible();

    await page.getByTestId('server-form-password').fill(PASSWORD);
    await page.getByTestId('server-form-submit').click();
    await expect(page.getByTestId('server-form-version')).toContainText('Portainer 2.23.0');
    await expect(page.getByTestId('server-form-active-note')).toContainText('Second sim is now the active server, in place of Local simulator');
    await expect(page.getByTestId('server-form-switch-back')).toHaveText('Switch back to Local simulator');
    await page.getByTestId('server-form-close').click();

    const card = profiles.filter({ hasText: 'Second sim' });
    await expect(card.getByTestId('server-profile-version')).toHaveText(/Portainer 2\.23\.0/);
    await expect(card).toContainText('certificate pinned');
    await expect(page.getByTestId('server-badge')).toHaveText('Second sim · 2.23.0');

    // The same address, a new certificate (another data folder): refused, both fingerprints named.
    await first.stop();
    second = sim(port, dirs[1]!);
    await firstJsonLine(second);
    await card.getByTestId('server-check').click();
    const alert = card.getByTestId('tls-changed');
    await expect(alert).toBeVisible();
    await expect(alert.getByTestId('tls-old-fingerprint')).toHaveText(pinned);
    const presented = (await alert.getByTestId('tls-new-fingerprint').textContent())!.trim();
    expect(presented).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(presented).not.toBe(pinned);
    await expect(page.getByTestId('server-badge')).toContainText('certificate changed — refused');
    await shot(page, 'server-certificate-changed');

    // Back to the local simulator through the header picker.
    await page.getByTestId('server-picker').click();
    await page.getByTestId('server-pick-local').click();
    await expect(page.getByTestId('server-badge')).toHaveText('Local simulator — not a production server');
  } finally {
    await first?.stop();
    await second?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
