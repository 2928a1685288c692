import { createFileStore } from '../stores/fileStore';
import type { KeyValueStore } from '../stores/keyValueStore';

/**
 * The prestage cache file: `<dir>/prestage.json`, mode 0600 in a 0700 folder, because it holds
 * join tokens. Shared by the desktop app, serve and the CLI (all under the one data folder).
 */
export function createPrestageFileStore(dir: string): KeyValueStore {
  return createFileStore(dir, 'prestage');
}
