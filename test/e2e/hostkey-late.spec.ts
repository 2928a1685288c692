import { expect, test } from '@playwright/test';
import { startLateAnswerBed, type LateAnswerBed } from '../fixtures/ssh/lateAnswerBed';
import { startServe, type ServedApp } from './serveProcess';

// Issue #11 item 1 in real Chromium against `edgedeck serve` and real OpenSSH sshd on loopback:
// the "Unknown host key" dialog left open longer than the 20 s handshake budget. Time in the
// dialog is not the host's silence; a host that gives up waiting (LoginGraceTime) ends the
// question "not answered in time" and takes the dialog away; a second target that accepts TCP
// but never speaks SSH times out on its own; the backend stays up through all of it.
test.use({ viewport: { width: 1360, height: 900 } });

let bed: LateAnswerBed;
// Its own `serve` (own data folder): the runs these tests leave must not show up under another
// spec's Past runs, as they would through the worker-wide fixture.
let served: ServedApp;
let stopServe: (() => Promise<void>) | undefined;

// patient: waits 60 s for a login, long enough for an answer after the app's 20 s budget; impatient: gives up after 3 s.
test.beforeAll(async () => {
  bed = await startLateAnswerBed({ patientGraceS: 60, impatientGraceS: 3 });
  const started = await startServe();
  served = started.app;
  stopServe = started.stop;
});

test.afterAll(async () => {
  await stopServe?.();
  await bed?.stop();
});

async function addTargets(page: import('@playwright/test').Page, targets: string[]) {
  const input = page.getByTestId('install-target-input');
  for (const t of targets) {
    await input.fill(t);
    await input.press('Enter');
  }
  await expect(page.getByTestId('install-target-row')).toHaveCount(targets.length);
}

test('host-key dialog answered after the handshake budget: the connection still succeeds; a silent second target times out by itself', async ({ page }) => {
  test.setTimeout(120_000);
  const keyTarget = `${bed.users.key.name}@127.0.0.1:${bed.patient.port}`;
  const silentTarget = `${bed.users.key.name}@127.0.0.1:${bed.silentPort}`;
  await page.goto(served.url);
  await page.getByTestId('nav-install').click();
  await addTargets(page, [keyTarget, silentTarget]);
  await page.getByTestId('install-identity').fill(bed.key.path);
  await page.getByTestId('install-test-connection').click();

  const dialog = page.getByTestId('install-prompt-host-key');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('install-prompt-fingerprint')).toHaveText(/^SHA256:/);
  // A person takes their time: past the 20 s budget the silent target has failed, the dialog is still there.
  const silentRow = page.locator(`[data-testid="install-conn-result"][data-target="${silentTarget}"]`);
  await page.waitForTimeout(23_000);
  await expect(dialog).toBeVisible();
  await page.getByTestId('install-prompt-once').click();

  const keyRow = page.locator(`[data-testid="install-conn-result"][data-target="${keyTarget}"]`);
  await expect(keyRow).toHaveAttribute('data-status', /ok|warn/, { timeout: 30_000 });
  await expect(silentRow).toHaveAttribute('data-status', 'failed');
  await expect(silentRow.getByTestId('install-conn-reason')).toContainText('did not complete the SSH handshake within 20 s');
  expect(served.stderr()).not.toMatch(/_destruct|TypeError/);
});

test('host-key dialog left open until the host gives up: the row says the question was not answered in time, the dialog goes away, the app lives on', async ({ page }) => {
  test.setTimeout(120_000);
  const keyTarget = `${bed.users.key.name}@127.0.0.1:${bed.impatient.port}`;
  await page.goto(served.url);
  await page.getByTestId('nav-install').click();
  await addTargets(page, [keyTarget]);
  await page.getByTestId('install-identity').fill(bed.key.path);
  await page.getByTestId('install-test-connection').click();

  const dialog = page.getByTestId('install-prompt-host-key');
  await expect(dialog).toBeVisible();
  // Nobody answers: sshd's 3 s LoginGraceTime ends the wait; the question is withdrawn.
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const row = page.locator(`[data-testid="install-conn-result"][data-target="${keyTarget}"]`);
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('install-conn-reason')).toContainText('host-key question');
  await expect(row.getByTestId('install-conn-reason')).toContainText('was not answered in time');
  await expect(row.getByTestId('install-conn-reason')).not.toContainText('did not answer');

  // The backend is still there: a new test gets its own question, answered in time this time.
  await page.getByTestId('install-test-connection').click();
  await expect(page.getByTestId('install-prompt-host-key')).toBeVisible();
  await page.getByTestId('install-prompt-once').click();
  await expect(row).toHaveAttribute('data-status', /ok|warn/, { timeout: 30_000 });
  expect(served.stderr()).not.toMatch(/_destruct|TypeError/);
});
