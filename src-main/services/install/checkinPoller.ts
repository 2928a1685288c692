import { AppError } from '../../shared/contract/errors';

/** What the check-in wait reads of an environment. */
export interface CheckinState {
  lastCheckIn: number;
  edgeId?: string;
  heartbeat: boolean;
  tunnelVerified?: boolean;
}

/** What the installer needs from Portainer to verify a host (the caller backs it with the real client). */
export interface CheckinProbe {
  getEnvironment(id: number, signal?: AbortSignal): Promise<CheckinState>;
  /**
   * Many environments in one call (Portainer's list filtered by endpointIds[]); an id missing
   * from the answer is an environment that is gone. Rejects with code 'unsupported' when the
   * server cannot filter so (then the caller asks one by one).
   */
  getEnvironments?(ids: number[], signal?: AbortSignal): Promise<Map<number, CheckinState>>;
  /**
   * Opens the environment's tunnel if needed and checks it end to end, as Portainer's TunnelAddr
   * (up to 2 × the check-in interval); rejects with what to check. Only where the server can (the
   * local server); without it the wait relies on `tunnelVerified`.
   */
  verifyTunnel?(id: number, signal?: AbortSignal): Promise<void>;
}

export type EnvironmentState = CheckinState;

/** Environments per list call when the probe can ask for many at once. */
export const BATCH_SIZE = 100;

export interface CheckinPollerOptions {
  /** Between two probes of one environment during its first `fastForMs` of waiting (default 500 ms). */
  fastMs?: number;
  /** Between two probes of one environment after that (default 1000 ms). */
  slowMs?: number;
  fastForMs?: number;
  /** getEnvironment calls in flight at once, over all waiting hosts (default 4). */
  maxInFlight?: number;
  /**
   * Cap on getEnvironment calls per second over all waiting hosts (default 20): with many hosts
   * waiting, each one is polled less often instead of the API getting more calls.
   */
  maxPerSecond?: number;
  now?: () => number;
}

interface Waiter {
  environmentId: number;
  since: number;
  deadline: number;
  nextDue: number;
  inFlight: boolean;
  decide: (e: EnvironmentState | undefined) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

/**
 * One poller for every host of a run that waits for its agent's first check-in. The hosts wait
 * outside the SSH concurrency slots, so many waits overlap; instead of one polling loop per host,
 * this keeps one timer, probes the environments that are due (a few calls in flight at once, at
 * most `maxPerSecond` a second in all), and hands each answer to that host's `decide`. A lone
 * host is probed every 500 ms for its first 10 s (the agent's first poll comes within one
 * check-in interval of its start), then every second. Where the probe can list many
 * environments in one call (`getEnvironments`), the due ones are asked together, up to
 * BATCH_SIZE a call, so 500 waiting hosts cost 5 calls a round instead of stretching each host's
 * interval to 25 s under the rate cap; a server that cannot filter is asked one by one.
 */
export class CheckinPoller {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private inFlight = 0;
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly fastForMs: number;
  private readonly maxInFlight: number;
  private readonly maxPerSecond: number;
  private readonly now: () => number;
  /** Probe calls made, single or batched (for tests and the transcript). */
  calls = 0;
  /** Whether due environments are asked together (until the server says it cannot filter). */
  private batched: boolean;

