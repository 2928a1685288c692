import { freePort } from '../../fixtures/net';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../../../src-main/services/agents';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { encryptCredentials } from '../../../src-main/services/tunnel/credentials';
import { generateHostKeyPem } from '../../../src-main/services/tunnel/hostKey';
import { TunnelServer } from '../../../src-main/services/tunnel/tunnelServer';

function fnv1a32(s: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fake Portainer poll endpoint: scripted status, ETag/304 like §3.3. */
class FakePortainer {
  status: 'IDLE' | 'REQUIRED' = 'IDLE';
  checkin = 1;
  port = 0;
  credentials = '';
  etag = '';
  body = '';
  polls: Array<{ path: string; headers: IncomingHttpHeaders; status: number }> = [];
  globalKeyCalls: IncomingHttpHeaders[] = [];
  forbid?: { message: string; details: string };
  server!: Server;

  rebuild(): void {
    this.body = JSON.stringify({ status: this.status, port: this.port, schedules: [], checkin: this.checkin, credentials: this.credentials, stacks: [] });
    this.etag = fnv1a32(this.body);
  }

  handler = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.method === 'POST' && req.url === '/api/endpoints/global-key') {
      this.globalKeyCalls.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ endpointID: 7 }));
      return;
    }
    const m = /^\/api\/endpoints\/(\d+)\/edge\/status$/.exec(req.url ?? '');
    if (!m || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const inm = String(req.headers['if-none-match'] ?? '');
    if (this.etag && inm.split(',').includes(this.etag)) {
      this.polls.push({ path: req.url!, headers: req.headers, status: 304 });
      res.writeHead(304, { ETag: this.etag }).end();
      return;
    }
    if (this.forbid) {
      this.polls.push({ path: req.url!, headers: req.headers, status: 403 });
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify(this.forbid));
      return;
    }
    this.rebuild();
    this.polls.push({ path: req.url!, headers: req.headers, status: 200 });
    res.writeHead(200, { 'Content-Type': 'application/json', ETag: this.etag }).end(this.body);
  };
}

