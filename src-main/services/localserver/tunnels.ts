import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { durationText } from '../../shared/domain/durationText';
import type { TunnelStateView } from '../../shared/schemas/portainer';
import type { Logger } from '../logging/logger';
import type { ReverseTunnelInfo, TunnelUser } from '../tunnel/types';

/** What tunnels.ts needs from the chisel-compatible TunnelServer (helper "tunnel"'s class). */
export interface TunnelServerPort {
  addUser(user: TunnelUser): void;
  removeUser(username: string): void;
  on(event: 'up' | 'down', listener: (info: ReverseTunnelInfo) => void): unknown;
  on(event: 'activity', listener: (info: { port: number }) => void): unknown;
  on(event: 'listenFailed', listener: (info: ReverseTunnelInfo & { code?: string }) => void): unknown;
  /** Ends the connections of a user (a closed tunnel's agent). */
  disconnectUser?(username: string): void;
}

export interface TunnelCrypto {
  randomCredential(length: number): string;
  encryptCredentials(plain: string, edgeId: string): string;
}

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realTimers: Timers = {
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    t.unref?.();
    return t;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export interface TunnelEntry {
  environmentId: number;
  /** What open() was given, to open it again elsewhere (movePort). */
  env: EnvForTunnel;
  /** ACTIVE only on ≤ 2.20 profiles, after a poll was answered REQUIRED. */
  status: 'REQUIRED' | 'ACTIVE';
  port: number;
  /** Encrypted `user:pass`, base64 RawStd: what the poll response carries. */
  credentials: string;
  username: string;
  /** The Edge ID the credentials are encrypted with. */
  edgeId: string;
  /** ms timestamps (injected clock). */
  openedAt: number;
  lastActivity: number;
  /** Held back (the poll answers IDLE) until the agent has seen IDLE once since its last tunnel. */
  waitingForIdle: boolean;
  /** A poll has answered REQUIRED with this entry. */
  offered: boolean;
  /** The agent's reverse listener is up (its chisel config was accepted). */
  connected: boolean;
  /** When GET /ping through it last answered 204 (ms). */
  verifiedAt?: number;
}

export interface TunnelConfig {
  status: 'IDLE' | 'REQUIRED' | 'ACTIVE';
  port: number;
  credentials: string;
}

const IDLE: TunnelConfig = Object.freeze({ status: 'IDLE', port: 0, credentials: '' }) as TunnelConfig;

/** Portainer 2.21+ (`api/chisel/tunnel.go`): inactivity timeout and the cleanup cadence. */
export const ACTIVE_TIMEOUT_MS = 270_000;
export const CLEANUP_INTERVAL_MS = 10_000;
/** Portainer ≤ 2.20 (`api/chisel/service.go` at 2.20.0): a REQUIRED not handed to a poll within 15 s goes IDLE. */
export const LEGACY_REQUIRED_TIMEOUT_MS = 15_000;
const PORT_MIN = 49152;
const PORT_MAX = 65534;

/**
 * Where tunnel ports are drawn from: Portainer's 49152–65534, minus the OS's ephemeral range
 * where enough is left. WHY: Linux hands out 32768–60999 to outgoing connections, and a port
 * that one of them holds cannot be listened on, although nothing accepts connections there (the
 * only test Portainer makes), so the agent's tunnel would fail on that port until it expired.
 */
export function tunnelPortRange(ephemeral: string | undefined = readEphemeralRange()): { min: number; max: number } {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(ephemeral ?? '');
  if (!m) return { min: PORT_MIN, max: PORT_MAX };
  const [lo, hi] = [Number(m[1]), Number(m[2])];
  // The larger part of Portainer's range on either side of the ephemeral one, if it has 1000 ports.
  const above = { min: Math.max(PORT_MIN, hi + 1), max: PORT_MAX };
  const below = { min: PORT_MIN, max: Math.min(PORT_MAX, lo - 1) };
  const best = above.max - above.min >= below.max - below.min ? above : below;
  return best.max - best.min + 1 >= 1000 ? best : { min: PORT_MIN, max: PORT_MAX };
}

function readEphemeralRange(): string | undefined {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    return undefined; // not Linux: Portainer's whole range
  }
}

export interface EnvForTunnel {
  Id: number;
  Type: number;
  EdgeID: string;
  UserTrusted: boolean;
}

