import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';
import { releaseLineFor } from '../../shared/domain/releaseLines';
import type { TunnelStateView } from '../../shared/schemas/portainer';
import type { AgentGroupView, PollSample, SimEnvironmentView, SimMove, SimStatus } from '../../shared/schemas/simulator';
import { agentsStartRequest, simStartRequest } from '../../shared/schemas/simulator';
import type { z } from 'zod';
import { AgentPool } from '../agents';
import { DEFAULT_VERSION, startLocalServer, type LocalServer } from '../localserver/server';
import type { Logger } from '../logging/logger';
import type { Redactor } from '../logging/redact';
import type { EventHub } from '../rpc/eventHub';
import { loadKeptServer, saveKeptServer } from './keptServer';

type StartRequest = z.output<typeof simStartRequest>;
type AgentsRequest = z.output<typeof agentsStartRequest>;

const SAMPLE_FLUSH_MS = 250;
const GROUPS_EVERY_MS = 1000;

/**
 * The release and edition the server emulates, as `edgedeck sim` takes them: Business Edition
 * trusts new devices on first connect unless asked not to; CE only changes it when asked.
 */
function profileOf(request: StartRequest): { version?: string; edition: 'ce' | 'be'; trustOnFirstConnect?: boolean } {
  // Checked here so a bad version names the field the Simulator page and the contract call it.
  if (request.portainerVersion) releaseLineFor(request.portainerVersion, 'portainerVersion');
  const trust = request.trustOnFirstConnect ?? (request.edition === 'be' ? true : undefined);
  return { ...(request.portainerVersion ? { version: request.portainerVersion } : {}), edition: request.edition ?? 'ce', ...(trust !== undefined ? { trustOnFirstConnect: trust } : {}) };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * The app's own Portainer-compatible server and its simulated agents: one server at a time,
 * one agent pool beside it. Events go to the hub in batches so thousands of agents cannot flood
 * the UI: poll samples every 250 ms, group counters every second.
 */
export class SimulatorService {
  private server?: LocalServer;
  private pool?: AgentPool;
  private embedded = false;
  private password?: string;
  private moved?: SimMove;
  private pending: PollSample[] = [];
  private flushTimer?: NodeJS.Timeout;
  private groupsTimer?: NodeJS.Timeout;
  private starting?: Promise<SimStatus>;

  constructor(
    private readonly deps: {
      dataDir: string;
      logger: Logger;
      hub: EventHub;
      redactor?: Redactor;
      /**
       * The Edge ID the app shows and keeps for an environment of this server (its details page and
       * install commands use it); the agent started for one environment takes it by default.
       */
      edgeIdFor?: (environmentId: number, boundEdgeId: string | undefined) => string;
      /**
       * Told when a server comes up or goes away (the app keeps a server profile for it), with the
       * server's per-start internal API key: the app's own session uses it, never the password.
       */
      onServer?: (server: LocalServer | undefined, internalApiKey?: string) => Promise<void>;
    },
  ) {}

  status(): SimStatus {
    const s = this.server;
    if (!s) return { running: false, embedded: false, https: true, version: DEFAULT_VERSION };
    const status: SimStatus = {
      running: true,
      embedded: this.embedded,
      https: s.https,
      version: s.version,
      edition: s.edition,
      url: s.url,
      tunnelAddress: s.tunnelAddress,
      username: s.username,
      fingerprint: s.fingerprint,
      dataDir: s.dataDir,
    };
    if (this.password) status.hasPassword = true;
    if (this.moved) status.moved = this.moved;
    const bans = s.loginBans();
    if (bans.length) status.loginBans = bans.map((b) => ({ ip: b.ip, until: new Date(b.until).toISOString() }));
    return status;
  }

  /** The admin password, for an explicit reveal (`sim:revealPassword`): never part of a status. */
  revealPassword(): { password: string } {
    this.requireServer();
    if (!this.password) throw new AppError('not_found', 'This local server has no admin password Edgedeck knows.');
    return { password: this.password };
  }

  /** The running server (for the embedded profile), if any. */
  current(): { server: LocalServer; password?: string } | undefined {
    return this.server ? { server: this.server, ...(this.password ? { password: this.password } : {}) } : undefined;
  }

  async start(request: StartRequest, options: { embedded?: boolean } = {}): Promise<SimStatus> {
    if (this.starting) return this.starting;
    if (this.server) throw new AppError('conflict', `The local server is already running at ${this.server.url}; stop it first to change its ports.`);
    this.starting = this.doStart(request, options.embedded ?? false).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(request: StartRequest, embedded: boolean): Promise<SimStatus> {
    const { dataDir, logger } = this.deps;
    // Kept from the last start: the same admin password (profiles and tools stay logged in) and the
    // same ports (the join tokens it issued name them). A 0 in the request means "the kept port".
    const kept = loadKeptServer(dataDir, logger);
    const password = kept?.adminPassword ?? randomBytes(12).toString('base64url');
    this.deps.redactor?.add(password);
    // The app's own credential for this run: an API key never counts against the login limiter
    // (Portainer limits POST /api/auth only), so bad logins from 127.0.0.1 cannot lock the app out.
    const internalApiKey = `ptr_${randomBytes(32).toString('base64')}`;
    this.deps.redactor?.add(internalApiKey);
    const start = (port: number, tunnelPort: number) =>
      startLocalServer({ dataDir, port, tunnelPort, https: request.https, adminPassword: password, internalApiKey, logger, onLoginBan: () => this.deps.hub.emit('sim:status', this.status()), ...profileOf(request) });
    let server: LocalServer;
    try {
      server = await start(request.port || kept?.port || 0, request.tunnelPort || kept?.tunnelPort || 0);
    } catch (e) {
      const keptPortTaken = !!kept && e instanceof AppError && e.code === 'conflict' && (e.field === 'port' ? request.port === 0 : e.field === 'tunnelPort' && request.tunnelPort === 0);
      if (!keptPortTaken) throw e;
      // Another program took a kept port: a new pair, and the tokens that named the old one are reissued below.
      logger.warn(`${e.message} Starting on new ports instead.`);
      server = await start(request.port, request.tunnelPort);
    }
    this.moved = undefined;
    if (kept && (kept.url !== server.url || kept.tunnelAddress !== server.tunnelAddress)) {
      const environments = server.moveTokens({ url: kept.url, tunnelAddress: kept.tunnelAddress });
      this.moved = { previousUrl: kept.url, previousTunnelAddress: kept.tunnelAddress, environments };
      if (environments.length) {
        logger.warn(
          `the local server moved from ${kept.url} (tunnel ${kept.tunnelAddress}) to ${server.url} (tunnel ${server.tunnelAddress}); ` +
            `new join tokens for: ${environments.map((e) => `${e.name} (${e.id})`).join(', ')}. Agents installed with the old tokens need the new ones.`,
        );
      }
    }
    try {
      saveKeptServer(dataDir, { port: portOf(server.url), tunnelPort: portOf(`tcp://${server.tunnelAddress}`), url: server.url, tunnelAddress: server.tunnelAddress, adminPassword: password });
    } catch (e) {
      logger.warn(`could not keep the local server's ports and password in ${dataDir}; the next start picks new ones`, e);
    }
    this.server = server;
    this.password = password;
    this.embedded = embedded;
    this.pool = new AgentPool({
      onPoll: (sample) => this.queueSample(sample),
      samplesPerSecond: 40,
      ...(server.caPem ? { ca: server.caPem } : {}),
    });
    this.groupsTimer = setInterval(() => this.pushGroups(), GROUPS_EVERY_MS);
    this.groupsTimer.unref();
    await this.deps.onServer?.(server, internalApiKey);
    const status = this.status();
    this.deps.hub.emit('sim:status', status);
    return status;
  }

  async stop(): Promise<SimStatus> {
    const server = this.server;
    const pool = this.pool;
    this.server = undefined;
    this.pool = undefined;
    this.password = undefined;
    this.embedded = false;
    if (this.groupsTimer) clearInterval(this.groupsTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.groupsTimer = this.flushTimer = undefined;
    this.pending = [];
    await pool?.stop();
    await server?.close();
    if (server) await this.deps.onServer?.(undefined);
    const status = this.status();
    this.deps.hub.emit('sim:status', status);
    this.deps.hub.emit('agents:groups', { groups: [] });
    return status;
  }

  environments(): SimEnvironmentView[] {
    return this.requireServer().listEnvironmentViews();
  }

  /** The details view's and the Simulator's "verify tunnel": opens it on demand, as Portainer's TunnelAddr. */
  verifyTunnel(environmentId: number): Promise<TunnelStateView> {
    return this.requireServer().ensureTunnel(environmentId);
  }

  startAgents(request: AgentsRequest): AgentGroupView {
    const server = this.requireServer();
    const pool = this.pool!;
    let edgeKey = request.edgeKey;
    let edgeId = request.edgeId;
    const environmentId = request.environmentId;
    if (environmentId !== undefined) {
      const env = server.environmentView(environmentId);
      if (!env) throw new AppError('not_found', `Environment ${environmentId} does not exist on the local server; refresh the list.`, 'environmentId');
      edgeKey = env.edgeKey;
      // One agent takes the environment's bound Edge ID (or claims a new one); several get `<prefix>-<n>`.
      if (request.count === 1 && !edgeId) edgeId = this.deps.edgeIdFor?.(environmentId, env.edgeId) ?? env.edgeId ?? randomUUID();
    }
    if (!edgeKey) throw new AppError('invalid_input', 'Pick an environment, or paste a join token.', 'environmentId');
    const groupId = pool.startGroup({
      edgeKey,
      count: request.count,
      ...(edgeId ? { edgeId } : {}),
      edgeIdPrefix: request.edgeIdPrefix ?? `sim-${environmentId ?? 'key'}`,
      insecurePoll: request.insecurePoll,
      platform: request.platform,
      ...(environmentId !== undefined ? { environmentId } : {}),
      ...(request.edgeGroupIds?.length || request.tagIds?.length || request.groupId ? { meta: { edgeGroupIds: request.edgeGroupIds ?? [], tagIds: request.tagIds ?? [], groupId: request.groupId ?? 0 } } : {}),
    });
    this.pushGroups();
    return pool.groupView(groupId)!;
  }

  async stopAgents(groupId?: string): Promise<{ stopped: number }> {
    const pool = this.pool;
    if (!pool) return { stopped: 0 };
    const ids = groupId ? [groupId] : pool.groupViews().map((g) => g.id);
    let stopped = 0;
    for (const id of ids) {
      stopped += pool.groupView(id)?.count ?? 0;
      await pool.stopGroup(id);
    }
    this.pushGroups();
    return { stopped };
  }

  groups(): AgentGroupView[] {
    return this.pool?.groupViews() ?? [];
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private requireServer(): LocalServer {
    if (!this.server) throw new AppError('unavailable', 'The local server is not running: start it on the Simulator page.');
    return this.server;
  }

  private queueSample(sample: PollSample): void {
    this.pending.push(sample);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        const samples = this.pending;
        this.pending = [];
        this.deps.hub.emit('agents:polls', { samples });
      }, SAMPLE_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private pushGroups(): void {
    const groups = this.groups();
    if (groups.length > 0 || this.pool) this.deps.hub.emit('agents:groups', { groups });
  }
}
