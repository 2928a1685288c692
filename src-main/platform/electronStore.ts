import Store from 'electron-store';
import { privateStoreOptions, SETTINGS_NAME } from '../services/stores/fileStore';
import type { KeyValueStore } from '../services/stores/keyValueStore';

/** The services' storage inside Electron: electron-store's settings.json in the shared data folder, 0600 in 0700. */
export function createElectronStore(dataDir: string): KeyValueStore {
  const store = new Store<Record<string, unknown>>(privateStoreOptions(dataDir, SETTINGS_NAME));
  return {
    get: <T>(key: string) => store.get(key) as T | undefined,
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}
