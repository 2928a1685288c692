import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../stores/keyValueStore';

const KEY = 'portainer.edgeIds';

export interface EdgeIdChoice {
  value: string;
  /** 'server': the environment carries an Edge ID (bound by an agent, or EnforceEdgeID); 'generated': ours, kept until an agent binds one. */
  source: 'server' | 'generated';
}

/**
 * The Edge ID to hand to an agent for an environment whose server-side EdgeID is still empty.
 * Portainer's old detail page made up a new UUID on every visit, so two installs from two visits
 * fought over the environment; here one UUID v4 is generated per environment, kept in the store
 * and reused until the server reports a bound one (then ours is dropped) or the environment is deleted.
 */
export class EdgeIdMemory {
  constructor(private readonly store: KeyValueStore) {}

  private all(): Record<string, string> {
    const v = this.store.get<Record<string, string>>(KEY);
    return v && typeof v === 'object' ? { ...v } : {};
  }

  private save(map: Record<string, string>): void {
    this.store.set(KEY, map);
  }

  edgeIdFor(scope: string, environmentId: number, serverEdgeId?: string): EdgeIdChoice {
    const key = `${scope}#${environmentId}`;
    const map = this.all();
    if (serverEdgeId) {
      if (key in map) {
        delete map[key];
        this.save(map);
      }
      return { value: serverEdgeId, source: 'server' };
    }
    const kept = map[key];
    if (kept) return { value: kept, source: 'generated' };
    const fresh = randomUUID();
    map[key] = fresh;
    this.save(map);
    return { value: fresh, source: 'generated' };
  }

  forget(scope: string, environmentId: number): void {
    const map = this.all();
    const key = `${scope}#${environmentId}`;
    if (key in map) {
      delete map[key];
      this.save(map);
    }
  }

  forgetScope(scope: string): void {
    const map = this.all();
    let changed = false;
    for (const k of Object.keys(map)) {
      if (k.startsWith(`${scope}#`)) {
        delete map[k];
        changed = true;
      }
    }
    if (changed) this.save(map);
  }
}
