import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, failureOf } from '../../shared/contract/errors';
import { failure, type Failure } from '../../shared/domain/failures';
import { RUN_ID, type HostRecord, type HostStatus, type RunListItem, type RunOptions, type RunSummary, type Transcript } from '../../shared/schemas/run';
import { CoalescedFile } from '../stores/coalescedFile';
import { ensurePrivateDir } from '../platform/privateFiles';
import { targetSlug } from '../../shared/domain/sshTarget';
import { abortableSleep } from './abortableSleep';

/**
 * The fleet runner: a batch of targets with a concurrency limit, canary hosts first, a stop when
 * failures exceed a percentage, cancel through an AbortSignal, and resume by run id (only failed
 * and not-started hosts run again). A run lives in <runsDir>/<runId>/: summary.json plus one
 * transcript per host attempt under hosts/.
 *
 * PIPELINE: the concurrency limit is on SSH work (sessions and handshakes: sshd MaxStartups, jump
 * hosts), not on hosts in progress. A job holds one of `concurrency` slots from its start and may
 * give it back early with ctx.slot.release() — the SSH installer does once `docker run` returned
 * and the container runs; the wait for the agent's first check-in (Portainer API only) then runs
 * outside the slot while the next host starts. A job that needs SSH again (docker logs after a
 * failed verification) takes a slot back with ctx.slot.reacquire(), ahead of hosts not started.
 * The host stays 'running' until its job ends; `phase` says which part it is in.
 */
/** A failure as a host record holds it: `reason` there is the message, so the code goes in `reasonCode`. */
export function coded(f: Failure): Pick<HostRecord, 'reasonCode' | 'fix'> {
  return { reasonCode: f.reason, fix: f.fix };
}

// The run's records are defined once, as zod schemas in the shared core (shared/schemas/run.ts).
export type { HostRecord, HostStatus, RunSummary } from '../../shared/schemas/run';

/** The job's hold on one of the run's concurrency slots (see PIPELINE above). */
export interface SlotLease {
  /** Gives the slot back (idempotent) and marks the host 'verifying': the next host may start. */
  release(): void;
  /** Takes a slot again, ahead of hosts not yet started; call the returned function when done. */
  reacquire(): Promise<() => void>;
  readonly held: boolean;
}

export interface HostJobContext {
  runId: string;
  attempt: number;
  record: HostRecord;
  transcriptFile: string;
  signal: AbortSignal;
  slot: SlotLease;
}

export type HostJobResult = Pick<HostRecord, 'status' | 'reason' | 'reasonCode' | 'fix' | 'environmentId' | 'edgeId' | 'checkedIn' | 'tunnel' | 'detail' | 'secretFilesLeft'>;

export interface FleetOptions {
  runsDir: string;
  /** New run: the targets. Resume: omit and give resumeRunId. */
  targets?: string[];
  resumeRunId?: string;
  runId?: string;
  options?: RunOptions;
  concurrency?: number;
  /** The first N hosts run (with the same concurrency) before the rest; any canary failure stops the run. */
  canary?: number;
  /**
   * Stop starting hosts once failures exceed this percentage of the hosts in the run (default 100 =
   * never). Verification failures count when they are known; so that a failure every host shares
   * (e.g. agents that cannot reach Portainer) stops the run about as early as without the pipeline,
   * a run with a limit keeps at most 2 × concurrency hosts in progress (in a slot or verifying).
   */
  maxFailPct?: number;
  signal?: AbortSignal;
  job: (target: string, ctx: HostJobContext) => Promise<HostJobResult>;
  onUpdate?: (summary: RunSummary, changed?: HostRecord) => void;
}

const OK: HostStatus[] = ['succeeded', 'unchanged'];

export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

export function runDir(runsDir: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new AppError('invalid_input', `"${runId}" is not a run id.`, 'runId');
  return join(runsDir, runId);
}

export function readRunSummary(runsDir: string, runId: string): RunSummary {
  const f = join(runDir(runsDir, runId), 'summary.json');
  if (!existsSync(f)) throw new AppError('not_found', `There is no run ${runId} in ${runsDir}.`, 'runId');
  return JSON.parse(readFileSync(f, 'utf8')) as RunSummary;
}

