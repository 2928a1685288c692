#!/usr/bin/env node
// Bundles the CLI (src-main/cli/main.ts) into out/cli/ with esbuild: one small entry, and one chunk
// per command loaded only when that command runs (commands/index.ts imports them lazily).
// Dependencies stay external (node_modules), as in the Electron main build. Run by `npm install`
// (prepare), `npm run build`, and by bin/edgedeck.mjs when the sources are newer than the bundle.
// Files are written to a temporary name and renamed, so a CLI starting meanwhile never reads half a file;
// the entry is renamed last.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds out/cli/main.js; returns the milliseconds it took. `clean` removes chunks of earlier
 * builds (`npm run build`, before packing); the on-demand rebuild keeps them, since a CLI
 * started a moment earlier may still load its chunks.
 */
export async function buildCli(root = defaultRoot, { clean = false } = {}) {
  const started = Date.now();
  const { build } = await import('esbuild');
  const outdir = join(root, 'out', 'cli');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src-main/cli/main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    outdir,
    chunkNames: '[name]-[hash]',
    write: false,
    logLevel: 'warning',
    legalComments: 'none',
  });
  mkdirSync(outdir, { recursive: true });
  if (clean) {
    const fresh = new Set(result.outputFiles.map((f) => basename(f.path)));
    for (const name of readdirSync(outdir)) if (!fresh.has(name)) rmSync(join(outdir, name), { force: true });
  }
  const files = [...result.outputFiles].sort((a, b) => Number(basename(a.path) === 'main.js') - Number(basename(b.path) === 'main.js'));
  for (const f of files) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return Date.now() - started;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ms = await buildCli(defaultRoot, { clean: process.argv.includes('--clean') });
  process.stderr.write(`edgedeck: CLI bundled into out/cli/ in ${(ms / 1000).toFixed(1)} s\n`);
}
