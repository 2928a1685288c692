import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/shared/contract/errors';
import { BATCH_SIZE, CheckinPoller } from '../../../src-main/services/install/checkinPoller';
import { runFleet, type HostJobContext, type HostJobResult } from '../../../src-main/services/install/fleet';

const dirs: string[] = [];
function runsDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edt-pipeline-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function abortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('cancelled'))), { once: true });
  });
}

/** A job shaped like the SSH install: `sshMs` in the slot, then `verifyMs` outside it. */
function pipelinedJob(o: { sshMs: number; verifyMs: number; fail?: (t: string) => boolean; trace: { inSlot: number; maxInSlot: number; maxInProgress: number; inProgress: number; events: string[] } }) {
  return async (target: string, ctx: HostJobContext): Promise<HostJobResult> => {
    const tr = o.trace;
    tr.inProgress++;
    tr.inSlot++;
    tr.maxInSlot = Math.max(tr.maxInSlot, tr.inSlot);
    tr.maxInProgress = Math.max(tr.maxInProgress, tr.inProgress);
    tr.events.push(`start ${target}`);
    try {
      await abortable(o.sshMs, ctx.signal);
      tr.inSlot--;
      ctx.slot.release();
      expect(ctx.record.phase).toBe('verifying');
      await abortable(o.verifyMs, ctx.signal);
      tr.events.push(`end ${target}`);
      return { status: o.fail?.(target) ? 'failed' : 'succeeded' };
    } finally {
      if (ctx.slot.held) tr.inSlot--;
      tr.inProgress--;
    }
  };
}
const newTrace = () => ({ inSlot: 0, maxInSlot: 0, maxInProgress: 0, inProgress: 0, events: [] as string[] });