/** Why a tunnel was closed (shown with the closed state). */
export type TunnelCloseReason = 'idle' | 'dropped' | 'unreachable' | 'port-in-use' | 'removed' | 'stopped';

/** The tunnel's real state, for the environment view (ms timestamps, injected clock). */
export type TunnelState =
  | { status: 'open' | 'verified'; port: number; since: number; waitingForIdle: boolean }
  | { status: 'closed'; port: 0; since: number; reason?: TunnelCloseReason };

export interface TunnelManagerOptions {
  server: TunnelServerPort;
  crypto: TunnelCrypto;
  logger: Logger;
  now: () => number;
  timers?: Timers;
  /** Host the reverse listeners bind, where the server reaches the agent. */
  reverseHost?: string;
  /** Called when an environment's tunnel opened, closed or changed state (drop its poll ETag on open/close). */
  onChange: (environmentId: number, event: 'open' | 'close' | 'verified') => void;
  /** Called when GET /ping through the tunnel answered 204. */
  onVerified: (environmentId: number, port: number) => void;
  /** A port probe; default: does 127.0.0.1:<port> accept a TCP connection? */
  portInUse?: (port: number) => Promise<boolean>;
  /** Default: tunnelPortRange(). */
  portRange?: { min: number; max: number };
  /** GET /ping through a tunnel port → HTTP status (default: a real request to reverseHost). */
  ping?: (port: number) => Promise<number>;
  /** Portainer ≤ 2.20's states: ACTIVE after the first poll answered REQUIRED, REQUIRED timing out after 15 s. */
  legacyActive?: boolean;
}

/**
 * Per-environment reverse tunnels as Portainer 2.21+ keeps them: Open puts a REQUIRED entry
 * (random free port, fresh credentials, a chisel user allowed `^R:0.0.0.0:<port>$`); Config is
 * that entry or IDLE; an entry without activity for 4 min 30 s is closed by the 10 s sweep.
 *
 * What the agent does with it (agent edge/poll.go, chisel MaxRetryCount 0) shapes the rest: it
 * opens a tunnel only on REQUIRED while it believes none is open, gives up after the first failed
 * or ended connection, and keeps believing its tunnel open until a poll says IDLE. So once an
 * agent was offered a tunnel that then closed (dropped, idle, moved), a new REQUIRED is held back
 * (`waitingForIdle`) until one poll has answered IDLE: otherwise the agent would ignore it.
 */
export class TunnelManager {
  private readonly byEnv = new Map<number, TunnelEntry>();
  private readonly byPort = new Map<number, TunnelEntry>();
  private readonly opening = new Map<number, Promise<TunnelEntry>>();
  /** Opens that a close() overtook. */
  private readonly cancelled = new Set<number>();
  /** Agents that were offered a tunnel since closed: they need an IDLE answer before a new REQUIRED. */
  private readonly mustSeeIdle = new Set<number>();
  private readonly lastClosed = new Map<number, { at: number; reason: TunnelCloseReason }>();
  private readonly waiters = new Map<number, Set<() => void>>();
  private readonly timers: Timers;
  private sweep: unknown;
  private readonly portInUse: (port: number) => Promise<boolean>;
  private readonly portRange: { min: number; max: number };
  private readonly ping: (port: number) => Promise<number>;

  constructor(private readonly o: TunnelManagerOptions) {
    this.timers = o.timers ?? realTimers;
    const host = o.reverseHost ?? '127.0.0.1';
    this.portInUse = o.portInUse ?? ((port) => acceptsOn(host, port));
    this.portRange = o.portRange ?? tunnelPortRange();
    this.ping = o.ping ?? ((port) => ping(host, port));
    o.server.on('up', (info) => this.onUp(info));
    o.server.on('down', (info) => this.onDown(info));
    o.server.on('listenFailed', (info) => {
      const e = this.byPort.get(info.port);
      if (e && info.code === 'EADDRINUSE') this.movePort(e).catch((err: unknown) => this.o.logger.warn(`could not move tunnel port ${info.port}`, err));
    });
    o.server.on('activity', (info) => {
      const e = this.byPort.get(info.port);
      if (e) e.lastActivity = this.o.now();
    });
  }

  start(): void {
    this.sweep ??= this.timers.setInterval(() => this.checkTunnels(), CLEANUP_INTERVAL_MS);
  }

  stop(): void {
    if (this.sweep !== undefined) this.timers.clearInterval(this.sweep);
    this.sweep = undefined;
    for (const id of [...this.byEnv.keys()]) this.close(id, 'stopped');
  }

