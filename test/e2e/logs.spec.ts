import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './serveFixture';

// Settings → Logs against a real `edgedeck serve` (its log folder is EDGEDECK_LOG_DIR beside the
// test's data, set by serveProcess.ts; CI has no desktop, so the folder cannot be shown).
test("Settings names this session's log file, and says where the folder is when it cannot show it", async ({ page, served }) => {
  await page.goto(served.url);
  await page.getByTestId('nav-settings').click();
  const logs = page.getByTestId('settings-logs');
  const folder = join(served.dataDir, 'logs');
  const [file] = readdirSync(folder).filter((n) => n.startsWith('serve-'));
  expect(file, 'serve wrote no session log').toBeTruthy();
  await expect(page.getByTestId('log-file')).toHaveText(join(folder, file!));
  expect(served.stderr()).toContain(`this session's log: ${join(folder, file!)}`);
  await logs.getByTestId('open-log-folder').click();
  await expect(page.getByTestId('logs-problem')).toContainText(`open ${folder} yourself`);
  expect(readFileSync(join(folder, file!), 'utf8')).toMatch(/INFO \[serve\] serve started \(pid \d+/);
});
