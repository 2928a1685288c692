import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { writeSecretFile } from '../stores/atomicFile';

/**
 * What the app's own local server keeps between starts, in its data folder: the ports it listened
 * on (so the join tokens it issued keep working) and its admin password (so a saved profile or a
 * logged-in tool keeps working). The file holds a secret: 0600 in a 0700 folder.
 */
export interface KeptServer {
  port: number;
  tunnelPort: number;
  url: string;
  tunnelAddress: string;
  adminPassword: string;
}

export const KEPT_FILE = 'app-server.json';

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 65535;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function loadKeptServer(dataDir: string, logger: Logger): KeptServer | undefined {
  const file = join(dataDir, KEPT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeptServer>;
    if (isPort(v.port) && isPort(v.tunnelPort) && isText(v.url) && isText(v.tunnelAddress) && isText(v.adminPassword)) {
      return { port: v.port, tunnelPort: v.tunnelPort, url: v.url, tunnelAddress: v.tunnelAddress, adminPassword: v.adminPassword };
    }
    logger.warn(`${file} lacks a field; the local server picks new ports and a new admin password`);
  } catch (e) {
    logger.warn(`${file} is unreadable (${e instanceof Error ? e.message : String(e)}); the local server picks new ports and a new admin password`);
  }
  return undefined;
}

export function saveKeptServer(dataDir: string, kept: KeptServer): void {
  writeSecretFile(join(dataDir, KEPT_FILE), `${JSON.stringify(kept, null, 2)}\n`);
}
