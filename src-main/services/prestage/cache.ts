import type { KeyValueStore } from '../stores/keyValueStore';
import type { PrestagedEnvironment } from './types';

/** The key under which the cache keeps its map (also where earlier app versions kept it in settings.json). */
export const PRESTAGE_CACHE_KEY = 'prestage.environments';
const KEY = PRESTAGE_CACHE_KEY;

/**
 * The local record of prestaged environments (join token included), so bundles can be exported
 * with the server unreachable. Keyed by server URL and environment ID. The store behind it
 * must be private to the user (see prestageFileStore for the CLI: file mode 0600).
 */
export class PrestageCache {
  constructor(private readonly store: KeyValueStore) {}

  private all(): Record<string, PrestagedEnvironment> {
    const v = this.store.get<Record<string, PrestagedEnvironment>>(KEY);
    return v && typeof v === 'object' ? { ...v } : {};
  }

  private static key(serverUrl: string, id: number): string {
    return `${serverUrl}#${id}`;
  }

  get(serverUrl: string, id: number): PrestagedEnvironment | undefined {
    return this.all()[PrestageCache.key(serverUrl, id)];
  }

  list(serverUrl?: string): PrestagedEnvironment[] {
    return Object.values(this.all())
      .filter((e) => serverUrl === undefined || e.serverUrl === serverUrl)
      .sort((a, b) => a.environmentId - b.environmentId);
  }

  putMany(envs: PrestagedEnvironment[]): void {
    if (envs.length === 0) return;
    const map = this.all();
    for (const e of envs) map[PrestageCache.key(e.serverUrl, e.environmentId)] = e;
    this.store.set(KEY, map);
  }

  remove(serverUrl: string, ids: number[]): void {
    const map = this.all();
    let changed = false;
    for (const id of ids) {
      const k = PrestageCache.key(serverUrl, id);
      if (k in map) {
        delete map[k];
        changed = true;
      }
    }
    if (changed) this.store.set(KEY, map);
  }
}
