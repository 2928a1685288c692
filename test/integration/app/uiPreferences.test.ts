import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src-main/services/app/appServices';
import { boot } from './appHarness';

// Issue #11 item 16's folded sidebar: kept by main in settings.json, so a restart of `serve` (which
// may pick another port, i.e. another origin and another localStorage) still has it.

const dirs: string[] = [];
const apps: AppServices[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<AppServices> {
  const app = await boot(dataDir, { embeddedServer: false });
  apps.push(app);
  return app;
}

describe('preferences:get / preferences:update', () => {
  it('keeps the folded sidebar in settings.json across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-prefs-'));
    dirs.push(dir);
    const first = await start(dir);
    expect(await first.dispatcher.invoke('preferences:get', {})).toEqual({ ok: true, data: { navCollapsed: false } });
    expect(await first.dispatcher.invoke('preferences:update', { navCollapsed: true })).toEqual({ ok: true, data: { navCollapsed: true } });
    await first.close();
    apps.splice(0);

    const again = await start(dir);
    expect(await again.dispatcher.invoke('preferences:get', {})).toEqual({ ok: true, data: { navCollapsed: true } });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).uiPreferences).toEqual({ navCollapsed: true });
  });

  it('refuses an unknown or mistyped preference by name, and a hand-broken file falls back to the default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-prefs-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ uiPreferences: { navCollapsed: 'yes' } }));
    const app = await start(dir);
    expect(await app.dispatcher.invoke('preferences:get', {})).toEqual({ ok: true, data: { navCollapsed: false } });
    const unknown = await app.dispatcher.invoke('preferences:update', { theme: 'dark' });
    expect(unknown.ok).toBe(false);
    expect(unknown.ok ? undefined : unknown.error.code).toBe('invalid_input');
    expect(unknown.ok ? '' : unknown.error.message).toContain('theme');
    const mistyped = await app.dispatcher.invoke('preferences:update', { navCollapsed: 'yes' });
    expect(mistyped.ok ? undefined : mistyped.error.field).toBe('navCollapsed');
  });
});
