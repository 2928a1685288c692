import { request, type Dispatcher } from 'undici';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import type { AgentState, PollSample } from '../../shared/schemas/simulator';
import { decryptCredentials, splitCredentials } from '../tunnel/credentials';
import { connectTunnel, type TunnelHandle } from '../tunnel/tunnelClient';
import type { AgentApiServer } from './agentApi';
import { EtagCache } from './etagCache';

/**
 * One simulated Edge agent in standard (polling) mode, faithful to the agent's edge/poll.go
 * (portainer-edge.md §3.1–3.6, §4). It never schedules itself: the pool's shared scheduler calls
 * `poll()` when `nextDue` has passed.
 */

export type Platform = 'docker' | 'kubernetes';

export interface SimAgentConfig {
  edgeKey: string;
  edgeId: string;
  insecurePoll: boolean;
  platform: Platform;
  agentVersion: string;
  /** Value of `X-PortainerAgent-TimeZone` (Go's time.Local.String()). */
  timeZone: string;
  updateId: number;
  /** AGENT_PORT: the tunnel target port on the agent side. */
  agentPort: number;
  /** EDGE_TUNNEL: false ignores REQUIRED. */
  tunnel: boolean;
  /** EDGE_INACTIVITY_TIMEOUT in ms (default 5 min). */
  inactivityTimeoutMs: number;
  meta?: AgentMetaFields;
}

/** EDGE_GROUPS, PORTAINER_TAGS (ids joined by ':'), PORTAINER_GROUP as the agent reads them. */
export interface AgentMetaFields {
  edgeGroupIds: number[];
  tagIds: number[];
  groupId: number;
}

/**
 * The global-key request body as the agent sends it (agent `edge/client/portainer_edge_client.go`):
 * `{}` unless a meta field is set, then all three under their json names.
 */
export function globalKeyBody(meta: AgentMetaFields | undefined): string {
  if (!meta || (meta.edgeGroupIds.length === 0 && meta.tagIds.length === 0 && meta.groupId <= 0)) return '{}';
  return JSON.stringify({ edgeGroupsIds: meta.edgeGroupIds, tagsIds: meta.tagIds, environmentGroupId: meta.groupId });
}

export type AgentEvent =
  | { type: 'poll'; status: number; tunnel?: string; checkin?: number; first: boolean; notModified: boolean }
  | { type: 'global-key'; environmentId: number }
  | { type: 'interval'; seconds: number }
  | { type: 'tunnel-up'; port: number }
  | { type: 'tunnel-verified'; port: number }
  | { type: 'tunnel-down'; reason: string }
  | { type: 'error'; message: string; where: 'poll' | 'tunnel' | 'global-key' };

export interface PollStatusResponse {
  status: string;
  port: number;
  schedules: unknown[];
  checkin: number;
  credentials: string;
  stacks: unknown[];
}

export interface AgentContext {
  dispatcher(insecure: boolean): Dispatcher;
  api: AgentApiServer;
  onEvent(agent: SimAgent, event: AgentEvent): void;
  onSample(sample: PollSample): void;
  onStateChange(agent: SimAgent, from: AgentState, to: AgentState): void;
  groupId: string;
  /** Opens the agent's tunnel; default: our chisel-compatible client (tests may run the real chisel client). */
  connectTunnel?: typeof connectTunnel;
}

const INITIAL_INTERVAL_S = 5;
const INITIAL_TIMEOUT_S = 30;

export class NonOkResponseError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class SimAgent {
  readonly key: ReturnType<typeof decodeEdgeKey>;
  readonly baseUrl: string;
  state: AgentState = 'starting';
  endpointId: number;
  intervalS = INITIAL_INTERVAL_S;
  timeoutS = INITIAL_TIMEOUT_S;
  /** When the scheduler should poll next (ms since epoch). */
  nextDue: number;
  inFlight = false;
  polls = 0;
  notModified = 0;
  errors = 0;
  lastError?: string;
  lastStatus?: string;
  tunnelOpen = false;
  tunnelPort = 0;
  verified = false;
  private tunnel?: TunnelHandle;
  private tunnelAbort?: AbortController;
  private lastApiActivity = 0;
  private readonly cache = new EtagCache<PollStatusResponse>(8);
  private stopped = false;
  private jitterNext = false;

  constructor(
    readonly config: SimAgentConfig,
    private readonly ctx: AgentContext,
    startAt: number,
  ) {
    this.key = decodeEdgeKey(config.edgeKey);
    this.baseUrl = this.key.portainerUrl;
    this.endpointId = this.key.environmentId;
    // A ticker: the first poll comes one interval after start. The pool passes a random offset
    // within the first interval so that thousands of agents do not poll in lockstep.
    this.nextDue = startAt;
  }

