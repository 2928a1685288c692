import { freePort } from '../../fixtures/net';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentPool } from '../../../src-main/services/agents/pool';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { encryptCredentials } from '../../../src-main/services/tunnel/credentials';
import { generateHostKeyPem } from '../../../src-main/services/tunnel/hostKey';
import { TunnelServer } from '../../../src-main/services/tunnel/tunnelServer';

/** Many agents in one pool: 1,000 pollers at checkin 1 s, 40 of them with tunnels, all verified. */
describe('AgentPool at scale (loopback)', () => {
  let tunnel: TunnelServer;
  let tunnelPort: number;
  const server = createServer();
  let apiPort = 0;
  const portFor = new Map<string, number>();
  let polls = 0;
  const socketsSeen = new Set<unknown>();

  beforeAll(async () => {
    tunnel = new TunnelServer({ host: '127.0.0.1', port: 0, hostKeyPem: generateHostKeyPem() });
    tunnelPort = await tunnel.listen();
    server.on('connection', (s) => socketsSeen.add(s));
    server.on('request', (req, res) => {
      req.resume();
      polls++;
      const edgeId = String(req.headers['x-portaineragent-edgeid']);
      const port = portFor.get(edgeId);
      const body = JSON.stringify(
        port
          ? { status: 'REQUIRED', port, schedules: [], checkin: 1, credentials: encryptCredentials(`u-${edgeId}:p-${edgeId}`, edgeId), stacks: [] }
          : { status: 'IDLE', port: 0, schedules: [], checkin: 1, credentials: '', stacks: [] },
      );
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    apiPort = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await tunnel.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('polls with shared keep-alive connections and carries 40 tunnels', async () => {
    const n = 1000;
    const withTunnel = 40;
    for (let i = 1; i <= withTunnel; i++) {
      const edgeId = `scale-${i}`;
      // Like the local server's tunnel ports: free, and outside the range outgoing connections draw from.
      const port = await freePort();
      portFor.set(edgeId, port);
      tunnel.addUser({ username: `u-${edgeId}`, password: `p-${edgeId}`, allowed: new RegExp(`^R:0\\.0\\.0\\.0:${port}$`) });
    }
    const key = encodeEdgeKey({ portainerUrl: `http://127.0.0.1:${apiPort}`, tunnelAddress: `127.0.0.1:${tunnelPort}`, tunnelFingerprint: tunnel.fingerprint, environmentId: 1 });
    const heapBefore = process.memoryUsage().heapUsed;
    const pool = new AgentPool({ connectionsPerOrigin: 32 });
    const g = pool.startGroup({ edgeKey: key, edgeIdPrefix: 'scale', count: n, firstPollSpreadMs: 1000 });
    const t0 = Date.now();
    try {
      for (let i = 0; i < 400; i++) {
        if (tunnel.tunnels().length === withTunnel) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (tunnel.tunnels().length !== withTunnel) console.log('scale: agent errors', pool.agents(g).filter((a) => a.lastError).map((a) => `${a.edgeId}: ${a.lastError}`).slice(0, 5));
      expect(tunnel.tunnels()).toHaveLength(withTunnel);
      // the "server" reaches each agent through its tunnel
      const results = await Promise.all(
        tunnel.tunnels().map(
          (t) =>
            new Promise<number>((resolve) => {
              fetch(`http://127.0.0.1:${t.port}/ping`).then((r) => resolve(r.status), () => resolve(0));
            }),
        ),
      );
      expect(results.every((s) => s === 204)).toBe(true);
      await new Promise((r) => setTimeout(r, 2500));
      const view = pool.groupView(g)!;
      const secs = (Date.now() - t0) / 1000;
      const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      console.log(
        `scale: ${n} agents, ${view.polls} polls in ${secs.toFixed(1)} s (${Math.round(view.polls / secs)}/s), ` +
          `${socketsSeen.size} TCP connections to the poll server, ${withTunnel} tunnels verified=${view.states['tunnel-verified']}, heap +${heapMb.toFixed(1)} MB`,
      );
      expect(view.errors).toBe(0);
      expect(view.states['tunnel-verified']).toBe(withTunnel);
      expect(view.polls).toBeGreaterThan(n * 2);
      // The server saw the polls the agents sent, but for the ones still in flight when the counts
      // were read (agents count a poll as it leaves; each has at most one in flight).
      expect(polls).toBeGreaterThanOrEqual(view.polls - n);
      expect(polls).toBeGreaterThan(n * 2);
      expect(socketsSeen.size).toBeLessThanOrEqual(64);
    } finally {
      await pool.stop();
    }
    for (let i = 0; i < 100 && tunnel.tunnels().length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(tunnel.tunnels()).toHaveLength(0);
  }, 60_000);
});