describe('fleet pipeline: the SSH slot is released for the check-in wait', () => {
  it('overlaps verifications while at most `concurrency` hosts hold a slot; the summary shows the phase', async () => {
    const trace = newTrace();
    const phases = new Set<string>();
    const targets = Array.from({ length: 12 }, (_, i) => `h${i}`);
    const t0 = Date.now();
    const s = await runFleet({
      runsDir: runsDir(),
      targets,
      concurrency: 3,
      job: pipelinedJob({ sshMs: 20, verifyMs: 200, trace }),
      onUpdate: (sum) => sum.hosts.forEach((h) => h.phase && phases.add(h.phase)),
    });
    const ms = Date.now() - t0;
    expect(s.counts.succeeded).toBe(12);
    expect(trace.maxInSlot).toBeLessThanOrEqual(3);
    expect(trace.maxInProgress).toBeGreaterThan(3);
    // Holding the slot through the wait would take 4 rounds × 220 ms.
    expect(ms).toBeLessThan(700);
    expect([...phases].sort()).toEqual(['ssh', 'verifying']);
    expect(s.hosts.every((h) => h.phase === undefined)).toBe(true);
  });

  it('canary: the rest start only after the canary host is fully verified', async () => {
    const trace = newTrace();
    const s = await runFleet({ runsDir: runsDir(), targets: ['c', 'a', 'b'], canary: 1, concurrency: 5, job: pipelinedJob({ sshMs: 5, verifyMs: 100, trace }) });
    expect(s.counts.succeeded).toBe(3);
    expect(trace.events.slice(0, 2)).toEqual(['start c', 'end c']);

    const trace2 = newTrace();
    const s2 = await runFleet({ runsDir: runsDir(), targets: ['c', 'a', 'b'], canary: 1, concurrency: 5, job: pipelinedJob({ sshMs: 5, verifyMs: 50, trace: trace2, fail: (t) => t === 'c' }) });
    expect(s2.hosts.map((h) => h.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(s2.stoppedBecause).toMatch(/canary c failed/);
  });

  it('max-fail counts verification failures, and caps hosts in progress at 2 × concurrency when set', async () => {
    const trace = newTrace();
    const targets = Array.from({ length: 20 }, (_, i) => `h${i}`);
    const s = await runFleet({ runsDir: runsDir(), targets, concurrency: 2, maxFailPct: 10, job: pipelinedJob({ sshMs: 5, verifyMs: 60, trace, fail: () => true }) });
    expect(trace.maxInProgress).toBeLessThanOrEqual(4);
    expect(s.stoppedBecause).toMatch(/exceeded 10%/);
    expect(s.counts.skipped).toBeGreaterThan(10);
    expect(s.counts.failed).toBeLessThanOrEqual(3 + 4);
  });

  it('cancel aborts hosts that are verifying; hosts not started are cancelled', async () => {
    const controller = new AbortController();
    const trace = newTrace();
    const targets = Array.from({ length: 6 }, (_, i) => `h${i}`);
    setTimeout(() => controller.abort(), 80);
    const t0 = Date.now();
    const s = await runFleet({ runsDir: runsDir(), targets, concurrency: 2, signal: controller.signal, job: pipelinedJob({ sshMs: 30, verifyMs: 10_000, trace }) });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.stoppedBecause).toBe('cancelled');
    expect(s.hosts.every((h) => h.status === 'cancelled')).toBe(true);
    expect(s.hosts.filter((h) => h.attempts > 0).length).toBeGreaterThan(2);
  });

  it('a host that needs SSH again (docker logs) gets a slot before hosts not yet started', async () => {
    const order: string[] = [];
    const s = await runFleet({
      runsDir: runsDir(),
      targets: ['a', 'b', 'c', 'd'],
      concurrency: 1,
      job: async (t, ctx) => {
        order.push(`ssh ${t}`);
        await sleep(t === 'a' ? 5 : 30);
        ctx.slot.release();
        if (t === 'a') {
          await sleep(10); // b holds the slot now; c and d queue behind it
          const done = await ctx.slot.reacquire();
          order.push('logs a');
          done();
          return { status: 'failed', reason: 'no check-in' };
        }
        return { status: 'succeeded' };
      },
    });
    expect(order).toEqual(['ssh a', 'ssh b', 'logs a', 'ssh c', 'ssh d']);
    expect(s.counts).toMatchObject({ failed: 1, succeeded: 3 });
  });
});

describe('check-in poller', () => {
  it('one poller for many waiting environments: calls in flight capped, a lone host probed every 500 ms', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const calls = new Map<number, number[]>();
    const t0 = Date.now();
    const probe = {
      getEnvironment: async (id: number) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        calls.set(id, [...(calls.get(id) ?? []), Date.now() - t0]);
        await sleep(5);
        inFlight--;
        return { lastCheckIn: (calls.get(id)!.length >= 3 ? 1 : 0), heartbeat: true };
      },
    };
    const poller = new CheckinPoller(probe, { maxInFlight: 2, maxPerSecond: 1000 });
    const ids = [1, 2, 3, 4, 5, 6];
    const results = await Promise.all(ids.map((id) => poller.wait(id, Date.now() + 5000, (e) => (e && e.lastCheckIn > 0 ? 'in' : undefined))));
    expect(results).toEqual(ids.map(() => 'in'));
    expect(maxInFlight).toBeLessThanOrEqual(2);
    for (const id of ids) {
      const c = calls.get(id)!;
      expect(c).toHaveLength(3);
      // ~500 ms apart (timers are not exact), never hammering.
      expect(c[1]! - c[0]!).toBeGreaterThanOrEqual(450);
      expect(c[2]! - c[1]!).toBeLessThan(900);
    }
    expect(poller.waiting).toBe(0);
  });

  it('many waiters: each is probed less often, at most maxPerSecond calls a second in all', async () => {
    let calls = 0;
    const poller = new CheckinPoller({ getEnvironment: async () => (calls++, { lastCheckIn: 0, heartbeat: false }) }, { maxPerSecond: 10, fastMs: 100, slowMs: 100 });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => poller.wait(i, Date.now() + 1500, () => undefined)));
    expect(out.every((v) => v === undefined)).toBe(true);
    // 20 first probes, then ≤ 10/s for the remaining ~1.5 s.
    expect(calls).toBeLessThanOrEqual(20 + 20);
  });

  it('after the fast phase, probes slow down to the slow interval; deadline returns undefined; abort rejects', async () => {
    const times: number[] = [];
    const t0 = Date.now();
    const poller = new CheckinPoller({ getEnvironment: async () => (times.push(Date.now() - t0), { lastCheckIn: 0, heartbeat: false }) }, { fastMs: 50, slowMs: 200, fastForMs: 200 });
    expect(await poller.wait(1, Date.now() + 1000, () => undefined)).toBeUndefined();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 3).every((g) => g < 120)).toBe(true);
    expect(gaps.at(-1)!).toBeGreaterThanOrEqual(180);
    const c = new AbortController();
    const p = poller.wait(2, Date.now() + 10_000, () => undefined, c.signal);
    setTimeout(() => c.abort(), 30);
    await expect(p).rejects.toThrow(/Cancelled/);
    expect(poller.waiting).toBe(0);
  });

  it('a probe that throws is retried; decide() throwing rejects that wait only', async () => {
    let n = 0;
    const poller = new CheckinPoller(
      {
        getEnvironment: async (id) => {
          if (id === 1 && n++ < 2) throw new Error('HTTP 502');
          return { lastCheckIn: 5, heartbeat: true, edgeId: id === 2 ? 'other' : 'mine' };
        },
      },
      { fastMs: 20 },
    );
    const a = poller.wait(1, Date.now() + 2000, (e) => e?.lastCheckIn);
    const b = poller.wait(2, Date.now() + 2000, (e) => {
      if (e?.edgeId === 'other') throw new Error('another Edge ID');
      return undefined;
    });
    await expect(b).rejects.toThrow(/another Edge ID/);
    expect(await a).toBe(5);
  });

  it('a probe that lists many environments at once: 250 waiters cost 3 calls a round, each still probed every 500 ms', async () => {
    const asked: number[][] = [];
    const t0 = Date.now();
    const rounds = new Map<number, number>();
    const probe = {
      getEnvironment: async (): Promise<never> => {
        throw new Error('not used when the list call works');
      },
      getEnvironments: async (ids: number[]) => {
        asked.push(ids);
        for (const id of ids) rounds.set(id, (rounds.get(id) ?? 0) + 1);
        // Each environment checks in on its third probe; id 13 is gone (missing from the answer).
        return new Map(ids.filter((id) => id !== 13).map((id) => [id, { lastCheckIn: rounds.get(id)! >= 3 ? 1 : 0, heartbeat: true }]));
      },
    };
    // Without batching the rate cap (10 calls a second) would stretch each of 250 hosts to one probe every 25 s.
    const poller = new CheckinPoller(probe, { maxPerSecond: 10 });
    const ids = Array.from({ length: 250 }, (_, i) => i + 1);
    const results = await Promise.all(ids.map((id) => poller.wait(id, Date.now() + 3000, (e) => (e ? (e.lastCheckIn > 0 ? 'in' : undefined) : id === 13 ? 'gone' : undefined))));
    expect(results).toEqual(ids.map((id) => (id === 13 ? 'gone' : 'in')));
    expect(Date.now() - t0).toBeLessThan(2500); // three rounds about 500 ms apart
    expect(asked.every((a) => a.length <= BATCH_SIZE)).toBe(true);
    expect(asked.length).toBeLessThanOrEqual(3 * Math.ceil(250 / BATCH_SIZE));
    expect(poller.calls).toBe(asked.length);
  });

  it('a server that cannot filter by id (unsupported) is asked one environment at a time from then on', async () => {
    let listCalls = 0;
    const single: number[] = [];
    const probe = {
      getEnvironment: async (id: number) => (single.push(id), { lastCheckIn: 1, heartbeat: true }),
      getEnvironments: async (): Promise<never> => {
        listCalls++;
        throw new AppError('unsupported', 'This Portainer server does not filter environments by endpointIds[].');
      },
    };
    const poller = new CheckinPoller(probe, { fastMs: 50 });
    const results = await Promise.all([1, 2, 3].map((id) => poller.wait(id, Date.now() + 2000, (e) => e?.lastCheckIn)));
    expect(results).toEqual([1, 1, 1]);
    expect(listCalls).toBe(1);
    expect(single.sort()).toEqual([1, 2, 3]);
  });

  it('batched: hosts that start waiting at different moments share calls, so the rate stays near one call a round', async () => {
    const callTimes: number[] = [];
    const probe = {
      getEnvironment: async (): Promise<never> => {
        throw new Error('not used');
      },
      getEnvironments: async (ids: number[]) => (callTimes.push(Date.now()), new Map(ids.map((id) => [id, { lastCheckIn: 0, heartbeat: false }]))),
    };
    const poller = new CheckinPoller(probe, { fastMs: 200, slowMs: 200 });
    const waits: Array<Promise<unknown>> = [];
    // 17 hosts, one every 30 ms (as a fleet's hosts finish their SSH work one after another).
    for (let i = 0; i < 17; i++) {
      waits.push(poller.wait(i, Date.now() + 2000, () => undefined));
      await sleep(30);
    }
    const settledFrom = Date.now();
    await Promise.all(waits);
    // After the last arrival: about one call per 200 ms round (not one per host per round: 85 a second).
    const later = callTimes.filter((t) => t >= settledFrom + 200);
    const seconds = (callTimes.at(-1)! - settledFrom - 200) / 1000;
    expect(later.length / seconds).toBeLessThan(12);
  });
});