describe('simulated Edge agent against a fake poll server and a real tunnel server', () => {
  let tunnel: TunnelServer;
  let tunnelPort: number;
  let fake: FakePortainer;
  let apiPort: number;

  beforeAll(async () => {
    tunnel = new TunnelServer({ host: '127.0.0.1', port: 0, hostKeyPem: generateHostKeyPem() });
    tunnelPort = await tunnel.listen();
    fake = new FakePortainer();
    fake.server = createServer(fake.handler);
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', () => r()));
    apiPort = (fake.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await tunnel.close();
    fake.server.closeAllConnections();
    await new Promise<void>((r) => fake.server.close(() => r()));
  });

  it('polls with the exact headers, uses ETag/304, follows checkin, opens/verifies/closes the tunnel', async () => {
    const edgeId = 'edge-sim-1';
    const key = encodeEdgeKey({ portainerUrl: `http://127.0.0.1:${apiPort}`, tunnelAddress: `127.0.0.1:${tunnelPort}`, tunnelFingerprint: tunnel.fingerprint, environmentId: 3 });
    fake.status = 'IDLE';
    fake.checkin = 1;
    const events: string[] = [];
    const downs: number[] = [];
    tunnel.on('down', (i) => downs.push(i.port));
    const run = runAgent({ edgeKey: key, edgeId, firstPollDelayMs: 0, timeZone: 'UTC', platform: 'kubernetes', onEvent: (e) => events.push(e.type) });
    try {
      await run.waitFor('polling');
      const first = fake.polls[0]!;
      expect(first.path).toBe('/api/endpoints/3/edge/status');
      expect(first.headers['if-none-match']).toBe('');
      expect(first.headers['portainer-agent']).toBe('2.23.0');
      expect(first.headers['x-portaineragent-edgeid']).toBe(edgeId);
      expect(first.headers['x-portaineragent-timezone']).toBe('UTC');
      expect(first.headers['portainer-agent-platform']).toBe('2');
      expect(first.headers['x-portaineragent-update-id']).toBe('0');
      expect(run.agent.intervalS).toBe(1);

      // second poll: sends the cached ETag, gets 304, reuses the body
      await until(() => fake.polls.length >= 2, 5000, 'second poll');
      expect(fake.polls[1]!.headers['if-none-match']).toBe(fake.etag);
      expect(fake.polls[1]!.status).toBe(304);
      await until(() => run.agent.notModified >= 1, 2000, '304 counted');

      // checkin change: 1 → 2 s (a new body, so a new ETag; the old one stays in the LRU)
      const oldEtag = fake.etag;
      fake.checkin = 2;
      fake.etag = '';
      await until(() => run.agent.intervalS === 2, 5000, 'interval change');
      const n = fake.polls.length;
      await until(() => fake.polls.length > n, 5000, 'poll after change');
      expect(fake.polls.at(-1)!.headers['if-none-match']).toBe(`${oldEtag},${fake.etag}`);
      fake.checkin = 1;
      fake.etag = '';
      await until(() => run.agent.intervalS === 1, 5000, 'interval back to 1');

      // REQUIRED → tunnel up → server-side GET /ping through it → 204 and verified
      const port = await freePort();
      tunnel.addUser({ username: 'tunuser1', password: 'tunpass1', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${port}$`) });
      fake.port = port;
      fake.credentials = encryptCredentials('tunuser1:tunpass1', edgeId);
      fake.status = 'REQUIRED';
      fake.etag = '';
      await run.waitFor('tunnel-up');
      expect(tunnel.tunnels()).toEqual([{ username: 'tunuser1', port, target: '127.0.0.1:9001' }]);
      expect(await get(port, '/ping')).toBe(204);
      await run.waitFor('tunnel-verified');
      expect(await get(port, '/api/agent/info')).toBe(200);
      expect(await get(port, '/containers/json')).toBe(403);

      // IDLE → the agent closes the tunnel; the server sees it go down
      fake.status = 'IDLE';
      fake.port = 0;
      fake.credentials = '';
      fake.etag = '';
      await run.waitFor('polling');
      await until(() => downs.includes(port), 5000, 'tunnel down on the server');
      expect(tunnel.tunnels()).toHaveLength(0);
      expect(events).toEqual(expect.arrayContaining(['poll', 'interval', 'tunnel-up', 'tunnel-verified', 'tunnel-down']));
    } finally {
      await run.stop();
    }
    expect(run.agent.state).toBe('stopped');
  }, 30_000);

  it('reports a wrong Edge ID for the credentials and the server error details', async () => {
    const key = encodeEdgeKey({ portainerUrl: `http://127.0.0.1:${apiPort}`, tunnelAddress: `127.0.0.1:${tunnelPort}`, tunnelFingerprint: tunnel.fingerprint, environmentId: 4 });
    fake.port = 50999;
    fake.credentials = encryptCredentials('a:b', 'someone-else');
    fake.status = 'REQUIRED';
    fake.etag = '';
    const run = runAgent({ edgeKey: key, edgeId: 'edge-sim-2', firstPollDelayMs: 0 });
    try {
      await run.waitFor('error');
      expect(run.agent.lastError).toMatch(/Edge ID does not match/);
      fake.status = 'IDLE';
      fake.forbid = { message: 'Permission denied to access environment. The device has not been trusted yet', details: 'invalid Edge identifier' };
      fake.etag = '';
      await until(() => (run.agent.lastError ?? '').includes('invalid Edge identifier'), 15_000, '403 error');
      expect(run.agent.lastError).toBe('Permission denied to access environment. The device has not been trusted yet: invalid Edge identifier');
    } finally {
      fake.forbid = undefined;
      fake.status = 'IDLE';
      fake.credentials = '';
      fake.port = 0;
      fake.etag = '';
      await run.stop();
    }
  }, 30_000);

  it('global key: asks POST /api/endpoints/global-key first, then polls that environment', async () => {
    const key = encodeEdgeKey({ portainerUrl: `http://127.0.0.1:${apiPort}`, tunnelAddress: `127.0.0.1:${tunnelPort}`, tunnelFingerprint: '', environmentId: 0 });
    const before = fake.polls.length;
    fake.etag = '';
    const run = runAgent({ edgeKey: key, edgeId: 'edge-global-1', firstPollDelayMs: 0 });
    try {
      await run.waitFor('polling');
      expect(fake.globalKeyCalls.at(-1)!['x-portaineragent-edgeid']).toBe('edge-global-1');
      expect(fake.polls[before]!.path).toBe('/api/endpoints/7/edge/status');
      expect(run.agent.endpointId).toBe(7);
    } finally {
      await run.stop();
    }
  });
});

describe('HTTPS polls', () => {
  it('verifies TLS unless insecurePoll', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048 } as never);
    const fake = new FakePortainer();
    const server = createHttpsServer({ key: pems.private, cert: pems.cert }, fake.handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const key = encodeEdgeKey({ portainerUrl: `https://127.0.0.1:${port}`, tunnelAddress: '127.0.0.1:1', tunnelFingerprint: '', environmentId: 9 });
    const strict = runAgent({ edgeKey: key, edgeId: 'tls-1', firstPollDelayMs: 0, insecurePoll: false });
    const loose = runAgent({ edgeKey: key, edgeId: 'tls-2', firstPollDelayMs: 0, insecurePoll: true });
    try {
      await strict.waitFor('error');
      expect(strict.agent.lastError).toMatch(/certificate/i);
      await loose.waitFor('polling');
      expect(fake.polls.every((p) => p.headers['x-portaineragent-edgeid'] === 'tls-2')).toBe(true);
    } finally {
      await strict.stop();
      await loose.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
