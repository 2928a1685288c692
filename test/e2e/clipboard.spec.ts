import { buildKeyInInspector } from './inspectorSteps';
import { expect, test } from './serveFixture';

// Copy buttons in real Chromium against `edgedeck serve`: the exact text lands in the clipboard,
// and a clipboard the browser refuses shows why, never "Copied".
test('a copy button puts the exact text in the clipboard', async ({ page, served, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
  await page.goto(served.url);
  const key = await buildKeyInInspector(page);
  await page.getByRole('button', { name: 'Copy join token' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
});

test('a clipboard the browser refuses shows an error, not "Copied"', async ({ page, served }) => {
  // Stand-in: Chromium grants a focused page's writeText whatever its permission setting (denying
  // clipboard-write over CDP changed nothing when tried), so the refusal Chromium gives an
  // unfocused or policy-blocked page (a NotAllowedError) is put in place before the app loads.
  await page.addInitScript(() => {
    Object.defineProperty(Clipboard.prototype, 'writeText', { value: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) });
  });
  await page.goto(served.url);
  await buildKeyInInspector(page);
  await page.getByRole('button', { name: 'Copy join token' }).click();
  await expect(page.getByText('Could not copy')).toBeVisible();
  await expect(page.getByText(/The browser refused the copy \(NotAllowedError\)/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy failed' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copied' })).toHaveCount(0);
});
