#!/usr/bin/env node
// The `edgedeck` command. It runs the bundled CLI (out/cli/main.js, built by `npm install` through
// the prepare script and by `npm run build`), so a start loads one small file and the running
// command's chunk, not the TypeScript sources. In a checkout whose sources are newer than the
// bundle, it rebuilds the bundle first (about a second). EDGEDECK_CLI_FROM_SOURCE=1 runs the
// sources through tsx instead (development).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'cli', 'main.js');
const sources = join(root, 'src-main');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function entry() {
  if (process.env.EDGEDECK_CLI_FROM_SOURCE === '1') return join(sources, 'cli', 'bin.mjs');
  // An installed package has no sources: its bundle is what it ships.
  if (!existsSync(sources)) return bundle;
  if (existsSync(bundle) && newestMtime(sources) <= statSync(bundle).mtimeMs) return bundle;
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli(root);
    return bundle;
  } catch (err) {
    process.stderr.write(`edgedeck: could not bundle the CLI (${err instanceof Error ? err.message.split('\n')[0] : err}); running the sources through tsx (slower). Run \`npm install\` to fix.\n`);
    return join(sources, 'cli', 'bin.mjs');
  }
}

const file = await entry();
if (file === bundle) {
  const { main } = await import(pathToFileURL(bundle).href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  await import(pathToFileURL(file).href);
}
