import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { releaseLineFor, type Edition } from '../../shared/domain/releaseLines';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/contract/errors';
import type { TunnelStateView } from '../../shared/schemas/portainer';
import type { SimEnvironmentView } from '../../shared/schemas/simulator';
import type { ServerAddress } from '../../shared/domain/tokenAddress';
import { silentLogger, type Logger } from '../logging/logger';
import { ensurePrivateDir, tightenTree } from '../platform/privateFiles';
import { encryptCredentials, randomCredential } from '../tunnel/credentials';
import { TunnelServer } from '../tunnel/tunnelServer';
import { authenticate, registerAuthRoutes, requireAdmin } from './auth';
import { effectiveCheckin, heartbeat, isEdge, nowSec, type ServerContext } from './context';
import { handlePoll, pollPathId } from './edgeStatus';
import { registerEdgeGroupRoutes } from './edgeGroups';
import { moveTokens } from './movedTokens';
import { registerEndpointRoutes } from './endpoints';
import { registerGroupRoutes } from './groups';
import { loadOrCreateHostKey } from './hostKeyFile';
import { HttpError, routeId, sendError } from './http';
import { JwtService } from './jwt';
import { ROLE_ADMIN, type EnvironmentRecord } from './model';
import { generatePassword, hashPassword } from './passwords';
import { RateLimiter, type LoginBan } from './rateLimit';
import { makeRequestContext, Router } from './router';
import { registerSettingsRoutes } from './settings';
import { Store } from './store';
import { registerSystemRoutes } from './system';
import { registerTagRoutes } from './tags';
import { registerWaitingRoomRoutes } from './waitingRoom';
import { ensureCertificate } from './tls';
import { realTimers, TunnelManager, tunnelStateView, type Timers, type TunnelServerPort } from './tunnels';
import { registerUserRoutes } from './users';

export const DEFAULT_VERSION = '2.23.0';
const BODY_LIMIT = 1024 * 1024;

export interface LocalServerOptions {
  host?: string;
  /** API port; default 9443, 0 picks a free one. */
  port?: number;
  /** Tunnel (chisel) port; default 8000, 0 picks a free one. */
  tunnelPort?: number;
  https?: boolean;
  dataDir: string;
  /** Sets the admin's password (creating the admin if needed). */
  adminPassword?: string;
  /**
   * An API key valid for this run only, acting as the admin, kept in memory (never in the store):
   * the app's own session to its embedded server. API keys skip POST /api/auth, so Portainer's
   * login limiter cannot lock the app out when someone else's bad logins ban 127.0.0.1.
   */
  internalApiKey?: string;
  /** Told when the login limiter bans an address (the Simulator page says so, and until when). */
  onLoginBan?: (ban: LoginBan) => void;
  /** Portainer fills Settings.AgentSecret from its AGENT_SECRET env at every start. */
  agentSecret?: string;
  /** The Portainer version this server reports and emulates (its release line); default 2.23.0. */
  version?: string;
  /** 'be': the Business Edition's global-key creation, waiting room and trust routes. Default 'ce'. */
  edition?: Edition;
  /** Sets Settings.TrustOnFirstConnect at start (Business Edition: off puts new devices in the waiting room). */
  trustOnFirstConnect?: boolean;
  logger?: Logger;
  /** ms clock; injectable for tests (auth ban, heartbeat, tunnel inactivity). */
  now?: () => number;
  /** Timers for the tunnel sweep (tests drive it). */
  timers?: Timers;
  /** Persistence debounce. */
  saveDebounceMs?: number;
  bodyLimit?: number;
}

export interface TunnelVerifiedEvent {
  environmentId: number;
  port: number;
  at: number;
}

export interface LocalServer {
  url: string;
  tunnelAddress: string;
  fingerprint: string;
  https: boolean;
  username: 'admin';
  /** Set only when this start generated the admin's password (print it once). */
  initialPassword?: string;
  /** Addresses the login limiter refuses now (Portainer's 1-hour ban), soonest end first. */
  loginBans(): LoginBan[];
  dataDir: string;
  /** PEM of the self-signed certificate (https only), for clients that pin it. */
  caPem?: string;
  version: string;
  edition: Edition;
  close(): Promise<void>;
  listEnvironmentViews(): SimEnvironmentView[];
  /** One environment's view (by id, without building the others'). */
  environmentView(id: number): SimEnvironmentView | undefined;
  /** The environment's tunnel as it is now; undefined for an unknown environment. */
  tunnelState(id: number): TunnelStateView | undefined;
  /**
   * Portainer's TunnelAddr for the app (details view, SSH install verification, Simulator): opens
   * the tunnel, waits up to 2 × the check-in interval until the agent answers GET /ping through
   * it; AppError 'unavailable' with what to check otherwise.
   */
  ensureTunnel(id: number, signal?: AbortSignal): Promise<TunnelStateView>;
  /** Reissues the tokens that named where this server listened before (see moveTokens). */
  moveTokens(from: Required<ServerAddress>): { id: number; name: string }[];
  /** 'poll' (PollEvent), 'tunnel-verified' (TunnelVerifiedEvent), 'environment-changed' ({environmentId}). */
  events: EventEmitter;
}

