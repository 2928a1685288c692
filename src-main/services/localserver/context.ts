import type { EventEmitter } from 'node:events';
import { isHeartbeatAlive } from '../../shared/domain/heartbeat';
import type { Edition, ReleaseLine } from '../../shared/domain/releaseLines';
import type { Logger } from '../logging/logger';
import type { JwtService } from './jwt';
import type { EnvironmentRecord } from './model';
import type { RateLimiter } from './rateLimit';
import type { Store } from './store';
import type { TunnelManager } from './tunnels';

/** Everything the handlers share. */
export interface ServerContext {
  store: Store;
  logger: Logger;
  /** ms clock (injectable). */
  now: () => number;
  version: string;
  /** The profile: what this server emulates (edition and the release line of `version`). */
  edition: Edition;
  line: ReleaseLine;
  /** The tunnel port Edge keys name (Portainer's --tunnel-port). */
  tunnelPort: number;
  /** host:port of the tunnel as agents on this machine reach it. */
  tunnelAddress: string;
  fingerprint: string;
  /** Port of the API server, for the association-delete key rewrite. */
  httpPort: number;
  https: boolean;
  jwt: JwtService;
  authLimiter: RateLimiter;
  /** SHA-256 of the per-start internal API key the app's own session uses (see LocalServerOptions.internalApiKey). */
  internalKeyDigest?: Buffer;
  tunnels: TunnelManager;
  /** The single cached poll ETag per environment (Portainer's edge cache). */
  etags: Map<number, string>;
  events: EventEmitter;
  /** Logged-out JWT ids → their expiry (unix s). */
  revoked: Map<string, number>;
}

export function nowSec(ctx: ServerContext): number {
  return Math.floor(ctx.now() / 1000);
}

/** The interval the agent is told: the environment's, else the global default (> 0). */
export function effectiveCheckin(ctx: ServerContext, env: EnvironmentRecord): number {
  if (env.EdgeCheckinInterval > 0) return env.EdgeCheckinInterval;
  const global = ctx.store.doc.settings.EdgeAgentCheckinInterval;
  return global > 0 ? global : 5;
}

export function heartbeat(ctx: ServerContext, env: EnvironmentRecord, now: number): boolean {
  return isHeartbeatAlive(now, ctx.store.heartbeat(env.Id), effectiveCheckin(ctx, env));
}

/** An environment changed: drop its poll ETag, persist, tell listeners. */
export function environmentChanged(ctx: ServerContext, env: EnvironmentRecord | number, persist = true): void {
  const id = typeof env === 'number' ? env : env.Id;
  ctx.etags.delete(id);
  if (persist) ctx.store.markDirty();
  if (ctx.events.listenerCount('environment-changed')) ctx.events.emit('environment-changed', { environmentId: id });
}

export const EDGE_TYPES = new Set([4, 7]);
export const isEdge = (env: { Type: number }) => env.Type === 4 || env.Type === 7;
