import { randomUUID } from 'node:crypto';
import { Agent as UndiciAgent, type Dispatcher } from 'undici';
import { AppError } from '../../shared/contract/errors';
import type { AgentGroupView, AgentState, PollSample } from '../../shared/schemas/simulator';
import { AgentApiServer } from './agentApi';
import { SimAgent, type AgentContext, type AgentEvent, type AgentMetaFields, type Platform, type SimAgentConfig } from './simAgent';

/**
 * Many simulated Edge agents in one process. One scheduler timer (TICK_MS) fires the agents whose
 * poll is due (a min-heap by due time: no per-agent timers), one slow timer checks tunnel
 * inactivity, and two shared undici dispatchers (TLS verified / insecure) keep connections alive.
 */

const TICK_MS = 50;
const INACTIVITY_CHECK_MS = 30_000; // tunnelActivityCheckInterval
const DEFAULT_INACTIVITY_MS = 5 * 60_000;

export interface AgentGroupOptions {
  edgeKey: string;
  /** Exact Edge ID (count 1), or the prefix for `<prefix>-<n>`. */
  edgeId?: string;
  edgeIdPrefix?: string;
  count?: number;
  insecurePoll?: boolean;
  platform?: Platform;
  agentVersion?: string;
  timeZone?: string;
  updateId?: number;
  agentPort?: number;
  tunnel?: boolean;
  inactivityTimeoutMs?: number;
  /** EDGE_GROUPS, PORTAINER_TAGS, PORTAINER_GROUP: sent with the global-key request. */
  meta?: AgentMetaFields;
  /** Spread first polls over [startDelay, startDelay + interval); default: the initial 5 s interval. */
  firstPollSpreadMs?: number;
  /** Fixed first-poll delay instead of a random one (tests). */
  firstPollDelayMs?: number;
  environmentId?: number;
}

export interface AgentPoolOptions {
  /** Per-agent events (state changes, polls, tunnel up/verified/down, errors). */
  onEvent?: (agent: SimAgent, event: AgentEvent) => void;
  onStateChange?: (agent: SimAgent, from: AgentState, to: AgentState) => void;
  /** Sampled polls for a live timeline: at most `samplesPerSecond` per second (others are counted only). */
  onPoll?: (sample: PollSample) => void;
  samplesPerSecond?: number;
  /** Extra CA certificates for HTTPS polls (verified mode). */
  ca?: string | string[];
  /** Max keep-alive connections per origin, per dispatcher. */
  connectionsPerOrigin?: number;
  /** Opens each agent's tunnel (default: our chisel-compatible client). */
  connectTunnel?: AgentContext['connectTunnel'];
}

interface Group {
  id: string;
  environmentId: number;
  startedAt: number;
  agents: SimAgent[];
  lastError?: string;
}

interface HeapEntry {
  due: number;
  agent: SimAgent;
}

function defaultTimeZone(): string {
  const tz = process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz || 'UTC';
}

export class AgentPool {
  private readonly groups = new Map<string, Group>();
  private readonly heap: HeapEntry[] = [];
  private readonly api = new AgentApiServer();
  private readonly secure: UndiciAgent;
  private readonly insecure: UndiciAgent;
  private timer?: NodeJS.Timeout;
  private slowTimer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private sampleWindow = 0;
  private samplesInWindow = 0;
  droppedSamples = 0;
  private stopped = false;

  constructor(private readonly options: AgentPoolOptions = {}) {
    const connections = options.connectionsPerOrigin ?? 64;
    this.secure = new UndiciAgent({ keepAliveTimeout: 60_000, connections, connect: options.ca ? { ca: options.ca } : {} });
    this.insecure = new UndiciAgent({ keepAliveTimeout: 60_000, connections, connect: { rejectUnauthorized: false } });
  }

