import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { agentsCommand } from '../../../src-main/cli/commands/agents';
import type { CliIo } from '../../../src-main/cli/io';
import { AgentPool } from '../../../src-main/services/agents/pool';
import { EtagCache } from '../../../src-main/services/agents/etagCache';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';

function io(signal = new AbortController().signal) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => '', stopSignal: signal };
  return { io: value, out, err };
}

const KEY = encodeEdgeKey({ portainerUrl: 'http://127.0.0.1:9', tunnelAddress: '127.0.0.1:8000', tunnelFingerprint: '', environmentId: 1 });

describe('EtagCache', () => {
  it('keeps 8 entries, LRU, comma-joined without spaces', () => {
    const c = new EtagCache<number>();
    expect(c.header()).toBe('');
    for (let i = 0; i < 10; i++) c.set(`e${i}`, i);
    expect(c.size).toBe(8);
    expect(c.get('e0')).toBeUndefined();
    expect(c.get('e2')).toBe(2);
    expect(c.header()).toBe('e3,e4,e5,e6,e7,e8,e9,e2');
  });
});

describe('edgedeck agents: flags', () => {
  it.each([
    [[], '--edge-key'],
    [['--edge-key', 'bm9wZQ'], '--edge-key'],
    [['--edge-key', KEY], '--edge-id'],
    [['--edge-key', KEY, '--count', '3'], '--edge-id-prefix'],
    [['--edge-key', KEY, '--count', 'x', '--edge-id-prefix', 'p'], '--count'],
    [['--edge-key', KEY, '--edge-id', 'a', '--platform', 'nomad'], '--platform'],
    [['--edge-key', KEY, '--edge-id', 'a', '--duration', '-1'], '--duration'],
    [['--edge-key', KEY, '--edge-id', 'a', '--agent-version', 'latest'], '--agent-version'],
    [['--edge-key', KEY, '--edge-id', 'a', '--bogus'], '--bogus'],
  ])('%j exits 2 naming %s', async (args, flag) => {
    const t = io();
    expect(await agentsCommand.run(args as string[], t.io)).toBe(2);
    expect(t.err.join('')).toContain(flag);
  });

  it('runs for --duration and prints state lines and a JSON summary', async () => {
    const server = createServer((req, res) => {
      req.resume();
      const body = JSON.stringify({ status: 'IDLE', port: 0, schedules: [], checkin: 1, credentials: '', stacks: [] });
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: 'abc' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const key = encodeEdgeKey({ portainerUrl: `http://127.0.0.1:${port}`, tunnelAddress: '127.0.0.1:8000', tunnelFingerprint: '', environmentId: 5 });
    const t = io();
    try {
      const code = await agentsCommand.run(['--edge-key', key, '--count', '3', '--edge-id-prefix', 'cli', '--duration', '6.5'], t.io);
      expect(code).toBe(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    const text = t.out.join('');
    expect(text).toMatch(/cli-1 poll 200 status=IDLE checkin=1 \(first poll\)/);
    expect(text).toMatch(/cli-3 poll interval now 1s/);
    const summary = JSON.parse(text.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ summary: true, agents: 3, environmentId: 5, errors: 0 });
    expect(summary.polls).toBeGreaterThanOrEqual(3);
    expect(summary.states.polling).toBe(3);
  }, 20_000);
});

describe('AgentPool scale', () => {
  it('holds many idle agents cheaply and stops cleanly', async () => {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const pool = new AgentPool();
    const n = 5000;
    pool.startGroup({ edgeKey: KEY, edgeIdPrefix: 'mem', count: n, firstPollDelayMs: 3_600_000 });
    globalThis.gc?.();
    const after = process.memoryUsage().heapUsed;
    const perAgent = (after - before) / n;
    console.log(`AgentPool: ~${Math.round(perAgent)} bytes of heap per idle agent (${n} agents${globalThis.gc ? '' : ', no --expose-gc: rough'})`);
    expect(pool.groupViews()[0]!.states.starting).toBe(n);
    expect(perAgent).toBeLessThan(20_000);
    await pool.stop();
    expect(pool.groupViews()).toHaveLength(1);
  });
});
