import { freePort } from '../../fixtures/net';
import { createServer, request, type Server } from 'node:http';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateHostKeyPem } from '../../../src-main/services/tunnel/hostKey';
import { connectTunnel, normaliseTunnelAddress, fingerprintMatches } from '../../../src-main/services/tunnel/tunnelClient';
import { TunnelServer } from '../../../src-main/services/tunnel/tunnelServer';

function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe('chisel-v3 tunnel server + client (loopback)', () => {
  let server: TunnelServer;
  let tunnelPort: number;
  let agentApi: Server;
  let agentPort: number;

  beforeAll(async () => {
    server = new TunnelServer({ host: '127.0.0.1', port: 0, hostKeyPem: generateHostKeyPem(), version: '1.10.0' });
    tunnelPort = await server.listen();
    agentApi = createServer((req, res) => {
      if (req.url === '/ping') res.writeHead(204).end();
      else res.writeHead(404).end('nope');
    });
    await new Promise<void>((r) => agentApi.listen(0, '127.0.0.1', () => r()));
    agentPort = (agentApi.address() as { port: number }).port;
  });

  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => agentApi.close(() => r()));
  });

  it('normalises addresses like the agent', () => {
    expect(normaliseTunnelAddress('10.0.0.1:8000')).toBe('ws://10.0.0.1:8000/');
    expect(normaliseTunnelAddress('http://h:8000')).toBe('ws://h:8000/');
    expect(normaliseTunnelAddress('ws://h')).toBe('ws://h:80/');
    expect(normaliseTunnelAddress('example.com')).toBe('ws://example.com:80/');
  });

  it('carries HTTP from a reverse listener to the agent API (GET /ping → 204)', async () => {
    const p = await freePort();
    server.addUser({ username: 'u1', password: 'p1', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${p}$`) });
    const ups: unknown[] = [];
    const downs: unknown[] = [];
    let activity = 0;
    server.on('up', (i) => ups.push(i));
    server.on('down', (i) => downs.push(i));
    server.on('activity', () => activity++);
    const t = await connectTunnel({
      server: `127.0.0.1:${tunnelPort}`,
      fingerprint: server.fingerprint,
      username: 'u1',
      password: 'p1',
      remotes: [`R:${p}:127.0.0.1:${agentPort}`],
    });
    expect(ups).toEqual([{ username: 'u1', port: p, target: `127.0.0.1:${agentPort}` }]);
    expect(server.tunnels()).toHaveLength(1);
    const r = await httpGet(p, '/ping');
    expect(r.status).toBe(204);
    const r2 = await httpGet(p, '/other');
    expect(r2).toEqual({ status: 404, body: 'nope' });
    expect(activity).toBeGreaterThan(0);
    t.close();
    await t.closed;
    for (let i = 0; i < 100 && downs.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(downs).toHaveLength(1);
    // listener is gone
    await expect(httpGet(p, '/ping')).rejects.toThrow();
    server.removeUser('u1');
  });

  it('a port held by an outgoing connection (no listener, so a connect probe sees it free) fails the config and is reported as listenFailed EADDRINUSE', async () => {
    // The kernel picks the outgoing connection's local port (as for every client socket): it is
    // then bound, and listening on it fails, although nothing accepts connections there.
    const holder = netConnect({ host: '127.0.0.1', port: agentPort });
    await new Promise<void>((r, j) => holder.once('connect', () => r()).once('error', j));
    const held = holder.localPort!;
    try {
      server.addUser({ username: 'u9', password: 'p9', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${held}$`) });
      const failed: Array<{ port: number; code?: string }> = [];
      server.on('listenFailed', (i) => failed.push({ port: i.port, code: i.code }));
      await expect(
        connectTunnel({ server: `127.0.0.1:${tunnelPort}`, fingerprint: server.fingerprint, username: 'u9', password: 'p9', remotes: [`R:${held}:127.0.0.1:${agentPort}`] }),
      ).rejects.toThrow(`the server refused the config: server: Server cannot listen on R:${held}=>${agentPort}`);
      expect(failed).toEqual([{ port: held, code: 'EADDRINUSE' }]);
      expect(server.tunnels()).toHaveLength(0);
    } finally {
      holder.destroy();
      server.removeUser('u9');
    }
  });

  it('refuses a second client for a live tunnel as chisel does, and the first keeps working (no listenFailed: nothing to move)', async () => {
    const p = await freePort();
    server.addUser({ username: 'u10', password: 'p10', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${p}$`) });
    const failed: number[] = [];
    const refused: string[] = [];
    const onFailed = (i: { port: number }) => failed.push(i.port);
    const onRefused = (i: { reason: string }) => refused.push(i.reason);
    server.on('listenFailed', onFailed);
    server.on('refused', onRefused);
    const opts = { server: `127.0.0.1:${tunnelPort}`, fingerprint: server.fingerprint, username: 'u10', password: 'p10', remotes: [`R:${p}:10.9.8.7:9001`] };
    const first = await connectTunnel({ ...opts, remotes: [`R:${p}:127.0.0.1:${agentPort}`] });
    try {
      await expect(connectTunnel(opts)).rejects.toThrow(`the server refused the config: server: Server cannot listen on R:${p}=>10.9.8.7:9001`);
      expect(failed).toEqual([]);
      expect(refused).toEqual([`port ${p} is held by a live tunnel`]);
      expect(server.tunnels()).toEqual([{ username: 'u10', port: p, target: `127.0.0.1:${agentPort}` }]);
      expect((await httpGet(p, '/ping')).status).toBe(204);
      // Once the first has gone, the port is free for a new connection again.
      first.close();
      await first.closed;
      for (let i = 0; i < 100 && server.tunnels().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      const again = await connectTunnel({ ...opts, remotes: [`R:${p}:127.0.0.1:${agentPort}`] });
      expect((await httpGet(p, '/ping')).status).toBe(204);
      again.close();
      await again.closed;
    } finally {
      first.close();
      server.off('listenFailed', onFailed);
      server.off('refused', onRefused);
      server.removeUser('u10');
    }
  });

  it('refuses a wrong password', async () => {
    server.addUser({ username: 'u2', password: 'right', allowed: /^R:0\.0\.0\.0:\d+$/ });
    await expect(
      connectTunnel({ server: `127.0.0.1:${tunnelPort}`, fingerprint: '', username: 'u2', password: 'wrong', remotes: ['R:50001:127.0.0.1:1'] }),
    ).rejects.toThrow(/authentication failed/);
  });

  it('refuses a remote that does not match the regex, and one with an explicit local host', async () => {
    const p = await freePort();
    server.addUser({ username: 'u3', password: 'pw', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${p}$`) });
    await expect(
      connectTunnel({ server: `127.0.0.1:${tunnelPort}`, fingerprint: '', username: 'u3', password: 'pw', remotes: [`R:${p + 1}:127.0.0.1:${agentPort}`] }),
    ).rejects.toThrow(`the server refused the config: server: access to 'R:0.0.0.0:${p + 1}' denied`);
    await expect(
      connectTunnel({ server: `127.0.0.1:${tunnelPort}`, fingerprint: '', username: 'u3', password: 'pw', remotes: [`R:127.0.0.1:${p}:127.0.0.1:${agentPort}`] }),
    ).rejects.toThrow(`access to 'R:127.0.0.1:${p}' denied`);
    expect(server.tunnels()).toHaveLength(0);
  });

  it('client refuses a wrong fingerprint, accepts an MD5 prefix and an empty one', async () => {
    const p = await freePort();
    server.addUser({ username: 'u4', password: 'pw', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${p}$`) });
    const base = { server: `http://127.0.0.1:${tunnelPort}`, username: 'u4', password: 'pw', remotes: [`R:${p}:127.0.0.1:${agentPort}`] };
    const wrong = Buffer.alloc(32, 1).toString('base64');
    await expect(connectTunnel({ ...base, fingerprint: wrong })).rejects.toThrow(
      `host key fingerprint mismatch: expected ${wrong}, server has ${server.fingerprint}`,
    );
    await expect(connectTunnel({ ...base, fingerprint: 'zz:zz' })).rejects.toThrow(/fingerprint mismatch/);
    const md5Prefix = server.fingerprintMd5.slice(0, 11);
    const t1 = await connectTunnel({ ...base, fingerprint: md5Prefix });
    expect((await httpGet(p, '/ping')).status).toBe(204);
    t1.close();
    await t1.closed;
    for (let i = 0; i < 100 && server.tunnels().length; i++) await new Promise((r) => setTimeout(r, 20));
    const t2 = await connectTunnel({ ...base, fingerprint: '' });
    expect((await httpGet(p, '/ping')).status).toBe(204);
    t2.close();
    await t2.closed;
    expect(fingerprintMatches('', Buffer.from('x')).ok).toBe(true);
  });

  it('answers /health and /version, and does not upgrade without the chisel-v3 subprotocol', async () => {
    expect(await httpGet(tunnelPort, '/health')).toEqual({ status: 200, body: 'OK\n' });
    expect(await httpGet(tunnelPort, '/version')).toEqual({ status: 200, body: '1.10.0' });
    expect(await httpGet(tunnelPort, '/')).toEqual({ status: 404, body: 'Not found' });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${tunnelPort}/`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(404);
    const wrongProto = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${tunnelPort}/health`, 'chisel-v2');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(wrongProto).toBe(200);
  });

  it('survives garbage over the websocket and raw TCP, and keeps serving', async () => {
    for (const payload of [Buffer.from('hello\r\n'), Buffer.from('SSH-2.0-x\r\n' + 'Z'.repeat(5000)), Buffer.alloc(70000, 0xff)]) {
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${tunnelPort}/`, 'chisel-v3');
        ws.on('open', () => {
          ws.send(payload);
          ws.send('text frame');
          setTimeout(() => ws.terminate(), 100);
        });
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });
    }
    await new Promise<void>((resolve) => {
      const s = netConnect(tunnelPort, '127.0.0.1', () => s.end('GARBAGE\r\n\r\n'));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    expect(await httpGet(tunnelPort, '/health')).toEqual({ status: 200, body: 'OK\n' });
    const p = await freePort();
    server.addUser({ username: 'u5', password: 'pw', allowed: new RegExp(`^R:0\\.0\\.0\\.0:${p}$`) });
    const t = await connectTunnel({ server: `127.0.0.1:${tunnelPort}`, fingerprint: server.fingerprint, username: 'u5', password: 'pw', remotes: [`R:${p}:127.0.0.1:${agentPort}`] });
    expect((await httpGet(p, '/ping')).status).toBe(204);
    t.close();
    await t.closed;
  });

  it('speaks chisel idents on the wire: SSH-chisel-v3-server, and accepts SSH-chisel-v3-client', async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${tunnelPort}/`, 'chisel-v3');
      ws.on('message', (d: Buffer) => {
        resolve(d.toString('latin1'));
        ws.terminate();
      });
      ws.on('open', () => ws.send(Buffer.from('SSH-chisel-v3-client\r\n')));
      ws.on('error', reject);
    });
    expect(first.startsWith('SSH-chisel-v3-server\r\n')).toBe(true);
  });

  it('reports a connect error clearly', async () => {
    const p = await freePort();
    await expect(connectTunnel({ server: `127.0.0.1:${p}`, fingerprint: '', username: 'a', password: 'b', remotes: ['R:1:127.0.0.1:2'] })).rejects.toThrow(
      /cannot connect to ws:\/\/127\.0\.0\.1/,
    );
  });
});
