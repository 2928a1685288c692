import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from './io';
import { packageRoot } from './paths';

const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const stampFile = join(packageRoot, 'out', '.build-stamp');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when an output is missing or a source file changed since the last build (never in an installed package: it has no sources). */
export function buildIsStale(): boolean {
  if (!existsSync(join(packageRoot, 'src-renderer'))) return false;
  if (!outputs.every((o) => existsSync(join(packageRoot, o))) || !existsSync(stampFile)) return true;
  const built = statSync(stampFile).mtimeMs;
  const sources = ['src-main', 'src-renderer'].map((d) => newestMtime(join(packageRoot, d)));
  return Math.max(...sources, statSync(join(packageRoot, 'electron.vite.config.ts')).mtimeMs) > built;
}

/** Builds main, preload and renderer with electron-vite when needed (`npm start` on a fresh clone). */
export async function ensureBuilt(io: CliIo): Promise<void> {
  if (!buildIsStale()) return;
  const bin = join(packageRoot, 'node_modules', '.bin', 'electron-vite');
  if (!existsSync(bin)) {
    io.stderr('edgedeck: cannot build (electron-vite is not installed: run `npm install`); using the existing build if any.\n');
    return;
  }
  io.stderr('edgedeck: building the app (electron-vite build)…\n');
  const started = Date.now();
  const result = spawnSync(bin, ['build'], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    io.stderr(result.stdout + result.stderr);
    throw new Error('the build failed (output above); fix it or run `npm run build` to see it again.');
  }
  writeFileSync(stampFile, new Date().toISOString() + '\n');
  io.stderr(`edgedeck: built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
