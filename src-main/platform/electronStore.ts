import Store from 'electron-store';
import type { KeyValueStore } from '../services/stores/keyValueStore';

/** The services' storage inside Electron: electron-store in the user-data folder. */
export function createElectronStore(): KeyValueStore {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
  return {
    get: <T>(key: string) => store.get(key) as T | undefined,
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}
