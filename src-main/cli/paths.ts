import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout (or installed package) root: two levels above this file. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const rendererDir = join(packageRoot, 'out', 'renderer');

export function rendererBuilt(): boolean {
  return existsSync(join(rendererDir, 'index.html'));
}

/** Per-user data folder for the app outside Electron (serve, sim). */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'edgedeck');
}
