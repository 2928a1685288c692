import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import type { Logger } from '../logging/logger';
import type { ReverseTunnelInfo, TunnelUser } from '../tunnel/types';

/** What tunnels.ts needs from the chisel-compatible TunnelServer (helper "tunnel"'s class). */
export interface TunnelServerPort {
  addUser(user: TunnelUser): void;
  removeUser(username: string): void;
  on(event: 'up' | 'down', listener: (info: ReverseTunnelInfo) => void): unknown;
  on(event: 'activity', listener: (info: { port: number }) => void): unknown;
  on(event: 'listenFailed', listener: (info: ReverseTunnelInfo & { code?: string }) => void): unknown;
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

export interface TunnelManagerOptions {
  server: TunnelServerPort;
  crypto: TunnelCrypto;
  logger: Logger;
  now: () => number;
  timers?: Timers;
  /** Host the reverse listeners bind, where the server reaches the agent. */
  reverseHost?: string;
  /** Called when an environment's tunnel opened or closed (drop its poll ETag). */
  onChange: (environmentId: number, event: 'open' | 'close') => void;
  /** Called when GET /ping through the tunnel answered 204. */
  onVerified: (environmentId: number, port: number) => void;
  /** A port probe; default: does 127.0.0.1:<port> accept a TCP connection? */
  portInUse?: (port: number) => Promise<boolean>;
  /** Default: tunnelPortRange(). */
  portRange?: { min: number; max: number };
  /** Portainer ≤ 2.20's states: ACTIVE after the first poll answered REQUIRED, REQUIRED timing out after 15 s. */
  legacyActive?: boolean;
}

/**
 * Per-environment reverse tunnels as Portainer 2.21+ keeps them: Open puts a REQUIRED entry
 * (random free port, fresh credentials, a chisel user allowed `^R:0.0.0.0:<port>$`); Config is
 * that entry or IDLE; an entry without activity for 4 min 30 s is closed by the 10 s sweep.
 */
export class TunnelManager {
  private readonly byEnv = new Map<number, TunnelEntry>();
  private readonly byPort = new Map<number, TunnelEntry>();
  private readonly opening = new Map<number, Promise<TunnelEntry>>();
  private readonly timers: Timers;
  private sweep: unknown;
  private readonly portInUse: (port: number) => Promise<boolean>;
  private readonly portRange: { min: number; max: number };

  constructor(private readonly o: TunnelManagerOptions) {
    this.timers = o.timers ?? realTimers;
    this.portInUse = o.portInUse ?? ((port) => acceptsOn(o.reverseHost ?? '127.0.0.1', port));
    this.portRange = o.portRange ?? tunnelPortRange();
    o.server.on('up', (info) => this.onUp(info));
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
    for (const id of [...this.byEnv.keys()]) this.close(id);
  }

  config(environmentId: number): TunnelConfig {
    return this.byEnv.get(environmentId) ?? IDLE;
  }

  entry(environmentId: number): TunnelEntry | undefined {
    return this.byEnv.get(environmentId);
  }

  get size(): number {
    return this.byEnv.size;
  }

  /** Opens (or returns the open) tunnel; refuses non-Edge, id 0, no Edge ID, untrusted. */
  open(env: EnvForTunnel): Promise<TunnelEntry> {
    const existing = this.byEnv.get(env.Id);
    if (existing) return Promise.resolve(existing);
    const pending = this.opening.get(env.Id);
    if (pending) return pending;
    if (env.Type !== 4 && env.Type !== 7) return Promise.reject(new Error('cannot open a tunnel for non-edge environments'));
    if (env.Id === 0 || env.EdgeID === '' || !env.UserTrusted) return Promise.reject(new Error('cannot open a tunnel for an untrusted or unassociated environment'));
    const p = this.doOpen(env).finally(() => this.opening.delete(env.Id));
    this.opening.set(env.Id, p);
    return p;
  }

