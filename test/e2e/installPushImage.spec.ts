import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureAgentImage } from '../fixtures/engine/agentImage/build';
import { engineUnavailable, startDockerd, type Engine } from '../fixtures/engine/dockerd';
import { createUsers, makeClientKey, sharedTempDir, startSshd, type SshdHost, type TestUsers } from '../fixtures/ssh/harness';
import { startServe, type ServedApp } from './serveProcess';
import { firstJsonLine, startCli, type Child } from './shots';

// The Install screen's "Agent image" option in real Chromium against `edgedeck serve` (issue #17):
// the target is a real OpenSSH sshd whose docker is the real CLI on a real, private dockerd
// (test/fixtures/engine) that lacks portainer/agent:2.23.0 and cannot pull it (Docker Hub is
// unreachable here). The option is set to an image archive file (what `docker save -o` wrote);
// the run shows the push progress, the checksum and the load, and the host ends verified: the
// agent in a real container checks in to a separate `edgedeck sim` (added through Settings, on
// the engine's bridge address so that the container reaches it; the embedded server listens on
// loopback, which a container on the engine's bridge cannot reach). Nothing is stood in. The
// tunnel is not verified here: the app verifies tunnels only on its embedded server (a real
// Portainer's API cannot tell), so for this server the host's tunnel stays "unknown"; the
// tunnel through a pushed image is verified in test/integration/ssh/swarmNodes.test.ts.
test.use({ viewport: { width: 1360, height: 900 } });

const IMAGE = 'portainer/agent:2.23.0';
const PASSWORD = 'e2e-Push-image-password-1';
const noEngine = engineUnavailable();
const pushDirs = () => readdirSync('/var/tmp').filter((f) => f.startsWith('edgedeck-image.'));

let engine: Engine | undefined;
let users: TestUsers | undefined;
let host: SshdHost | undefined;
let root: string | undefined;
let key: { path: string; pub: string };
let archive: string;
let archiveId: string;
let sim: Child | undefined;
let simUrl: string;
let served: ServedApp;
let stopServe: (() => Promise<void>) | undefined;
const simDir = mkdtempSync(join(tmpdir(), 'edgedeck-sim-push-'));

test.beforeAll(async () => {
  test.setTimeout(240_000);
  if (noEngine) return;
  engine = await startDockerd({ prefix: 'edt-dockerd-e2e-push-' });
  // The archive: the test agent image built in this engine and saved, then removed from it.
  await ensureAgentImage(engine);
  root = sharedTempDir('edt-e2e-push-');
  archive = join(root, 'portainer-agent.tar');
  await engine.docker(['save', '-o', archive, IMAGE], { timeoutMs: 180_000 });
  chmodSync(archive, 0o600);
  archiveId = (await engine.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).trim();
  await engine.docker(['image', 'rm', '-f', IMAGE, `docker.io/${IMAGE}`]).catch(() => undefined);
  users = createUsers();
  host = await startSshd('e2epush', users.all, root, { engine });
  key = makeClientKey(root, 'id_e2epush');
  host.authorize(users.key.name, key.pub);
  // The Portainer-compatible server where the agent's container reaches it: the engine's bridge address.
  sim = startCli(['sim', '--host', engine.address, '--port', '0', '--tunnel-port', '0', '--data', simDir], { EDGEDECK_ADMIN_PASSWORD: PASSWORD });
  simUrl = (await firstJsonLine<{ url: string }>(sim)).url;
  const started = await startServe();
  served = started.app;
  stopServe = started.stop;
});

test.afterAll(async () => {
  await stopServe?.();
  await sim?.stop();
  await host?.removeAgent();
  await host?.stop();
  await engine?.stop();
  users?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
  rmSync(simDir, { recursive: true, force: true });
});

test('Agent image from an archive file: a host without the image gets it over SSH (progress, checksum, load) and ends verified', async ({ page }) => {
  test.skip(noEngine !== undefined, `no Docker engine can run here (${noEngine})`);
  test.setTimeout(480_000);
  expect(await engine!.docker(['image', 'inspect', IMAGE]).then(() => 'present', () => 'absent')).toBe('absent');
  const before = pushDirs();

  // The sim as the active server: certificate pinned, admin login.
  await page.goto(served.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('server-add').click();
  await page.getByTestId('server-form-url').fill(simUrl);
  await page.getByTestId('server-form-probe').click();
  await expect(page.getByTestId('cert-prompt')).toBeVisible();
  await page.getByTestId('cert-pin').click();
  await page.getByTestId('server-form-name').fill('Push sim');
  await page.getByTestId('server-form-username').fill('admin');
  await page.getByTestId('server-form-password').fill(PASSWORD);
  await page.getByTestId('server-form-submit').click();
  await expect(page.getByTestId('server-form-version')).toContainText('Portainer 2.23.0', { timeout: 30_000 });
  await page.getByTestId('server-form-close').click();
  await expect(page.getByTestId('server-badge')).toHaveText('Push sim · 2.23.0');

  // Install: the target, the key, one environment per host, and the image from the archive file.
  await page.getByTestId('nav-install').click();
  const target = `${users!.key.name}@127.0.0.1:${host!.port}`;
  await page.getByTestId('install-target-input').fill(target);
  await page.getByTestId('install-target-input').press('Enter');
  await page.getByTestId('install-identity').fill(key.path);
  await page.getByTestId('install-env-mode').getByText('Create one per host').click();
  await page.getByTestId('install-push-image').click();
  await page.getByRole('option', { name: 'Push the agent image from an archive file' }).click();
  await page.getByTestId('install-image-archive').fill(archive);
  await page.getByTestId('install-start').click();

  // The host key question (policy "ask"), answered once (generous: the machine is shared by many test runs).
  await expect(page.getByTestId('install-prompt-host-key')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('install-prompt-once').click();

  // The live log shows the push: preflight's image row, progress, the checksum and the load.
  const log = page.getByTestId('install-log-terminal');
  await expect(log).toContainText(`${IMAGE} is not on the host: it will be pushed from this computer over SSH`, { timeout: 120_000 });
  await expect(log).toContainText('== push image', { timeout: 120_000 });
  await expect(log).toContainText(/image push: sending portainer\/agent:2\.23\.0 \([\d.]+ MB, sha256 [0-9a-f]{64}\) from \//);
  await expect(log).toContainText(/image push: [\d.]+ of [\d.]+ MB sent \(\d+%/, { timeout: 120_000 });
  await expect(log).toContainText('image push: checksum verified on the host (sha256sum); loaded portainer/agent:2.23.0', { timeout: 120_000 });

  // The host ends verified: the agent in a real container checked in (seen through the sim's Portainer API).
  const row = page.locator(`[data-testid="install-host-row"][data-target="${target}"]`);
  await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
  await expect(log).toContainText(/checked in \(last check-in \S+, Edge ID [0-9a-f-]{36}\)/);
  await expect(log).toContainText('=> installed');
  await expect(page.getByTestId('install-summary')).toBeVisible();

  // What the engine holds: the archive's image (same ID), the agent container running from it.
  expect((await engine!.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).trim()).toBe(archiveId);
  const agent = await host!.agent();
  expect(agent?.State.Running).toBe(true);
  expect(agent?.Config.Image).toBe(IMAGE);
  // The archive went through a private folder on the host (/var/tmp/edgedeck-image.*) that is gone again.
  expect(pushDirs().filter((d) => !before.includes(d))).toEqual([]);
});
