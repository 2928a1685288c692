import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from './serveProcess';
import { expect, test } from './serveFixture';

// Issue #11 item 16: the folded sidebar survives a restart of `serve`, which listens on a new port
// each time (another origin, so the page's localStorage would be another one): main keeps it.
test.use({ viewport: { width: 1280, height: 900 } });

test('the folded sidebar is still folded after serve restarts on another port', async ({ page }) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-e2e-sidebar-'));
  let stop: (() => Promise<void>) | undefined;
  try {
    const first = await startServe(['--no-embedded-server'], { dataDir });
    stop = first.stop;
    await page.goto(first.app.url);
    const toggle = page.getByTestId('nav-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await toggle.click();
    await expect(page.getByTestId('navbar')).toHaveAttribute('data-collapsed', 'true');
    await expect(page.getByTestId('nav-environments')).not.toBeInViewport();
    // Saved by main, not by the page.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('edgedeck')))).toEqual([]);
    await stop();
    stop = undefined;

    const second = await startServe(['--no-embedded-server'], { dataDir });
    stop = second.stop;
    expect(second.app.origin).not.toBe(first.app.origin);
    await page.goto(second.app.url);
    await expect(page.getByTestId('nav-toggle')).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('navbar')).toHaveAttribute('data-collapsed', 'true');
    await expect(page.getByTestId('nav-environments')).not.toBeInViewport();
    await page.getByTestId('nav-toggle').click();
    await expect(page.getByTestId('nav-environments')).toBeInViewport();
  } finally {
    await stop?.();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