  private async doOpen(env: EnvForTunnel): Promise<TunnelEntry> {
    const now = this.o.now();
    const entry: TunnelEntry = { environmentId: env.Id, status: 'REQUIRED', port: 0, credentials: '', username: '', edgeId: env.EdgeID, openedAt: now, lastActivity: now };
    await this.assignPort(entry);
    this.byEnv.set(env.Id, entry);
    this.o.logger.debug(`tunnel opened for environment ${env.Id} on port ${entry.port}`);
    this.o.onChange(env.Id, 'open');
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
   * The agent could not get its port listened on (EADDRINUSE: held by a connection the probe could
   * not see). Without this it would retry the same port until the tunnel expired: the entry gets
   * another port and credentials, and the changed ETag hands them to the agent's next poll.
   */
  private async movePort(entry: TunnelEntry): Promise<void> {
    const old = { port: entry.port, username: entry.username };
    try {
      // The old port stays in byPort meanwhile, so it is not drawn again.
      await this.assignPort(entry);
    } catch (err) {
      this.o.logger.warn(`could not move the tunnel of environment ${entry.environmentId} off port ${old.port}`, err);
      if (this.byEnv.get(entry.environmentId) === entry) this.close(entry.environmentId);
      return;
    } finally {
      this.byPort.delete(old.port);
      this.o.server.removeUser(old.username);
    }
    // Closed while a port was found: give the new port back.
    if (this.byEnv.get(entry.environmentId) !== entry) {
      this.byPort.delete(entry.port);
      this.o.server.removeUser(entry.username);
      return;
    }
    this.o.logger.warn(`tunnel port ${old.port} of environment ${entry.environmentId} is in use on this machine; moved to ${entry.port}`);
    this.o.onChange(entry.environmentId, 'open');
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

  /**
   * A poll was answered with this environment's REQUIRED: on ≤ 2.20 the tunnel turns ACTIVE
   * (credentials dropped from later answers, activity now, the poll cache cleared), as 2.20's
   * status handler does. 2.21+ keeps REQUIRED.
   */
  served(environmentId: number): void {
    const e = this.byEnv.get(environmentId);
    if (!this.o.legacyActive || !e || e.status !== 'REQUIRED') return;
    e.status = 'ACTIVE';
    e.credentials = '';
    e.lastActivity = this.o.now();
    this.o.onChange(environmentId, 'open');
  }

  /** Activity (e.g. a proxied request): keeps the tunnel open for another 4 min 30 s. */
  touch(environmentId: number): void {
    const e = this.byEnv.get(environmentId);
    if (e) e.lastActivity = this.o.now();
  }

  close(environmentId: number): boolean {
    const e = this.byEnv.get(environmentId);
    if (!e) return false;
    this.byEnv.delete(environmentId);
    this.byPort.delete(e.port);
    // Unlike Portainer (which looks the user up by the encrypted string and so never finds it,
    // portainer-edge.md §4.2) we really revoke the credentials.
    try {
      this.o.server.removeUser(e.username);
    } catch (err) {
      this.o.logger.warn(`could not remove the tunnel user of environment ${environmentId}`, err);
    }
    this.o.logger.debug(`tunnel closed for environment ${environmentId}`);
    this.o.onChange(environmentId, 'close');
    return true;
  }

  /** The 10 s sweep: closes tunnels idle for ≥ 4 min 30 s. */
  checkTunnels(): void {
    const now = this.o.now();
    for (const e of [...this.byEnv.values()]) {
      const timeout = this.o.legacyActive && e.status === 'REQUIRED' ? LEGACY_REQUIRED_TIMEOUT_MS : ACTIVE_TIMEOUT_MS;
      if (now - e.lastActivity >= timeout) this.close(e.environmentId);
    }
  }

  private onUp(info: ReverseTunnelInfo): void {
    const e = this.byPort.get(info.port);
    if (!e) return;
    e.lastActivity = this.o.now();
    void this.verify(e);
  }

  /** Calls the agent through the tunnel: GET /ping must answer 204. Retries briefly. */
  private async verify(e: TunnelEntry): Promise<void> {
    const host = this.o.reverseHost ?? '127.0.0.1';
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.byEnv.get(e.environmentId) !== e) return;
      const status = await ping(host, e.port).catch((err: unknown) => {
        this.o.logger.debug(`ping through tunnel port ${e.port} failed: ${err instanceof Error ? err.message : String(err)}`);
        return 0;
      });
      if (status === 204) {
        e.lastActivity = this.o.now();
        this.o.onVerified(e.environmentId, e.port);
        return;
      }
      if (status) this.o.logger.warn(`agent of environment ${e.environmentId} answered /ping with ${status} through the tunnel`);
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    this.o.logger.warn(`could not reach the agent of environment ${e.environmentId} through tunnel port ${e.port}`);
  }
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