  /** What the poll answers: the entry, or IDLE (also while a new entry waits for the agent to see IDLE). */
  config(environmentId: number): TunnelConfig {
    const e = this.byEnv.get(environmentId);
    return e && !e.waitingForIdle ? e : IDLE;
  }

  entry(environmentId: number): TunnelEntry | undefined {
    return this.byEnv.get(environmentId);
  }

  get size(): number {
    return this.byEnv.size;
  }

  /** The tunnel's state as it really is: closed (and why), open (waiting for or connected to the agent), verified. */
  state(environmentId: number): TunnelState {
    const e = this.byEnv.get(environmentId);
    if (e) return { status: e.verifiedAt !== undefined ? 'verified' : 'open', port: e.port, since: e.verifiedAt ?? e.openedAt, waitingForIdle: e.waitingForIdle };
    const c = this.lastClosed.get(environmentId);
    return c ? { status: 'closed', port: 0, since: c.at, reason: c.reason } : { status: 'closed', port: 0, since: 0 };
  }

  /**
   * The poll handler tells what it answered (after caching the ETag). An IDLE answer is what the
   * agent needs to forget a closed tunnel: a held-back REQUIRED is released for its next poll.
   */
  answered(environmentId: number, status: TunnelConfig['status']): void {
    const e = this.byEnv.get(environmentId);
    if (status === 'REQUIRED') {
      if (e) e.offered = true;
      // ≤ 2.20 (the 2.20.0 status handler): once handed out, REQUIRED turns ACTIVE, its
      // credentials dropped from later answers, the poll cache cleared.
      if (e && this.o.legacyActive) {
        e.status = 'ACTIVE';
        e.credentials = '';
        e.lastActivity = this.o.now();
        this.o.onChange(environmentId, 'open');
      }
      return;
    }
    if (status === 'ACTIVE') return;
    this.mustSeeIdle.delete(environmentId);
    if (e?.waitingForIdle) {
      e.waitingForIdle = false;
      this.o.onChange(environmentId, 'open'); // drops the IDLE answer's ETag: the next poll gets REQUIRED
      this.notify(environmentId);
    }
  }

  /** Opens (or returns the open) tunnel; refuses non-Edge, id 0, no Edge ID, untrusted. */
  open(env: EnvForTunnel): Promise<TunnelEntry> {
    const existing = this.byEnv.get(env.Id);
    if (existing) return Promise.resolve(existing);
    const pending = this.opening.get(env.Id);
    if (pending) return pending;
    if (env.Type !== 4 && env.Type !== 7) return Promise.reject(new Error('cannot open a tunnel for non-edge environments'));
    if (env.Id === 0 || env.EdgeID === '' || !env.UserTrusted) return Promise.reject(new Error('cannot open a tunnel for an untrusted or unassociated environment'));
    const p = this.doOpen(env).finally(() => {
      this.opening.delete(env.Id);
      this.cancelled.delete(env.Id);
    });
    this.opening.set(env.Id, p);
    return p;
  }

  private async doOpen(env: EnvForTunnel): Promise<TunnelEntry> {
    const now = this.o.now();
    const entry: TunnelEntry = {
      environmentId: env.Id,
      env: { Id: env.Id, Type: env.Type, EdgeID: env.EdgeID, UserTrusted: env.UserTrusted },
      status: 'REQUIRED',
      port: 0,
      credentials: '',
      username: '',
      edgeId: env.EdgeID,
      openedAt: now,
      lastActivity: now,
      waitingForIdle: this.mustSeeIdle.has(env.Id),
      offered: false,
      connected: false,
    };
    await this.assignPort(entry);
    if (this.cancelled.delete(env.Id)) {
      // close() came while the port was being found: give it back.
      this.byPort.delete(entry.port);
      this.o.server.removeUser(entry.username);
      throw new Error('the tunnel was closed while it was being opened');
    }
    this.byEnv.set(env.Id, entry);
    this.o.logger.debug(`tunnel opened for environment ${env.Id} on port ${entry.port}${entry.waitingForIdle ? ' (offered after the agent has seen IDLE)' : ''}`);
    this.o.onChange(env.Id, 'open');
    this.notify(env.Id);
    return entry;
  }