  constructor(
    private readonly probe: CheckinProbe,
    o: CheckinPollerOptions = {},
  ) {
    this.fastMs = o.fastMs ?? 500;
    this.slowMs = Math.max(this.fastMs, o.slowMs ?? 1000);
    this.fastForMs = o.fastForMs ?? 10_000;
    this.maxInFlight = Math.max(1, o.maxInFlight ?? 4);
    this.maxPerSecond = Math.max(1, o.maxPerSecond ?? 20);
    this.now = o.now ?? Date.now;
    this.batched = typeof probe.getEnvironments === 'function';
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Probes environment `environmentId` until `decide` returns something other than undefined
   * (that value is returned; a thrown error rejects) or `deadlineMs` (epoch ms) passes (returns
   * undefined). `decide` gets undefined when a probe failed (the next one is tried). Rejects with
   * a cancelled AppError when `signal` aborts.
   */
  wait<T>(environmentId: number, deadlineMs: number, decide: (e: EnvironmentState | undefined) => T | undefined, signal?: AbortSignal): Promise<T | undefined> {
    if (signal?.aborted) return Promise.reject(new AppError('cancelled', 'Cancelled.'));
    return new Promise<T | undefined>((resolve, reject) => {
      const now = this.now();
      const onAbort = () => finish(() => reject(new AppError('cancelled', 'Cancelled.')));
      const w: Waiter = {
        environmentId,
        since: now,
        deadline: deadlineMs,
        nextDue: now,
        inFlight: false,
        decide,
        resolve: (v) => finish(() => resolve(v as T | undefined)),
        reject: (e) => finish(() => reject(e)),
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      const finish = (settle: () => void) => {
        if (!this.waiters.delete(w)) return;
        w.cleanup();
        settle();
        this.schedule();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(w);
      this.schedule();
    });
  }

  private intervalFor(w: Waiter, now: number): number {
    const base = now - w.since < this.fastForMs ? this.fastMs : this.slowMs;
    const callsPerRound = this.batched ? Math.ceil(this.waiters.size / BATCH_SIZE) : this.waiters.size;
    return Math.max(base, Math.ceil((callsPerRound / this.maxPerSecond) * 1000));
  }

  private schedule(): void {
    // All call slots busy: the next answer runs tick() again, no timer needed (and none that spins).
    if (this.inFlight >= this.maxInFlight) return;
    let at = Infinity;
    for (const w of this.waiters) if (!w.inFlight) at = Math.min(at, w.nextDue, w.deadline);
    if (at === Infinity) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tick();
    }, Math.max(0, at - this.now()));
  }

  private tick(): void {
    const now = this.now();
    // Batched, a call also takes the waiters due within half a fast interval: hosts that started
    // at different moments then share their calls from the second round on, instead of each
    // keeping a call of its own (a waiter is still never probed more often than every fastMs / 2).
    const horizon = this.batched ? now + this.fastMs / 2 : now;
    const due: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.inFlight) continue;
      if (now >= w.deadline) w.resolve(undefined);
      else if (w.nextDue <= horizon) due.push(w);
    }
    due.sort((a, b) => a.nextDue - b.nextDue);
    const size = this.batched ? BATCH_SIZE : 1;
    for (let i = 0; i < due.length && this.inFlight < this.maxInFlight; i += size) void this.poll(due.slice(i, i + size));
    this.schedule();
  }

  /** One probe call for `ws` (one waiter, or a batch), then each waiter's decide. */
  private async poll(ws: Waiter[]): Promise<void> {
    for (const w of ws) w.inFlight = true;
    this.inFlight++;
    this.calls++;
    let states: Map<number, EnvironmentState> | undefined;
    let unsupported = false;
    try {
      if (this.batched) states = await this.probe.getEnvironments!([...new Set(ws.map((w) => w.environmentId))]);
      else states = new Map([[ws[0]!.environmentId, await this.probe.getEnvironment(ws[0]!.environmentId)]]);
    } catch (e) {
      unsupported = this.batched && e instanceof AppError && e.code === 'unsupported';
      states = undefined;
    }
    this.inFlight--;
    // The server cannot list by id: from now on one call per environment (these are due again now).
    if (unsupported) this.batched = false;
    const now = this.now();
    for (const w of ws) {
      w.inFlight = false;
      if (unsupported) continue;
      if (this.waiters.has(w)) {
        try {
          const v = w.decide(states?.get(w.environmentId));
          if (v !== undefined) w.resolve(v);
        } catch (err) {
          w.reject(err);
        }
      }
      w.nextDue = now + this.intervalFor(w, now);
    }
    // Others may have become due while this call was in flight.
    this.tick();
  }
}
