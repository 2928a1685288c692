#!/usr/bin/env node
// Renders the one source image, resources/icon.svg, into the sizes the desktop packages use
// (electron-builder.yml): resources/icon.png (1024 px; electron-builder makes the Windows .ico and
// the macOS .icns from it) and resources/icons/<N>x<N>.png for Linux (AppImage, deb: hicolor sizes).
// Chromium (Playwright, /usr/bin/chromium) does the rendering; run it after changing the SVG.
//   node scripts/make-icons.mjs [OUT_DIR]     (default: resources/)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

export async function makeIcons(outDir = join(root, 'resources')) {
  const svg = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.EDGEDECK_CHROMIUM ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const render = async (size) => {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`);
      return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    };
    mkdirSync(join(outDir, 'icons'), { recursive: true });
    writeFileSync(join(outDir, 'icon.png'), await render(1024));
    for (const size of LINUX_SIZES) writeFileSync(join(outDir, 'icons', `${size}x${size}.png`), await render(size));
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await makeIcons(process.argv[2]);
  process.stderr.write('edgedeck: icons written\n');
}