export function listRuns(runsDir: string): RunListItem[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((d) => RUN_ID.test(d) && existsSync(join(runsDir, d, 'summary.json')))
    .map((d) => {
      const s = readRunSummary(runsDir, d);
      return { runId: s.runId, createdAt: s.createdAt, finished: s.finished, counts: s.counts };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Reads one host transcript of a run (JSON text), by the path recorded in the summary. */
export function readTranscript(runsDir: string, runId: string, target: string): Transcript {
  const s = readRunSummary(runsDir, runId);
  const h = s.hosts.find((x) => x.target === target);
  if (!h?.transcript) throw new AppError('not_found', `No transcript for ${target} in run ${runId}.`, 'target');
  return JSON.parse(readFileSync(join(runDir(runsDir, runId), h.transcript), 'utf8')) as Transcript;
}

/** Counting slots, FIFO, with a queue that goes first (hosts already under way that need SSH again). */
class Slots {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private readonly urgent: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  acquire(signal: AbortSignal, urgent = false): Promise<() => void> {
    const grant = (): (() => void) => {
      this.active++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.active--;
        (this.urgent.shift() ?? this.queue.shift())?.();
      };
    };
    if (signal.aborted) return Promise.reject(new AppError('cancelled', 'Cancelled.'));
    if (this.active < this.limit && !this.urgent.length && !this.queue.length) return Promise.resolve(grant());
    const q = urgent ? this.urgent : this.queue;
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(grant());
      };
      const onAbort = () => {
        const i = q.indexOf(wake);
        if (i >= 0) q.splice(i, 1);
        reject(new AppError('cancelled', 'Cancelled.'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      q.push(wake);
    });
  }
}

function count(hosts: HostRecord[]): Record<HostStatus, number> {
  const c: Record<HostStatus, number> = { pending: 0, running: 0, succeeded: 0, unchanged: 0, failed: 0, cancelled: 0, skipped: 0 };
  for (const h of hosts) c[h.status]++;
  return c;
}

/** How long a run's summary.json may lag behind the run (in memory and onUpdate it is current). */
const SUMMARY_WRITE_DELAY_MS = 250;

export async function runFleet(o: FleetOptions): Promise<RunSummary> {
  let summary: RunSummary;
  if (o.resumeRunId) {
    summary = readRunSummary(o.runsDir, o.resumeRunId);
    for (const h of summary.hosts) {
      if (!OK.includes(h.status)) {
        h.status = 'pending';
        delete h.reason;
        delete h.reasonCode;
        delete h.fix;
        delete h.phase;
      }
    }
    summary.finished = false;
    delete summary.stoppedBecause;
    if (o.options) summary.options = { ...summary.options, ...o.options };
  } else {
    const targets = o.targets ?? [];
    if (!targets.length) throw new AppError('invalid_input', 'No targets: give at least one user@host.', 'targets');
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(t)) throw new AppError('invalid_input', `The target ${t} is listed twice.`, 'targets');
      seen.add(t);
    }
    const now = new Date().toISOString();
    summary = { runId: o.runId ?? newRunId(), createdAt: now, updatedAt: now, finished: false, options: o.options ?? {}, hosts: targets.map((t) => ({ target: t, status: 'pending', attempts: 0 })), counts: count([]) };
  }
  const dir = runDir(o.runsDir, summary.runId);
  // Transcripts and summaries name hosts, users and what ran: private like the rest of the data folder.
  ensurePrivateDir(o.runsDir);
  mkdirSync(join(dir, 'hosts'), { recursive: true, mode: 0o700 });
  // Rewritten within SUMMARY_WRITE_DELAY_MS of a change and at the end of the run (listeners get
  // every change at once through onUpdate; the file is for listing runs and resuming them).
  const file = new CoalescedFile(join(dir, 'summary.json'), () => JSON.stringify(summary, null, 2), { onError: () => undefined });
  const save = (changed?: HostRecord) => {
    summary.counts = count(summary.hosts);
    summary.updatedAt = new Date().toISOString();
    file.markDirty(SUMMARY_WRITE_DELAY_MS);
    o.onUpdate?.(summary, changed);
  };
  save();
  try {
    // On disk before any host starts, so the run is listed (and resumable) from the start.
    await file.flush();
    return await runHosts(o, summary, save);
  } finally {
    // The run's last state must be on disk for resume: a failure here is the caller's to report.
    await file.close();
  }
}

