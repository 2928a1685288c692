import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDataFolder } from '../services/platform/dataFolder';

/** The checkout (or installed package) root: two levels above this file. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const rendererDir = join(packageRoot, 'out', 'renderer');

export function rendererBuilt(): boolean {
  return existsSync(join(rendererDir, 'index.html'));
}

let prepared: string | undefined;

/**
 * The data folder shared with the desktop app (shared/domain/platformPaths.ts dataFolder): on the
 * first use in this process, data of earlier versions is moved in (said on stderr) and the folder
 * is made private.
 */
export function defaultDataDir(): string {
  if (prepared === undefined) {
    const { dir, messages } = prepareDataFolder();
    for (const m of messages) process.stderr.write(`edgedeck: data folder: ${m}\n`);
    prepared = dir;
  }
  return prepared;
}
