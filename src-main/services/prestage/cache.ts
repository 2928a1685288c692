import type { KeyValueStore } from '../stores/keyValueStore';
import type { SecretSealer } from '../secrets/encryptedSecrets';
import type { PrestagedEnvironment } from './types';

/** The key under which the cache keeps its map (also where earlier app versions kept it in settings.json). */
export const PRESTAGE_CACHE_KEY = 'prestage.environments';
const KEY = PRESTAGE_CACHE_KEY;
/** Marks a value encrypted by the desktop app's OS keychain (base64 after it). */
const SEALED_PREFIX = 'os-keychain:';

/**
 * The local record of prestaged environments (join token included), so bundles can be exported
 * with the server unreachable. Keyed by server URL and environment ID. The store behind it
 * must be private to the user (see prestageFileStore for the CLI: file mode 0600).
 */
export class PrestageCache {
  /**
   * `sealer`: the desktop app's OS keychain (safeStorage); with it the join token and agent
   * secret are stored encrypted. Without it (CLI, serve) they are stored as they are, in a 0600
   * file, since an offline export needs them; a token sealed by the app reads as missing there.
   */
  constructor(
    private readonly store: KeyValueStore,
    private readonly sealer?: SecretSealer,
  ) {}

  private all(): Record<string, PrestagedEnvironment> {
    const v = this.store.get<Record<string, PrestagedEnvironment>>(KEY);
    return v && typeof v === 'object' ? { ...v } : {};
  }

  private open(e: PrestagedEnvironment): PrestagedEnvironment {
    const out = { ...e, edgeKey: this.openValue(e.edgeKey) ?? '' };
    if (e.agentSecret !== undefined) {
      const secret = this.openValue(e.agentSecret);
      if (secret === undefined) delete out.agentSecret;
      else out.agentSecret = secret;
    }
    return out;
  }

  private openValue(v: string): string | undefined {
    if (!v.startsWith(SEALED_PREFIX)) return v;
    return this.sealer?.open(v.slice(SEALED_PREFIX.length));
  }

  private sealValue(v: string): string {
    return this.sealer && !v.startsWith(SEALED_PREFIX) ? SEALED_PREFIX + this.sealer.seal(v) : v;
  }

  /** Whether the record's join token is sealed by a keychain this process cannot open (the desktop app's, from the CLI). */
  isSealedAway(serverUrl: string, id: number): boolean {
    const raw = this.all()[PrestageCache.key(serverUrl, id)];
    return raw !== undefined && raw.edgeKey.startsWith(SEALED_PREFIX) && this.openValue(raw.edgeKey) === undefined;
  }

  private static key(serverUrl: string, id: number): string {
    return `${serverUrl}#${id}`;
  }

  get(serverUrl: string, id: number): PrestagedEnvironment | undefined {
    const e = this.all()[PrestageCache.key(serverUrl, id)];
    return e && this.open(e);
  }

  list(serverUrl?: string): PrestagedEnvironment[] {
    return Object.values(this.all())
      .map((e) => this.open(e))
      .filter((e) => serverUrl === undefined || e.serverUrl === serverUrl)
      .sort((a, b) => a.environmentId - b.environmentId);
  }

  putMany(envs: PrestagedEnvironment[]): void {
    if (envs.length === 0) return;
    const map = this.all();
    for (const e of envs) {
      const stored: PrestagedEnvironment = { ...e, edgeKey: this.sealValue(e.edgeKey) };
      if (e.agentSecret !== undefined) stored.agentSecret = this.sealValue(e.agentSecret);
      map[PrestageCache.key(e.serverUrl, e.environmentId)] = stored;
    }
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