async function runHosts(o: FleetOptions, summary: RunSummary, save: (changed?: HostRecord) => void): Promise<RunSummary> {
  const dir = runDir(o.runsDir, summary.runId);

  const controller = new AbortController();
  // Every host in progress (in a slot or verifying) may listen on the run's signal.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(o.signal?.reason);
  if (o.signal?.aborted) controller.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const concurrency = Math.max(1, o.concurrency ?? 10);
  const maxFailPct = o.maxFailPct ?? 100;
  const total = summary.hosts.length;
  let stopped: string | undefined;
  const slots = new Slots(concurrency);
  const inProgress = new Slots(maxFailPct < 100 ? 2 * concurrency : Number.MAX_SAFE_INTEGER);

  const runOne = async (h: HostRecord, releaseSlot: () => void) => {
    let held = true;
    const slot: SlotLease = {
      release: () => {
        if (!held) return;
        held = false;
        releaseSlot();
        if (h.status === 'running') {
          h.phase = 'verifying';
          save(h);
        }
      },
      reacquire: () => slots.acquire(controller.signal, true),
      get held() {
        return held;
      },
    };
    try {
      h.attempts++;
      h.status = 'running';
      h.phase = 'ssh';
      h.startedAt = new Date().toISOString();
      delete h.finishedAt;
      // This attempt reports its own (a resumed host may have removed what an earlier one left).
      delete h.secretFilesLeft;
      const rel = join('hosts', `${targetSlug(h.target)}.attempt${h.attempts}.json`);
      h.transcript = rel;
      save(h);
      const started = Date.now();
      try {
        const r = await o.job(h.target, { runId: summary.runId, attempt: h.attempts, record: h, transcriptFile: join(dir, rel), signal: controller.signal, slot });
        Object.assign(h, r);
        if (controller.signal.aborted && !OK.includes(h.status)) {
          Object.assign(h, { status: 'cancelled', reason: 'cancelled' }, coded(failure('cancelled')));
        }
      } catch (e) {
        h.status = controller.signal.aborted ? 'cancelled' : 'failed';
        h.reason = controller.signal.aborted ? 'cancelled' : e instanceof Error ? e.message : String(e);
        Object.assign(h, coded(controller.signal.aborted ? failure('cancelled') : failureOf(e)));
      }
      h.finishedAt = new Date().toISOString();
      h.ms = Date.now() - started;
      delete h.phase;
      save(h);
    } finally {
      held = false;
      releaseSlot();
    }
  };

  /** Starts the hosts in order as slots free up; resolves when every started host has finished. */
  const pool = async (hosts: HostRecord[], checkFailures: boolean) => {
    const started: Array<Promise<void>> = [];
    for (const h of hosts) {
      if (controller.signal.aborted || stopped) break;
      let doneInProgress: () => void;
      let releaseSlot: () => void;
      try {
        doneInProgress = await inProgress.acquire(controller.signal);
      } catch {
        break;
      }
      try {
        releaseSlot = await slots.acquire(controller.signal);
      } catch {
        doneInProgress();
        break;
      }
      if (controller.signal.aborted || stopped) {
        releaseSlot();
        doneInProgress();
        break;
      }
      started.push(
        runOne(h, releaseSlot).finally(() => {
          doneInProgress();
          if (checkFailures && !stopped) {
            const failed = summary.hosts.filter((x) => x.status === 'failed').length;
            if ((failed / total) * 100 > maxFailPct) stopped = `failures (${failed} of ${total}) exceeded ${maxFailPct}%`;
          }
        }),
      );
    }
    await Promise.all(started);
  };

  const todo = summary.hosts.filter((h) => h.status === 'pending');
  const canaryN = Math.min(o.canary ?? 0, todo.length);
  if (canaryN > 0) {
    const canaries = todo.slice(0, canaryN);
    await pool(canaries, false);
    const bad = canaries.filter((h) => !OK.includes(h.status));
    if (bad.length && !controller.signal.aborted) stopped = `canary ${bad.map((h) => h.target).join(', ')} failed`;
  }
  if (!stopped) await pool(todo.slice(canaryN), true);

  for (const h of summary.hosts) {
    if (h.status === 'pending') {
      h.status = controller.signal.aborted ? 'cancelled' : 'skipped';
      h.reason = controller.signal.aborted ? 'cancelled before it started' : `not started: ${stopped}`;
      Object.assign(h, coded(failure(controller.signal.aborted ? 'cancelled' : 'not-started')));
    }
  }
  if (controller.signal.aborted) stopped = 'cancelled';
  if (stopped) summary.stoppedBecause = stopped;
  summary.finished = true;
  o.signal?.removeEventListener('abort', onAbort);
  save();
  return summary;
}

/** Connection attempts with a fixed delay (parallel-ssh's defaults: 3 × 5 s). Non-retryable errors end at once. */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  o: { attempts?: number; delayMs?: number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; retryable: (e: unknown) => boolean; signal?: AbortSignal; onRetry?: (n: number, e: unknown) => void },
): Promise<T> {
  const attempts = o.attempts ?? 3;
  const sleep = o.sleep ?? abortableSleep;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n >= attempts || !o.retryable(e) || o.signal?.aborted) throw e;
      o.onRetry?.(n, e);
      await sleep(o.delayMs ?? 5000, o.signal);
    }
  }
}
