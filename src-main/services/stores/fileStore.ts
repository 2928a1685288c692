import Conf from 'conf';
import { join } from 'node:path';
import { ensurePrivateDir, makeFilePrivate, PRIVATE_FILE_MODE } from '../platform/privateFiles';
import type { KeyValueStore } from './keyValueStore';

/** The settings file's name in the data folder (shared by the desktop app, serve and the CLI). */
export const SETTINGS_NAME = 'settings';

/**
 * Makes `dir` private and tightens an existing `<name>.json` in it (earlier versions wrote it with
 * the umask, 0644); returns what conf and electron-store need to keep new writes 0600.
 */
export function privateStoreOptions(dir: string, name: string): { cwd: string; configName: string; configFileMode: number } {
  ensurePrivateDir(dir);
  makeFilePrivate(join(dir, `${name}.json`));
  return { cwd: dir, configName: name, configFileMode: PRIVATE_FILE_MODE };
}

/** A JSON settings file in `dir`, 0600 in a 0700 folder (plain Node; the Electron shell uses electron-store). */
export function createFileStore(dir: string, name = SETTINGS_NAME): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({ ...privateStoreOptions(dir, name), projectName: 'edgedeck' });
  return {
    get: <T>(key: string) => conf.get(key) as T | undefined,
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
  };
}