/** Starts the local Portainer-compatible server (CE 2.23 behaviour for Edge onboarding). */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  if (!options.dataDir) throw new AppError('invalid_input', 'The local server needs a data directory.', 'dataDir');
  const host = options.host ?? '127.0.0.1';
  const https = options.https ?? true;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const version = options.version ?? DEFAULT_VERSION;
  const { line, warning: versionWarning } = releaseLineFor(version, 'version');
  const edition = options.edition ?? 'ce';
  const bodyLimit = options.bodyLimit ?? BODY_LIMIT;
  // Its store holds the admin password hash and agent secret; earlier versions left files with the umask.
  ensurePrivateDir(options.dataDir);
  tightenTree(options.dataDir);

  const { store } = Store.open(options.dataDir, logger, options.saveDebounceMs ?? 1000);
  const initialPassword = await ensureAdmin(store, options.adminPassword, () => Math.floor(now() / 1000));
  store.doc.settings.AgentSecret = options.agentSecret ?? '';
  if (options.trustOnFirstConnect !== undefined) store.doc.settings.TrustOnFirstConnect = options.trustOnFirstConnect;
  // Business Edition profile, never configured: Edge compute on and the tunnel address setting
  // following this server's own (our stand-in for BE's setup, which fills it from the Portainer URL
  // and tunnel port), so environment creates need no EdgeTunnelServerAddress until an admin clears it.
  if (edition === 'be' && store.doc.settings.Edge.TunnelServerAddress === undefined) store.doc.settings.EnableEdgeComputeFeatures = true;
  store.markDirty();

  const hostKey = loadOrCreateHostKey(options.dataDir);
  const tunnelServer = new TunnelServer({ host, port: options.tunnelPort ?? 8000, hostKeyPem: hostKey.pem, reverseHost: '127.0.0.1', version: '1.10.0' }, { logger });
  let tunnelPort: number;
  try {
    tunnelPort = await tunnelServer.listen();
  } catch (e) {
    await store.close();
    throw listenError(e, 'tunnel', host, options.tunnelPort ?? 8000);
  }
  // Like Portainer's StartTunnelServer: one random user restricted to 127.0.0.1 so chisel never runs without users.
  tunnelServer.addUser({ username: randomCredential(8), password: randomCredential(16), allowed: /127\.0\.0\.1/ });

  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const ctx: ServerContext = {
    store,
    logger,
    now,
    version,
    edition,
    line,
    tunnelPort,
    tunnelAddress: `${urlHost}:${tunnelPort}`,
    fingerprint: tunnelServer.fingerprint,
    httpPort: 0,
    https,
    jwt: new JwtService(Buffer.from(store.doc.jwtSecret, 'base64')),
    authLimiter: new RateLimiter(now),
    ...(options.internalApiKey ? { internalKeyDigest: createHash('sha256').update(options.internalApiKey).digest() } : {}),
    tunnels: undefined as unknown as TunnelManager,
    etags: new Map(),
    events,
    revoked: new Map(),
  };
  const port: TunnelServerPort = {
    addUser: (u) => tunnelServer.addUser(u),
    removeUser: (name) => tunnelServer.removeUser(name),
    disconnectUser: (name) => tunnelServer.disconnectUser(name),
    on: (event: 'up' | 'down' | 'activity' | 'listenFailed', listener: (info: never) => void) => tunnelServer.on(event, listener as never),
  } as TunnelServerPort;
  if (options.onLoginBan) ctx.authLimiter.onBan = options.onLoginBan;
  ctx.tunnels = new TunnelManager({
    server: port,
    crypto: { randomCredential, encryptCredentials },
    logger,
    now,
    timers: options.timers ?? realTimers,
    reverseHost: '127.0.0.1',
    legacyActive: line.activeTunnelState,
    onChange: (id, what) => {
      if (what !== 'verified') ctx.etags.delete(id);
      if (what !== 'open' && events.listenerCount('environment-changed')) events.emit('environment-changed', { environmentId: id });
    },
    onVerified: (id, tunnelPortOfEnv) => {
      if (!store.envById.has(id)) return;
      logger.info(`environment ${id}: reached the agent through the tunnel (port ${tunnelPortOfEnv})`);
      const ev: TunnelVerifiedEvent = { environmentId: id, port: tunnelPortOfEnv, at: nowSec(ctx) };
      events.emit('tunnel-verified', ev);
    },
  });
  ctx.tunnels.start();

  const router = new Router();
  registerAuthRoutes(router, ctx);
  registerUserRoutes(router, ctx);
  registerSystemRoutes(router, ctx);
  registerSettingsRoutes(router, ctx);
  registerWaitingRoomRoutes(router, ctx);
  registerEndpointRoutes(router, ctx);
  registerEdgeGroupRoutes(router, ctx);
  registerGroupRoutes(router, ctx);
  registerTagRoutes(router, ctx);
  // Non-numeric ids on the poll path get Portainer's 400 (numeric ones never reach the router).
  router.add('GET', '/api/endpoints/:id/edge/status', 'public', (rc) => {
    routeId(rc.params.id!, 'environment');
  });

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    // The hot path first: the Edge poll, no router, no query parsing.
    if (req.method === 'GET') {
      const id = pollPathId(path);
      if (id >= 0) {
        handlePoll(ctx, req, res, id).catch((e) => fail(res, e));
        return;
      }
    }
    void dispatch(req, res, path, q < 0 ? '' : rawUrl.slice(q + 1));
  };

  const fail = (res: ServerResponse, e: unknown) => {
    if (e instanceof HttpError) {
      if (e.status >= 500) logger.error(`${e.message}${e.details ? `: ${e.details}` : ''}`);
      else logger.debug(`${e.status} ${e.message}${e.details ? `: ${e.details}` : ''}`);
      sendError(res, e);
      return;
    }
    logger.error('unexpected error while serving a request', e);
    sendError(res, new HttpError(500, 'Unexpected error', 'internal server error'));
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, path: string, search: string) => {
    try {
      const match = router.match(req.method ?? 'GET', path);
      if (match.kind === 'none') throw new HttpError(404, 'Not found', `no route for ${req.method} ${path.slice(0, 200)}`);
      if (match.kind === 'method') throw new HttpError(405, 'Method not allowed', `allowed: ${match.allowed.join(', ')}`, { Allow: match.allowed.join(', ') });
      const query = new URLSearchParams(search);
      const rc = makeRequestContext(req, res, path, query, match.params, bodyLimit);
      if (match.route.access !== 'public') {
        rc.user = authenticate(ctx, req, query);
        if (match.route.access === 'admin') requireAdmin(rc.user);
      }
      await match.route.handler(rc);
      if (!res.writableEnded && !res.headersSent) throw new HttpError(500, 'Unexpected error', 'the handler sent no response');
    } catch (e) {
      fail(res, e);
      // A refused upload: stop reading the rest of it.
      if (e instanceof HttpError && e.status === 413) res.once('finish', () => req.destroy());
    }
  };

  let server: Server;
  let caPem: string | undefined;
  if (https) {
    const tls = await ensureCertificate(options.dataDir, host, logger);
    caPem = tls.ca;
    server = createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  } else {
    server = createHttpServer(handler);
  }
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
  server.on('clientError', (err, socket) => {
    logger.debug(`client error: ${(err as Error).message}`);
    if (socket.writable && !(err as NodeJS.ErrnoException).code?.startsWith('ERR_SSL')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else socket.destroy();
  });

  const apiPort = options.port ?? 9443;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(apiPort, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    ctx.tunnels.stop();
    await tunnelServer.close();
    await store.close();
    throw listenError(e, 'API', host, apiPort);
  }
  ctx.httpPort = (server.address() as AddressInfo).port;

  const url = `${https ? 'https' : 'http'}://${urlHost}:${ctx.httpPort}`;
  logger.info(`local Portainer-compatible server (${edition.toUpperCase()} ${version}, release line ${line.label}) on ${url}, tunnel on ${urlHost}:${tunnelPort}`);
  if (versionWarning) logger.warn(versionWarning);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      ctx.tunnels.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await tunnelServer.close();
      await store.close();
      events.removeAllListeners();
    })());

  const tunnelAddress = `${urlHost}:${tunnelPort}`;
  return {
    url,
    tunnelAddress,
    fingerprint: ctx.fingerprint,
    https,
    username: 'admin',
    ...(initialPassword ? { initialPassword } : {}),
    loginBans: () => ctx.authLimiter.bans(),
    dataDir: options.dataDir,
    ...(caPem ? { caPem } : {}),
    version,
    edition,
    close,
    events,
    moveTokens: (from) => moveTokens(ctx, from, { url, tunnelAddress }),
    listEnvironmentViews: () => {
      const t = nowSec(ctx);
      return store.doc.environments.map((env) => viewOf(env, t));
    },
    environmentView: (id) => {
      const env = store.envById.get(id);
      return env ? viewOf(env, nowSec(ctx)) : undefined;
    },
    tunnelState: (id) => (store.envById.has(id) ? tunnelStateView(ctx.tunnels.state(id)) : undefined),
    ensureTunnel: async (id, signal) => {
      const env = store.envById.get(id);
      if (!env) throw new AppError('not_found', `Environment ${id} does not exist on the local server.`, 'environmentId');
      if (!isEdge(env)) throw new AppError('invalid_input', `Environment ${id} is not an Edge environment: it has no tunnel.`, 'environmentId');
      if (!env.EdgeID) throw new AppError('unavailable', `No agent has associated with environment ${id} yet: install or start one first (the tunnel needs its Edge ID).`);
      const checkin = effectiveCheckin(ctx, env);
      try {
        return tunnelStateView(await ctx.tunnels.ensure(env, checkin, signal));
      } catch (e) {
        if (signal?.aborted) throw new AppError('cancelled', 'Tunnel check cancelled.');
        const why = e instanceof Error ? e.message : String(e);
        throw new AppError('unavailable', `Could not reach the agent of environment ${id} through the tunnel (port ${tunnelPort}): ${why}`);
      }
    },
  };

  function viewOf(env: EnvironmentRecord, t: number): SimEnvironmentView {
    const tunnel = tunnelStateView(ctx.tunnels.state(env.Id));
    const view: SimEnvironmentView = {
      id: env.Id,
      name: env.Name,
      edgeKey: env.EdgeKey,
      checkinInterval: env.EdgeCheckinInterval || store.doc.settings.EdgeAgentCheckinInterval,
      lastCheckIn: store.heartbeat(env.Id),
      heartbeat: heartbeat(ctx, env, t),
      tunnelVerified: tunnel.status === 'verified',
      tunnel,
    };
    if (env.EdgeID) view.edgeId = env.EdgeID;
    return view;
  }
}

