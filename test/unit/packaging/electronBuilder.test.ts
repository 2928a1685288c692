import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// #16.4: the desktop packaging configuration, checked as far as this machine allows. Building the
// packages needs the Electron binary and electron-builder's tool downloads, which cannot be fetched
// here; electron-builder's own configuration validation (its JSON schema, the check it runs before
// any build) needs neither, so the file is validated with it.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
interface Platform {
  target: string[];
  icon: string;
}
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { linux: Platform; win: Platform; mac: Platform; files: string[]; npmRebuild: boolean };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const dir = mkdtempSync(join(tmpdir(), 'edt-icons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s own validation (and the validation does reject a bad file)', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, appIdd: 'x' }, new DebugLogger(false))).rejects.toThrow(/unknown property 'appIdd'/);
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, categroy: 'x' } }, new DebugLogger(false))).rejects.toThrow(/configuration\.linux should be/);
  });

  it('names the app and builds AppImage + deb, NSIS and dmg from the electron-vite output', () => {
    expect(config).toMatchObject({ appId: 'io.edgedeck.desktop', productName: 'Edgedeck', directories: { buildResources: 'resources' } });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']));
    expect(pkg.main.startsWith('out/main/')).toBe(true);
    // ssh2's native parts are not rebuilt for Electron; it falls back to Node's crypto without them.
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toEqual(expect.arrayContaining(['!**/node_modules/ssh2/lib/protocol/crypto/build/**', '!**/node_modules/cpu-features/**']));
  });

  it('has the icons each platform needs: 1024 px for Windows and macOS, the hicolor sizes for Linux', () => {
    expect(pngSize(join(root, config.win.icon))).toEqual({ width: 1024, height: 1024 });
    expect(config.mac.icon).toBe(config.win.icon);
    const linux = readdirSync(join(root, config.linux.icon)).sort();
    expect(linux.length).toBeGreaterThanOrEqual(8);
    for (const name of linux) {
      const n = Number(/^(\d+)x\1\.png$/.exec(name)?.[1]);
      expect(pngSize(join(root, config.linux.icon, name)), name).toEqual({ width: n, height: n });
    }
  });

  it('scripts/make-icons.mjs renders every size from the one source image, resources/icon.svg', async () => {
    const { makeIcons, LINUX_SIZES } = (await import(join(root, 'scripts', 'make-icons.mjs'))) as { makeIcons(out: string): Promise<void>; LINUX_SIZES: number[] };
    await makeIcons(dir);
    expect(pngSize(join(dir, 'icon.png'))).toEqual({ width: 1024, height: 1024 });
    expect(readdirSync(join(dir, 'icons')).sort()).toEqual(readdirSync(join(root, config.linux.icon)).sort());
    for (const n of LINUX_SIZES) expect(pngSize(join(dir, 'icons', `${n}x${n}.png`))).toEqual({ width: n, height: n });
  }, 60_000);
});
