import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { KeyValueStore } from '../stores/keyValueStore';

/**
 * The CLI's prestage cache file: `<dir>/prestage.json`, mode 0600 in a 0700 folder, because it
 * holds join tokens. (The app passes its own store instead.)
 */
export function createPrestageFileStore(dir: string): KeyValueStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'prestage', projectName: 'edgedeck', configFileMode: 0o600 });
  const file = join(dir, 'prestage.json');
  const tighten = () => {
    if (existsSync(file)) chmodSync(file, 0o600);
  };
  tighten();
  return {
    get: <T>(key: string) => conf.get(key) as T | undefined,
    set: (key, value) => {
      conf.set(key, value);
      tighten();
    },
    delete: (key) => conf.delete(key),
  };
}