  /** A free port and fresh credentials (a chisel user allowed only that port) for `entry`. */
  private async assignPort(entry: TunnelEntry): Promise<void> {
    const port = await this.unusedPort();
    const username = this.o.crypto.randomCredential(8);
    const password = this.o.crypto.randomCredential(8);
    entry.credentials = this.o.crypto.encryptCredentials(`${username}:${password}`, entry.edgeId);
    this.o.server.addUser({ username, password, allowed: new RegExp(`^R:0\\.0\\.0\\.0:${port}$`) });
    entry.port = port;
    entry.username = username;
    this.byPort.set(port, entry);
  }

  /**
   * The agent could not get its port listened on, and not because one of our own live tunnels holds
   * it (the tunnel server refuses a second client for a live tunnel itself, without this event):
   * EADDRINUSE from a connection the probe could not see. The agent has given up on that port and
   * believes its tunnel open, so the tunnel is closed and opened again on another port, offered
   * once the agent's next poll has answered IDLE.
   */
  private async movePort(entry: TunnelEntry): Promise<void> {
    if (this.byEnv.get(entry.environmentId) !== entry || entry.connected) return;
    const old = entry.port;
    this.close(entry.environmentId, 'port-in-use');
    // The old port is still bound by someone else: keep it out of the draw while we pick another.
    const placeholder = { ...entry };
    this.byPort.set(old, placeholder);
    try {
      const moved = await this.open(entry.env);
      this.o.logger.warn(`tunnel port ${old} of environment ${entry.environmentId} is in use on this machine; moved to ${moved.port}`);
    } catch (err) {
      this.o.logger.debug(`tunnel of environment ${entry.environmentId} not moved: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (this.byPort.get(old) === placeholder) this.byPort.delete(old);
    }
  }

  private async unusedPort(): Promise<number> {
    const { min, max } = this.portRange;
    for (let attempt = 0; attempt < 64; attempt++) {
      const port = min + Math.floor(Math.random() * (max - min + 1));
      if (this.byPort.has(port)) continue;
      if (await this.portInUse(port)) continue;
      return port;
    }
    throw new Error(`no unused tunnel port found in ${min}-${max}`);
  }

  /** Activity (e.g. a proxied request): keeps the tunnel open for another 4 min 30 s. */
  touch(environmentId: number): void {
    const e = this.byEnv.get(environmentId);
    if (e) e.lastActivity = this.o.now();
  }

  close(environmentId: number, reason: TunnelCloseReason = 'removed'): boolean {
    const e = this.byEnv.get(environmentId);
    if (!e) {
      if (this.opening.has(environmentId)) this.cancelled.add(environmentId);
      return false;
    }
    this.byEnv.delete(environmentId);
    if (this.byPort.get(e.port) === e) this.byPort.delete(e.port);
    // An agent that was offered this tunnel believes it open until a poll says IDLE.
    if (e.offered) this.mustSeeIdle.add(environmentId);
    this.lastClosed.set(environmentId, { at: this.o.now(), reason });
    // Unlike Portainer (which looks the user up by the encrypted string and so never finds it,
    // portainer-edge.md §4.2) we really revoke the credentials, and end the connection: a peer
    // that vanished without a FIN would otherwise keep its listener forever (no keep-alive).
    try {
      this.o.server.removeUser(e.username);
      this.o.server.disconnectUser?.(e.username);
    } catch (err) {
      this.o.logger.warn(`could not remove the tunnel user of environment ${environmentId}`, err);
    }
    this.o.logger.debug(`tunnel closed for environment ${environmentId} (${reason})`);
    this.o.onChange(environmentId, 'close');
    this.notify(environmentId);
    return true;
  }

  /** An environment is gone (deleted): forget everything about its tunnel. */
  forget(environmentId: number): void {
    this.close(environmentId, 'removed');
    this.mustSeeIdle.delete(environmentId);
    this.lastClosed.delete(environmentId);
  }

  /** The 10 s sweep: closes tunnels idle for ≥ 4 min 30 s. */
  checkTunnels(): void {
    const now = this.o.now();
    for (const e of [...this.byEnv.values()]) {
      const timeout = this.o.legacyActive && e.status === 'REQUIRED' ? LEGACY_REQUIRED_TIMEOUT_MS : ACTIVE_TIMEOUT_MS;
      if (now - e.lastActivity >= timeout) this.close(e.environmentId, 'idle');
    }
  }

  /**
   * Portainer's TunnelAddr, for when the app needs to reach an agent: opens the tunnel (REQUIRED)
   * if needed, waits up to 2 × the check-in interval (one more interval when the agent must see
   * IDLE first) until the agent has connected and answered GET /ping through it, else closes it
   * and fails with what to check. Counts as activity, like every TunnelAddr call.
   */
  async ensure(env: EnvForTunnel, checkinS: number, signal?: AbortSignal): Promise<TunnelState> {
    const started = this.o.now();
    let entry = await this.open(env);
    const budgetMs = (2 + (entry.waitingForIdle ? 1 : 0)) * checkinS * 1000;
    const deadline = Date.now() + budgetMs;
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled');
      const current = this.byEnv.get(env.Id);
      if (!current) {
        // Closed meanwhile (dropped, removed): open again within the same budget.
        await this.open(env);
        continue;
      }
      entry = current;
      if (entry.connected) {
        const status = await this.ping(entry.port).catch(() => 0);
        if (status === 204 && this.byEnv.get(env.Id) === entry) {
          this.markVerified(entry);
          entry.lastActivity = this.o.now();
          return this.state(env.Id);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.waitChange(env.Id, Math.min(left, Math.max(50, checkinS * 10)), signal);
    }
    const seen = entry.connected ? 'connected but did not answer GET /ping' : entry.offered ? 'was told to open it but did not connect' : 'did not poll';
    this.close(env.Id, 'unreachable');
    throw new Error(
      `the agent did not open its tunnel within ${Number((budgetMs / 1000).toFixed(1))} s (${Math.round(budgetMs / 1000 / checkinS)} × its ${durationText(checkinS)} check-in interval; it ${seen}, since ${new Date(started).toISOString()}). ` +
        'Check that the agent runs and polls, and that it can reach the tunnel port of the server (the address in its Edge key).',
    );
  }

  private waitChange(environmentId: number, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(environmentId) ?? new Set<() => void>();
      this.waiters.set(environmentId, set);
      const done = () => {
        clearTimeout(t);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(environmentId) === set) this.waiters.delete(environmentId);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notify(environmentId: number): void {
    for (const w of [...(this.waiters.get(environmentId) ?? [])]) w();
  }

  private onUp(info: ReverseTunnelInfo): void {
    const e = this.byPort.get(info.port);
    if (!e || e.username !== info.username) return;
    e.connected = true;
    e.lastActivity = this.o.now();
    this.notify(e.environmentId);
    void this.verify(e);
  }

  /** The agent's connection ended: its chisel client has given up, so the tunnel is gone. */
  private onDown(info: ReverseTunnelInfo): void {
    const e = this.byPort.get(info.port);
    if (!e || e.username !== info.username || !e.connected) return;
    this.o.logger.info(`environment ${e.environmentId}: the agent's tunnel connection (port ${e.port}) ended`);
    this.close(e.environmentId, 'dropped');
  }

  private markVerified(e: TunnelEntry): void {
    const first = e.verifiedAt === undefined;
    e.verifiedAt = this.o.now();
    this.o.onVerified(e.environmentId, e.port);
    if (first) this.o.onChange(e.environmentId, 'verified');
  }

  /** Calls the agent through the tunnel: GET /ping must answer 204. Retries briefly. */
  private async verify(e: TunnelEntry): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.byEnv.get(e.environmentId) !== e) return;
      const status = await this.ping(e.port).catch((err: unknown) => {
        this.o.logger.debug(`ping through tunnel port ${e.port} failed: ${err instanceof Error ? err.message : String(err)}`);
        return 0;
      });
      if (this.byEnv.get(e.environmentId) !== e) return;
      if (status === 204) {
        e.lastActivity = this.o.now();
        this.markVerified(e);
        this.notify(e.environmentId);
        return;
      }
      if (status) this.o.logger.warn(`agent of environment ${e.environmentId} answered /ping with ${status} through the tunnel`);
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    this.o.logger.warn(`could not reach the agent of environment ${e.environmentId} through tunnel port ${e.port}`);
  }
}

/** The state as views carry it (unix seconds). */
export function tunnelStateView(s: TunnelState): TunnelStateView {
  const view: TunnelStateView = { status: s.status, port: s.port, since: Math.floor(s.since / 1000) };
  if (s.status === 'closed') {
    if (s.reason) view.reason = s.reason;
  } else if (s.waitingForIdle) view.waitingForIdle = true;
  return view;
}

function ping(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path: '/ping', method: 'GET', timeout: 5000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function acceptsOn(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