async function ensureAdmin(store: Store, password: string | undefined, nowS: () => number): Promise<string | undefined> {
  let admin = store.doc.users.find((u) => u.Username === 'admin');
  if (password !== undefined) {
    if (password.length === 0) throw new AppError('invalid_input', 'The admin password cannot be empty.', 'adminPassword');
    const hash = await hashPassword(password);
    if (admin) admin.passwordHash = hash;
    else store.doc.users.push({ Id: store.nextId('user'), Username: 'admin', Role: ROLE_ADMIN, passwordHash: hash, tokenIssueAt: nowS() });
    store.markDirty();
    return undefined;
  }
  if (admin) return undefined;
  const generated = generatePassword();
  admin = { Id: store.nextId('user'), Username: 'admin', Role: ROLE_ADMIN, passwordHash: await hashPassword(generated), tokenIssueAt: nowS() };
  store.doc.users.push(admin);
  store.markDirty();
  return generated;
}

/** The option a port error is about, so a caller (and a form) can tell which port was taken. */
export type PortField = 'port' | 'tunnelPort';

function listenError(e: unknown, what: string, host: string, port: number): AppError {
  const code = (e as NodeJS.ErrnoException).code;
  const field: PortField = what === 'tunnel' ? 'tunnelPort' : 'port';
  if (code === 'EADDRINUSE') return new AppError('conflict', `The ${what} port ${host}:${port} is already in use; choose another port (0 picks a free one).`, field);
  if (code === 'EACCES') return new AppError('unavailable', `Not allowed to listen on ${host}:${port} for the ${what}; use a port above 1024.`);
  return new AppError('unavailable', `Could not listen on ${host}:${port} for the ${what}: ${e instanceof Error ? e.message : String(e)}`);
}