  get edgeId(): string {
    return this.config.edgeId;
  }

  private setState(to: AgentState): void {
    if (this.state === to || (this.stopped && to !== 'stopped')) return;
    const from = this.state;
    this.state = to;
    this.ctx.onStateChange(this, from, to);
  }

  private headers(): Record<string, string> {
    return {
      'If-None-Match': this.cache.header(),
      'Portainer-Agent': this.config.agentVersion,
      'X-PortainerAgent-EdgeID': this.config.edgeId,
      'X-PortainerAgent-TimeZone': this.config.timeZone,
      'Portainer-Agent-Platform': this.config.platform === 'kubernetes' ? '2' : '1',
      'X-PortainerAgent-Update-ID': String(this.config.updateId),
    };
  }

  /** One tick of the poll loop. Never throws. */
  async poll(now = Date.now()): Promise<void> {
    if (this.stopped || this.inFlight) return;
    this.inFlight = true;
    const started = Date.now();
    let ok = false;
    try {
      if (this.key.global && this.endpointId === 0) await this.globalKey();
      const resp = await this.getStatus(started);
      ok = true;
      if (resp.checkin > 0 && resp.checkin !== this.intervalS) {
        this.intervalS = resp.checkin;
        this.timeoutS = resp.checkin;
        this.ctx.onEvent(this, { type: 'interval', seconds: resp.checkin });
      }
      await this.handleTunnel(resp);
      if (!this.tunnelOpen) this.setState('polling');
    } catch (err) {
      this.errors++;
      this.lastError = (err as Error).message;
      if (err instanceof NonOkResponseError && this.key.global) this.endpointId = 0;
      this.setState('error');
      this.jitterNext = true;
    } finally {
      this.inFlight = false;
      if (!this.stopped) this.schedule(now, ok);
    }
  }

  private schedule(tickAt: number, ok: boolean): void {
    const interval = this.intervalS * 1000;
    let next = tickAt + interval;
    const now = Date.now();
    if (next < now) next = now + interval - ((now - tickAt) % interval);
    if (!ok && this.jitterNext) {
      // After a failure the agent sleeps a random [0, interval) once before the next poll.
      this.jitterNext = false;
      next += Math.floor(Math.random() * interval);
    }
    this.nextDue = next;
  }