  /** Starts a group of agents; returns its id. Throws AppError on a bad key or options. */
  startGroup(opts: AgentGroupOptions): string {
    if (this.stopped) throw new AppError('unavailable', 'The agent pool is stopped.');
    const count = opts.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new AppError('invalid_input', 'Start at least one agent.', 'count');
    if (count > 1 && !opts.edgeIdPrefix && !opts.edgeId) throw new AppError('invalid_input', 'Several agents need an Edge ID prefix.', 'edgeIdPrefix');
    const id = randomUUID().slice(0, 8);
    const group: Group = { id, environmentId: 0, startedAt: Date.now(), agents: [] };
    const ctx = {
      groupId: id,
      api: this.api,
      dispatcher: (insecure: boolean): Dispatcher => (insecure ? this.insecure : this.secure),
      onEvent: (agent: SimAgent, e: AgentEvent) => {
        if (e.type === 'error') group.lastError = e.message;
        this.options.onEvent?.(agent, e);
      },
      onSample: (s: PollSample) => this.sample(s),
      onStateChange: (agent: SimAgent, from: AgentState, to: AgentState) => this.options.onStateChange?.(agent, from, to),
      ...(this.options.connectTunnel ? { connectTunnel: this.options.connectTunnel } : {}),
    };
    const spread = opts.firstPollSpreadMs ?? 5000;
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const edgeId = count === 1 && opts.edgeId ? opts.edgeId : `${opts.edgeIdPrefix ?? opts.edgeId}-${i + 1}`;
      const cfg: SimAgentConfig = {
        edgeKey: opts.edgeKey,
        edgeId,
        insecurePoll: opts.insecurePoll ?? false,
        platform: opts.platform ?? 'docker',
        agentVersion: opts.agentVersion ?? '2.23.0',
        timeZone: opts.timeZone ?? defaultTimeZone(),
        updateId: opts.updateId ?? 0,
        agentPort: opts.agentPort ?? 9001,
        tunnel: opts.tunnel ?? true,
        inactivityTimeoutMs: opts.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_MS,
        ...(opts.meta ? { meta: opts.meta } : {}),
      };
      const first = opts.firstPollDelayMs ?? Math.floor(Math.random() * spread);
      const agent = new SimAgent(cfg, ctx, now + first);
      group.agents.push(agent);
      group.environmentId = agent.key.environmentId;
      this.push({ due: agent.nextDue, agent });
    }
    if (opts.environmentId !== undefined) group.environmentId = opts.environmentId;
    this.groups.set(id, group);
    this.ensureTimers();
    return id;
  }

  private ensureTimers(): void {
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref?.();
    }
    if (!this.slowTimer) {
      this.slowTimer = setInterval(() => {
        const now = Date.now();
        for (const g of this.groups.values()) for (const a of g.agents) a.checkInactivity(now);
      }, Math.min(INACTIVITY_CHECK_MS, 1000));
      this.slowTimer.unref?.();
    }
  }

  private tick(): void {
    const now = Date.now();
    // Bounded work per tick: at most 5,000 polls started per 50 ms.
    for (let n = 0; n < 5000 && this.heap.length && this.heap[0]!.due <= now; n++) {
      const e = this.pop()!;
      const agent = e.agent;
      if (agent.state === 'stopped') continue;
      const p = agent.poll(e.due).then(() => {
        this.inFlight.delete(p);
        if (agent.state !== 'stopped') this.push({ due: agent.nextDue, agent });
      });
      this.inFlight.add(p);
    }
  }

  private sample(s: PollSample): void {
    if (!this.options.onPoll) return;
    const sec = Math.floor(Date.now() / 1000);
    if (sec !== this.sampleWindow) {
      this.sampleWindow = sec;
      this.samplesInWindow = 0;
    }
    if (this.samplesInWindow >= (this.options.samplesPerSecond ?? 20)) {
      this.droppedSamples++;
      return;
    }
    this.samplesInWindow++;
    this.options.onPoll(s);
  }

  /* min-heap by due time */
  private push(e: HeapEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.due <= h[i]!.due) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private pop(): HeapEntry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.due < h[m]!.due) m = l;
        if (r < h.length && h[r]!.due < h[m]!.due) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  agents(groupId?: string): SimAgent[] {
    if (groupId) return this.groups.get(groupId)?.agents ?? [];
    return [...this.groups.values()].flatMap((g) => g.agents);
  }

  groupView(groupId: string): AgentGroupView | undefined {
    const g = this.groups.get(groupId);
    if (!g) return undefined;
    const states: Record<AgentState, number> = { starting: 0, polling: 0, 'tunnel-up': 0, 'tunnel-verified': 0, error: 0, stopped: 0 };
    let polls = 0;
    let notModified = 0;
    let errors = 0;
    for (const a of g.agents) {
      states[a.state]++;
      polls += a.polls;
      notModified += a.notModified;
      errors += a.errors;
    }
    const view: AgentGroupView = { id: g.id, environmentId: g.agents[0]?.endpointId || g.environmentId, count: g.agents.length, startedAt: g.startedAt, states, polls, notModified, errors };
    if (g.lastError !== undefined) view.lastError = g.lastError;
    return view;
  }

  groupViews(): AgentGroupView[] {
    return [...this.groups.keys()].map((id) => this.groupView(id)!);
  }

  async stopGroup(groupId: string): Promise<void> {
    const g = this.groups.get(groupId);
    if (!g) return;
    this.groups.delete(groupId);
    await Promise.all(g.agents.map((a) => a.stop()));
  }

  /** Stops every agent, waits for polls in flight and tunnels to close, and closes the dispatchers. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.slowTimer) clearInterval(this.slowTimer);
    this.timer = this.slowTimer = undefined;
    const all = this.agents();
    await Promise.all(all.map((a) => a.stop()));
    this.heap.length = 0;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.api.close();
    await Promise.all([this.secure.close(), this.insecure.close()]);
  }
}
