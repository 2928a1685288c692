import { buildInstallCommand } from '../../src-main/shared/domain/installCommands';
import { encodeEdgeKey } from '../../src-main/shared/domain/edgeKey';
import { expect, test } from './serveFixture';

// The foundation, end to end: real Chromium against a real `edgedeck serve` process.
const key = encodeEdgeKey({
  portainerUrl: 'https://portainer.example.com:9443',
  tunnelAddress: 'portainer.example.com:8000',
  tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=',
  environmentId: 12,
});

test('the launch address signs the page in and drops the token from the address bar', async ({ page, served }) => {
  await page.goto(served.url);
  await expect(page.getByText('Edgedeck').first()).toBeVisible();
  expect(page.url()).not.toContain('token=');
  // The page works after a reload too: the token now lives in an HttpOnly cookie the page cannot read.
  await page.reload();
  await expect(page.getByTestId('nav-inspector')).toBeVisible();
  expect(await page.evaluate(() => document.cookie)).toBe('');
});

test('the join-token inspector decodes a key and explains a bad one', async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByTestId('nav-inspector').click();
  const input = page.getByTestId('inspector-input');
  await input.fill(key);
  const fields = page.getByTestId('inspector-fields');
  await expect(fields).toContainText('https://portainer.example.com:9443');
  await expect(fields).toContainText('portainer.example.com:8000');
  await expect(fields).toContainText('12');
  await input.fill('not-a-key');
  await expect(page.getByTestId('inspector-error')).toBeVisible();
  await expect(page.getByTestId('inspector-fields')).toHaveCount(0);
});

test('the command builder shows Portainer\'s exact text and copies it', async ({ page, served, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
  await page.goto(served.url);
  await page.getByTestId('nav-commands').click();
  await page.getByTestId('command-edge-key').fill(key);
  await page.getByTestId('command-edge-id').fill('device-42');
  const expected = buildInstallCommand({ platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: key, edgeId: 'device-42', insecurePoll: true });
  const output = page.getByTestId('command-output');
  await expect.poll(async () => output.evaluate((el) => el.textContent)).toBe(expected);
  await page.getByTestId('copy-command').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
  // Bad input is explained on the field, and the page keeps working.
  await page.getByTestId('command-edge-id').fill('bad\u0001id');
  await expect(page.getByText(/Edge ID/i).first()).toBeVisible();
});

test('the bridge refuses requests without the launch token', async ({ playwright, served }) => {
  const anonymous = await playwright.request.newContext();
  const page = await anonymous.get(`${served.origin}/`);
  expect(page.status()).toBe(401);
  const call = await anonymous.post(`${served.origin}/rpc/app:info`, { data: {} });
  expect(call.status()).toBe(401);
  expect((await call.json()).error.code).toBe('unauthorized');
  const withToken = await anonymous.post(`${served.origin}/rpc/app:info`, { data: {}, headers: { Authorization: `Bearer ${served.token}` } });
  expect(await withToken.json()).toMatchObject({ ok: true, data: { name: 'Edgedeck', transport: 'web' } });
  await anonymous.dispose();
});
