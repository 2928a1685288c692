import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentView } from '../../../src-main/services/portainer/client';
import { ChiselAgent, chiselClientUnavailable, runChiselClient, type ChiselRun } from '../../fixtures/chiselClient';
import { createEdgeEnv, decryptCredentials, pollHeaders, startHarness, type Harness } from '../localserver/helpers';

/**
 * The local server's tunnel against the Edge agent's real chisel client (chisel v1.10.0 configured
 * as agent 2.23 does it: no keep-alive, no retry). Until now only our own ssh2 client had met it.
 * The long check (a tunnel idle for more than 70 s still carries a request: ssh2's default
 * keep-alive, unanswered by chisel, used to end it at 60 s) idles while the other checks run.
 */
const unavailable = chiselClientUnavailable();
if (unavailable) console.log(`chisel interop suite skipped: ${unavailable}`);

const IDLE_MS = 72_000;
const BLOB = randomBytes(8 * 1024 * 1024);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(unavailable !== undefined)("the agent's real chisel client against the local server", () => {
  let h: Harness;
  let agentApi: Server;
  let target: string;
  const requests: string[] = [];
  let idle: { id: number; port: number; client: ChiselRun; since: number };
  let agent: ChiselAgent;
  let mainId: number;

  async function until<T>(what: string, f: () => T | undefined | false, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  }
  const viaTunnel = async (port: number, path: string, body?: Buffer) => {
    const r = await request(`http://127.0.0.1:${port}${path}`, { method: body ? 'POST' : 'GET', body, headersTimeout: 15_000, bodyTimeout: 30_000 });
    return { status: r.statusCode, body: Buffer.from(await r.body.arrayBuffer()) };
  };
  const firstPoll = async (name: string, edgeId: string, extra: Record<string, string> = {}) => {
    const env = (await createEdgeEnv(h, name, extra)).json;
    const r = await h.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders(edgeId) });
    expect(r.json.status).toBe('REQUIRED');
    return { id: env.Id as number, port: r.json.port as number, auth: decryptCredentials(r.json.credentials, edgeId) };
  };
  const client = (auth: string, remote: string, fingerprint = h.server.fingerprint) => runChiselClient({ server: h.server.tunnelAddress, fingerprint, auth, remote });

  beforeAll(async () => {
    h = await startHarness();
    // The agent API as the tunnel reaches it: /ping 204 (no signature needed, as on the agent),
    // a blob to download and a digest of what was uploaded.
    agentApi = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url === '/ping') return void res.writeHead(204).end();
      if (req.url === '/blob') return void res.writeHead(200, { 'Content-Length': BLOB.length }).end(BLOB);
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => res.writeHead(200).end(sha(Buffer.concat(parts))));
    });
    await new Promise<void>((r) => agentApi.listen(0, '127.0.0.1', () => r()));
    target = `127.0.0.1:${(agentApi.address() as { port: number }).port}`;

    // The tunnel that will sit idle: up and verified first, then left alone.
    const t = await firstPoll('interop-idle', 'edge-idle');
    const idleClient = client(t.auth, `R:${t.port}:${target}`);
    await idleClient.waitForLine(/Connected \(Latency/);
    await until('the idle tunnel verified', () => h.server.tunnelState(t.id)?.status === 'verified');
    idle = { id: t.id, port: t.port, client: idleClient, since: Date.now() };
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await idle?.client.kill();
    await h?.close();
    await new Promise<void>((r) => (agentApi ? agentApi.close(() => r()) : r()));
  });

  it('connects and authenticates as the agent does; the server reaches GET /ping through it: "tunnel verified" in the views', async () => {
    const env = (await createEdgeEnv(h, 'interop-main', { EdgeCheckinInterval: '1' })).json;
    mainId = env.Id;
    agent = new ChiselAgent({ url: h.server.url, environmentId: env.Id, edgeId: 'edge-main', tunnelAddress: h.server.tunnelAddress, fingerprint: h.server.fingerprint, target, dispatcher: h.dispatcher, decrypt: decryptCredentials });
    agent.start(1000);
    const state = await until('verified', () => (h.server.tunnelState(env.Id)?.status === 'verified' ? h.server.tunnelState(env.Id) : undefined));
    const c = agent.client!;
    for (const re of [/Handshaking/, /Fingerprint /, /Sending config/, /Connected \(Latency/]) await c.waitForLine(re);
    expect(requests).toContain('GET /ping');
    // The environment JSON (what the app and `edgedeck env show` read) carries the same state.
    const json = (await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json;
    expect(json.EdgedeckTunnel).toEqual({ status: 'verified', port: state.port, since: Math.floor(h.clock.t / 1000) });
    expect(environmentView(json).tunnel).toEqual(json.EdgedeckTunnel);
  });

  it('carries MiB both ways through the tunnel with equal checksums', async () => {
    const port = h.server.tunnelState(mainId)!.port;
    const down = await viaTunnel(port, '/blob');
    expect(down.status).toBe(200);
    expect(down.body.length).toBe(BLOB.length);
    expect(sha(down.body)).toBe(sha(BLOB));
    const up = await viaTunnel(port, '/sha256', BLOB);
    expect(up.body.toString()).toBe(sha(BLOB));
  });

  it('is refused on a wrong fingerprint, a wrong password and a remote the user may not bind', async () => {
    const t = await firstPoll('interop-refusals', 'edge-refusals');
    const wrongKey = client(t.auth, `R:${t.port}:${target}`, createHash('sha256').update('another server').digest('base64'));
    await wrongKey.waitForLine(/chisel client stopped/);
    expect(wrongKey.lines.join('\n')).toMatch(/Invalid fingerprint/);
    const [user] = t.auth.split(':');
    const wrongPassword = client(`${user}:not-the-password`, `R:${t.port}:${target}`);
    await wrongPassword.waitForLine(/chisel client stopped/);
    expect(wrongPassword.lines.join('\n')).toMatch(/Authentication failed/);
    const otherPort = t.port === 65534 ? t.port - 1 : t.port + 1;
    const wrongRemote = client(t.auth, `R:${otherPort}:${target}`);
    await wrongRemote.waitForLine(/chisel client stopped/);
    expect(wrongRemote.lines.join('\n')).toContain(`access to 'R:0.0.0.0:${otherPort}' denied`);
    for (const c of [wrongKey, wrongPassword, wrongRemote]) expect(await c.exited).not.toBeNull();
    expect(h.server.tunnelState(t.id)).toMatchObject({ status: 'open', port: t.port });
    console.log(['chisel client, refused:', ...wrongKey.lines.slice(-3), ...wrongPassword.lines.slice(-3), ...wrongRemote.lines.slice(-3)].join('\n  '));
  });

  it('refuses a second client for the same tunnel while the first keeps working', async () => {
    const state = h.server.tunnelState(mainId)!;
    const first = agent.client!;
    const second = client(agent.lastAuth!, `R:${state.port}:${target}`);
    const refusal = await second.waitForLine(/Server cannot listen on/);
    expect(refusal).toContain(`server: Server cannot listen on R:${state.port}=>${target.replace(/^127\.0\.0\.1:/, "")}`); // chisel drops a 127.0.0.1 remote host
    await second.exited;
    expect(first.running).toBe(true);
    expect((await viaTunnel(state.port, '/ping')).status).toBe(204);
    expect(h.server.tunnelState(mainId)).toMatchObject({ status: 'verified', port: state.port });
    console.log(['chisel client, second for a live tunnel:', ...second.lines.slice(-3)].join('\n  '));
  });

  it('shows a dropped tunnel as dropped, and opens it again on the next need (IDLE first, then REQUIRED)', async () => {
    const first = agent.client!;
    const answersBefore = agent.answers.length;
    await first.kill('SIGKILL'); // the agent's connection ends without a goodbye
    const dropped = await until('dropped', () => (h.server.tunnelState(mainId)?.status === 'closed' ? h.server.tunnelState(mainId) : undefined));
    expect(dropped).toMatchObject({ status: 'closed', port: 0, reason: 'dropped' });
    expect((await h.call('GET', `/api/endpoints/${mainId}`, { token: await h.login() })).json.EdgedeckTunnel).toMatchObject({ status: 'closed', reason: 'dropped' });
    const t0 = Date.now();
    const again = await h.server.ensureTunnel(mainId);
    expect(again.status).toBe('verified');
    expect(Date.now() - t0).toBeLessThan(3 * 1000 + 1000); // 2 × 1 s, one more for the IDLE it needed first
    // The agent still believed its dead tunnel open: it had to see IDLE before the new REQUIRED.
    const seen = agent.answers.slice(answersBefore);
    expect(seen.indexOf('IDLE')).toBeGreaterThanOrEqual(0);
    expect(seen.lastIndexOf('REQUIRED')).toBeGreaterThan(seen.indexOf('IDLE'));
    expect(agent.client).not.toBe(first);
    await agent.client!.waitForLine(/Connected \(Latency/);
    expect((await viaTunnel(again.port, '/ping')).status).toBe(204);
    expect(again.port).not.toBe(0);
  });

  it('a tunnel left idle for more than 70 s still carries a request (no keep-alive the client would not answer)', async () => {
    const wait = idle.since + IDLE_MS - Date.now();
    if (wait > 0) await sleep(wait);
    expect(Date.now() - idle.since).toBeGreaterThanOrEqual(70_000);
    expect(idle.client.running).toBe(true);
    expect(h.server.tunnelState(idle.id)).toMatchObject({ status: 'verified', port: idle.port });
    expect((await viaTunnel(idle.port, '/ping')).status).toBe(204);
    const log = idle.client.lines.join('\n');
    expect(log).not.toMatch(/Unknown request|Disconnected|Give up/);
    console.log([`chisel client, idle ${Math.round((Date.now() - idle.since) / 1000)} s:`, ...idle.client.lines].join('\n  '));
  }, IDLE_MS + 30_000);
});