  private async globalKey(): Promise<void> {
    try {
      const res = await request(`${this.baseUrl}/api/endpoints/global-key`, {
        method: 'POST',
        headers: { 'X-PortainerAgent-EdgeID': this.config.edgeId },
        body: globalKeyBody(this.config.meta),
        dispatcher: this.ctx.dispatcher(this.config.insecurePoll),
        headersTimeout: this.timeoutS * 1000,
        bodyTimeout: this.timeoutS * 1000,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error('global key request failed');
      const id = Number((JSON.parse(text) as { endpointID?: unknown }).endpointID);
      if (!Number.isInteger(id) || id <= 0) throw new Error('global key request failed');
      this.endpointId = id;
      this.ctx.onEvent(this, { type: 'global-key', environmentId: id });
    } catch (err) {
      this.ctx.onEvent(this, { type: 'error', message: (err as Error).message, where: 'global-key' });
      throw err;
    }
  }

  private async getStatus(started: number): Promise<PollStatusResponse> {
    const sample: PollSample = { groupId: this.ctx.groupId, edgeId: this.config.edgeId, at: started, status: 0, latencyMs: 0 };
    const first = this.polls === 0;
    this.polls++;
    try {
      const res = await request(`${this.baseUrl}/api/endpoints/${this.endpointId}/edge/status`, {
        method: 'GET',
        headers: this.headers(),
        dispatcher: this.ctx.dispatcher(this.config.insecurePoll),
        headersTimeout: this.timeoutS * 1000,
        bodyTimeout: this.timeoutS * 1000,
      });
      sample.status = res.statusCode;
      const text = await res.body.text();
      sample.latencyMs = Date.now() - started;
      const etag = typeof res.headers.etag === 'string' ? res.headers.etag : '';
      let body: PollStatusResponse | undefined;
      if (res.statusCode === 304) {
        body = this.cache.get(etag);
        if (!body) throw new NonOkResponseError('short poll request failed', 304);
        this.notModified++;
      } else if (res.statusCode === 200) {
        body = JSON.parse(text) as PollStatusResponse;
        if (etag) this.cache.set(etag, body);
      } else {
        let msg = 'short poll request failed';
        try {
          const e = JSON.parse(text) as { message?: string; details?: string };
          if (e && typeof e.message === 'string') msg = `${e.message}: ${e.details ?? ''}`;
        } catch {
          /* not JSON */
        }
        throw new NonOkResponseError(msg, res.statusCode);
      }
      sample.tunnel = body.status as PollSample['tunnel'];
      this.lastStatus = body.status;
      this.ctx.onEvent(this, { type: 'poll', status: res.statusCode, tunnel: body.status, checkin: body.checkin, first, notModified: res.statusCode === 304 });
      return body;
    } catch (err) {
      sample.latencyMs = Date.now() - started;
      sample.error = (err as Error).message;
      this.ctx.onEvent(this, { type: 'error', message: sample.error, where: 'poll' });
      throw err;
    } finally {
      this.ctx.onSample(sample);
    }
  }

  private async handleTunnel(resp: PollStatusResponse): Promise<void> {
    if (!this.config.tunnel) return;
    if (resp.status === 'IDLE' && this.tunnelOpen) {
      this.closeTunnel('server says IDLE');
    } else if (resp.status === 'REQUIRED' && !this.tunnelOpen) {
      await this.openTunnel(resp);
    }
  }

  private async openTunnel(resp: PollStatusResponse): Promise<void> {
    // Like the agent: the tunnel counts as open as soon as it was started, even if it then fails;
    // recovery comes from IDLE or the inactivity timer (§4.5).
    this.tunnelOpen = true;
    this.tunnelPort = resp.port;
    this.verified = false;
    this.lastApiActivity = Date.now();
    let creds: { username: string; password: string };
    try {
      creds = splitCredentials(decryptCredentials(resp.credentials, this.config.edgeId));
    } catch (err) {
      this.tunnelError((err as Error).message);
      return;
    }
    const abort = (this.tunnelAbort = new AbortController());
    const target = {
      edgeId: this.config.edgeId,
      version: this.config.agentVersion,
      platform: this.config.platform,
      onRequest: (path: string) => {
        this.lastApiActivity = Date.now();
        if (path === '/ping' && !this.verified && this.tunnel) {
          this.verified = true;
          this.setState('tunnel-verified');
          this.ctx.onEvent(this, { type: 'tunnel-verified', port: this.tunnelPort });
        }
      },
    };
    try {
      const handle = await (this.ctx.connectTunnel ?? connectTunnel)({
        server: this.key.tunnelAddress,
        fingerprint: this.key.tunnelFingerprint,
        username: creds.username,
        password: creds.password,
        remotes: [`R:${resp.port}:127.0.0.1:${this.config.agentPort}`],
        dial: () => this.ctx.api.dial(target),
        signal: abort.signal,
      });
      if (abort.signal.aborted || this.stopped) {
        handle.close();
        return;
      }
      this.tunnel = handle;
      this.setState('tunnel-up');
      this.ctx.onEvent(this, { type: 'tunnel-up', port: resp.port });
      void handle.closed.then(() => {
        if (this.tunnel === handle) {
          this.tunnel = undefined;
          this.verified = false;
          this.ctx.onEvent(this, { type: 'tunnel-down', reason: handle.endReason ?? 'closed' });
          if (!this.stopped && this.state !== 'error') this.setState('polling');
        }
      });
    } catch (err) {
      if (!abort.signal.aborted) this.tunnelError((err as Error).message);
    }
  }

  private tunnelError(message: string): void {
    this.errors++;
    this.lastError = message;
    this.setState('error');
    this.ctx.onEvent(this, { type: 'error', message, where: 'tunnel' });
  }

  closeTunnel(reason: string): void {
    this.tunnelOpen = false;
    this.tunnelAbort?.abort();
    this.tunnelAbort = undefined;
    const t = this.tunnel;
    this.tunnel = undefined;
    this.verified = false;
    if (t) {
      t.close();
      this.ctx.onEvent(this, { type: 'tunnel-down', reason });
    }
  }

  /** Called by the pool's slow timer: closes a tunnel with no agent-API request for too long. */
  checkInactivity(now: number): void {
    if (this.tunnelOpen && now - this.lastApiActivity > this.config.inactivityTimeoutMs) this.closeTunnel('inactivity timeout');
  }

  /** The tunnel's end, for stop(). */
  async stop(): Promise<void> {
    this.stopped = true;
    const t = this.tunnel;
    this.closeTunnel('stopped');
    this.setState('stopped');
    if (t) await t.closed;
  }
}
