import Conf from 'conf';
import type { KeyValueStore } from './keyValueStore';

/** A JSON settings file in `dir` (plain Node; the Electron shell uses electron-store instead). */
export function createFileStore(dir: string): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', projectName: 'edgedeck' });
  return {
    get: <T>(key: string) => conf.get(key) as T | undefined,
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
  };
}
