import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { LOGIN_BAN_MS, loginBanMessage } from '../../../src-main/services/portainer/errors';
import { clockTime } from '../../../src-main/shared/domain/clockTime';
import { AppError } from '../../../src-main/shared/contract/errors';
import { captureServer, ENDPOINT, json, multipartFields, type Responder } from './fakePortainer';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function fake(respond: Responder) {
  const s = await captureServer(respond);
  closers.push(s.close);
  return s;
}

function client(url: string, extra: Partial<ConstructorParameters<typeof PortainerClient>[0]> = {}) {
  const c = new PortainerClient({ url, backoffMs: 5, ...extra });
  closers.push(() => c.close());
  return c;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

/** A Portainer-like responder: /api/auth sets a cookie (which must never come back) and hands out JWTs. */
function portainerLike(opts: { jwtsAccepted?: Set<string>; apiKey?: string } = {}): Responder {
  let n = 0;
  const accepted = opts.jwtsAccepted ?? new Set<string>();
  return (req, res) => {
    if (req.path === '/api/auth') {
      const body = JSON.parse(req.body.toString()) as { username: string; password: string };
      if (body.password !== 'right') return json(res, 422, { message: 'Invalid credentials', details: 'Unauthorized' });
      const jwt = `jwt-${++n}`;
      accepted.add(jwt);
      return json(res, 200, { jwt }, { 'set-cookie': 'portainer_api_key=cookie-value; Path=/; HttpOnly' });
    }
    if (req.headers['x-api-key'] && req.headers.authorization) return json(res, 403, { message: 'api key and auth header are not allowed at the same time' });
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    const ok = (bearer && accepted.has(bearer)) || (opts.apiKey && req.headers['x-api-key'] === opts.apiKey);
    if (!ok) return json(res, 401, { message: 'Unauthorized', details: 'A valid authorisation token is missing' });
    if (req.path.startsWith('/api/system/version')) return json(res, 200, { ServerVersion: '2.23.0', ServerEdition: 'CE' });
    if (req.path.startsWith('/api/endpoints?')) return json(res, 200, [ENDPOINT], { 'x-total-count': '42' });
    if (req.path === '/api/endpoints' && req.method === 'POST') return json(res, 200, ENDPOINT);
    json(res, 404, { message: 'Not found' });
  };
}

describe('auth headers', () => {
  it('password: logs in once, sends only Authorization: Bearer, never a Cookie, and logs in again once after a 401', async () => {
    const accepted = new Set<string>();
    const s = await fake(portainerLike({ jwtsAccepted: accepted }));
    const c = client(s.url, { credentials: { kind: 'password', username: 'admin', password: 'right' } });
    expect(await c.version()).toEqual({ version: '2.23.0', edition: 'CE' });
    await c.listEnvironments();
    accepted.clear(); // the session expires
    await c.listEnvironments();
    const paths = s.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(paths).toEqual(['POST /api/auth', 'GET /api/system/version', 'GET /api/endpoints', 'GET /api/endpoints', 'POST /api/auth', 'GET /api/endpoints']);
    for (const r of s.requests) {
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['x-api-key']).toBeUndefined();
      if (r.path !== '/api/auth') expect(r.headers.authorization).toMatch(/^Bearer jwt-\d$/);
    }
    expect(JSON.parse(s.requests[0]!.body.toString())).toEqual({ username: 'admin', password: 'right' });
  });

  it('API key: only X-API-KEY, no login, no Authorization', async () => {
    const s = await fake(portainerLike({ apiKey: 'ptr_abc' }));
    const c = client(s.url, { credentials: { kind: 'apiKey', apiKey: 'ptr_abc' } });
    await c.version();
    await c.createEdgeEnvironment({ name: 'x', portainerUrl: 'https://p.example.com' });
    expect(s.requests.map((r) => r.path)).not.toContain('/api/auth');
    for (const r of s.requests) {
      expect(r.headers['x-api-key']).toBe('ptr_abc');
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
    }
  });

  it('a refused API key is reported on the apiKey field, without retrying', async () => {
    const s = await fake(portainerLike({ apiKey: 'ptr_good' }));
    const c = client(s.url, { credentials: { kind: 'apiKey', apiKey: 'ptr_bad' } });
    const err = await rejection(c.version());
    expect(err.field).toBe('apiKey');
    expect(s.requests).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it('422 on /api/auth → wrong username or password on the password field', async () => {
    const s = await fake(portainerLike());
    const err = await rejection(client(s.url, { credentials: { kind: 'password', username: 'admin', password: 'wrong' } }).authenticate());
    expect(err).toMatchObject({ code: 'unauthorized', field: 'password', message: 'Wrong username or password.' });
  });

  it('403 Access denied on /api/auth → the one-hour ban explained', async () => {
    const s = await fake((_req, res) => json(res, 403, { message: 'Access denied' }));
    const err = await rejection(client(s.url, { credentials: { kind: 'password', username: 'admin', password: 'x' } }).authenticate());
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/1 hour/);
    expect(err.message).toMatch(/10 login/);
  });

  // Issue #12 item 7: the message names the limiter and says when the ban ends at the latest
  // (one hour after this process first saw the refusal; the ban began no later than that).
  it('a ban on /api/auth names the limiter and the latest end, counted from the first refusal seen', async () => {
    const s = await fake((_req, res) => json(res, 403, { message: 'Access denied' }));
    const before = Date.now();
    const first = await rejection(client(s.url, { credentials: { kind: 'password', username: 'admin', password: 'x' } }).authenticate());
    expect(first.message).toMatch(/^Portainer's login rate limiter has banned this address: after more than 10 login requests \(POST \/api\/auth\) in one second/);
    const end = clockTime(before + LOGIN_BAN_MS);
    const endAfter = clockTime(Date.now() + LOGIN_BAN_MS);
    expect([end, endAfter]).toContain(/ends by (\d\d:\d\d) at the latest/.exec(first.message)?.[1]);
    expect(first.message).toMatch(/in at most 60 min/);
    expect(first.message).toMatch(/API key/);
    // A second client of the same server: the same end, not another hour from now.
    const second = await rejection(client(s.url, { credentials: { kind: 'password', username: 'admin', password: 'x' } }).authenticate());
    expect(/ends by (\d\d:\d\d)/.exec(second.message)?.[1]).toBe(/ends by (\d\d:\d\d)/.exec(first.message)?.[1]);
  });

  it('the ban message without a time seen still says what to do', () => {
    expect(loginBanMessage(undefined)).toMatch(/Wait an hour, or log in with an API key/);
    const t = Date.parse('2026-01-01T10:00:00');
    expect(loginBanMessage({ refusedSince: t, now: t + 45 * 60_000 })).toContain(`ends by ${clockTime(t + LOGIN_BAN_MS)} at the latest (in at most 15 min)`);
  });

  it('an HTML answer → not a Portainer server, on the url field', async () => {
    const s = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Welcome to nginx</body></html>');
    });
    const err = await rejection(client(s.url).status());
    expect(err.field).toBe('url');
    expect(err.message).toMatch(/does not answer like a Portainer server/);
    expect(err.message).toMatch(/HTML/);
  });

  it('JSON without Version → not a Portainer server', async () => {
    const s = await fake((_req, res) => json(res, 200, { hello: 'world' }));
    const err = await rejection(client(s.url).status());
    expect(err.field).toBe('url');
  });

  it('status falls back to /api/status on 404 (servers ≤ 2.16)', async () => {
    const s = await fake((req, res) => (req.path === '/api/status' ? json(res, 200, { Version: '2.16.2', InstanceID: 'i-1' }) : json(res, 404, { message: 'Not found' })));
    expect(await client(s.url).status()).toEqual({ version: '2.16.2', instanceId: 'i-1' });
    expect(s.requests.map((r) => r.path)).toEqual(['/api/system/status', '/api/status']);
  });

  it('409 on create → the name field', async () => {
    const s = await fake((req, res) => (req.path === '/api/auth' ? json(res, 200, { jwt: 'j' }) : json(res, 409, { message: 'Name is not unique' })));
    const err = await rejection(client(s.url, { credentials: { kind: 'password', username: 'a', password: 'b' } }).createEdgeEnvironment({ name: 'dup', portainerUrl: 'https://p' }));
    expect(err).toMatchObject({ code: 'conflict', field: 'name', message: 'An environment with this name exists already.' });
  });

  it('400 Unable to parse host on create → the portainerUrl field', async () => {
    const s = await fake((req, res) => (req.path === '/api/auth' ? json(res, 200, { jwt: 'j' }) : json(res, 400, { message: 'Unable to parse host', details: 'cannot use localhost as environment URL' })));
    const err = await rejection(client(s.url, { credentials: { kind: 'password', username: 'a', password: 'b' } }).createEdgeEnvironment({ name: 'n', portainerUrl: 'https://localhost' }));
    expect(err.field).toBe('portainerUrl');
    expect(err.message).toMatch(/cannot use localhost/);
  });

  it('5xx → unavailable with Portainer\'s message; GETs are retried 3 times, POSTs never', async () => {
    const s = await fake((req, res) => (req.path === '/api/auth' ? json(res, 200, { jwt: 'j' }) : json(res, 503, { message: 'Service down' })));
    const c = client(s.url, { credentials: { kind: 'password', username: 'a', password: 'b' } });
    const getErr = await rejection(c.listGroups());
    expect(getErr.code).toBe('unavailable');
    expect(getErr.message).toMatch(/HTTP 503.*Service down/);
    expect(s.requests.filter((r) => r.path === '/api/endpoint_groups')).toHaveLength(3);
    await rejection(c.createTag('t'));
    expect(s.requests.filter((r) => r.path === '/api/tags')).toHaveLength(1);
  });

  it('connection refused names host and port, on the url field', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const err = await rejection(client(`http://127.0.0.1:${port}`).status());
    expect(err).toMatchObject({ code: 'unavailable', field: 'url' });
    expect(err.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
  });

  it('a DNS failure is named as such', async () => {
    const err = await rejection(client('https://no-such-host.invalid:9443', { getAttempts: 1 }).status());
    expect(err.field).toBe('url');
    expect(err.message).toMatch(/DNS lookup/);
  });

  it('a server that never answers times out; an abort cancels', async () => {
    const s = await fake(() => {
      /* never answers */
    });
    const err = await rejection(client(s.url, { requestTimeoutMs: 200, getAttempts: 1 }).status());
    expect(err.code).toBe('timeout');
    const ac = new AbortController();
    const p = client(s.url).status(ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect((await rejection(p)).code).toBe('cancelled');
  });
});

describe('requests on the wire', () => {
  it('POST /api/endpoints is multipart/form-data with exactly the UI\'s Edge fields', async () => {
    const s = await fake(portainerLike({ apiKey: 'k' }));
    const c = client(s.url, { credentials: { kind: 'apiKey', apiKey: 'k' } });
    await c.createEdgeEnvironment({ name: 'edge-a', portainerUrl: 'https://portainer.example.com:9443', pollSeconds: 30, groupId: 3, tagIds: [1, 2], containerEngine: 'podman' });
    await c.createEdgeEnvironment({ name: 'edge-b', portainerUrl: 'https://portainer.example.com:9443' });
    const [first, second] = s.requests.filter((r) => r.method === 'POST');
    expect(first!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(multipartFields(first!.body, first!.headers['content-type']!)).toEqual([
      ['Name', 'edge-a'],
      ['EndpointCreationType', '4'],
      ['URL', 'https://portainer.example.com:9443'],
      ['GroupID', '3'],
      ['TagIds', '[1,2]'],
      ['EdgeCheckinInterval', '30'],
      ['TLS', 'true'],
      ['TLSSkipVerify', 'true'],
      ['TLSSkipClientVerify', 'true'],
      ['ContainerEngine', 'podman'],
    ]);
    expect(multipartFields(second!.body, second!.headers['content-type']!)).toEqual([
      ['Name', 'edge-b'],
      ['EndpointCreationType', '4'],
      ['URL', 'https://portainer.example.com:9443'],
      ['GroupID', '1'],
      ['TagIds', '[]'],
      ['EdgeCheckinInterval', '0'],
      ['TLS', 'true'],
      ['TLSSkipVerify', 'true'],
      ['TLSSkipClientVerify', 'true'],
    ]);
  });

  it('list parameters use the name[] form and the total comes from X-Total-Count; views are camelCase', async () => {
    const s = await fake(portainerLike({ apiKey: 'k' }));
    const page = await client(s.url, { credentials: { kind: 'apiKey', apiKey: 'k' } }).listEnvironments({ start: 3, limit: 2, search: 'a b', sort: 'Name', order: 'desc', groupIds: [1, 2], tagIds: [5], types: [4, 7] });
    const q = new URL(s.requests[0]!.path, 'http://x').searchParams;
    expect(q.get('start')).toBe('3');
    expect(q.get('limit')).toBe('2');
    expect(q.get('search')).toBe('a b');
    expect(q.getAll('groupIds[]')).toEqual(['1', '2']);
    expect(q.getAll('tagIds[]')).toEqual(['5']);
    expect(q.getAll('types[]')).toEqual(['4', '7']);
    expect(page.total).toBe(42);
    expect(page.items[0]).toMatchObject({ id: 7, name: 'edge-7', type: 4, edge: true, groupId: 1, tagIds: [2], state: 'never', checkinInterval: 5, heartbeat: false });
  });

  it('update is a PUT with JSON Name, GroupID, TagIDs, EdgeCheckinInterval (only the given ones)', async () => {
    const s = await fake((req, res) => (req.path === '/api/auth' ? json(res, 200, { jwt: 'j' }) : json(res, 200, ENDPOINT)));
    const c = client(s.url, { credentials: { kind: 'password', username: 'a', password: 'b' } });
    await c.updateEnvironment(7, { name: 'n', groupId: 2, tagIds: [3], pollSeconds: 60 });
    await c.updateEnvironment(7, { pollSeconds: 10 });
    const puts = s.requests.filter((r) => r.method === 'PUT');
    expect(puts[0]!.path).toBe('/api/endpoints/7');
    expect(puts[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(puts[0]!.body.toString())).toEqual({ Name: 'n', GroupID: 2, TagIDs: [3], EdgeCheckinInterval: 60 });
    expect(JSON.parse(puts[1]!.body.toString())).toEqual({ EdgeCheckinInterval: 10 });
  });

  it('tags read ID (not Id); disassociate is DELETE …/association', async () => {
    const s = await fake((req, res) => {
      if (req.path === '/api/auth') return json(res, 200, { jwt: 'j' });
      if (req.path === '/api/tags') return json(res, 200, [{ ID: 4, Name: 'arm64', Endpoints: {} }]);
      res.writeHead(204);
      res.end();
    });
    const c = client(s.url, { credentials: { kind: 'password', username: 'a', password: 'b' } });
    expect(await c.listTags()).toEqual([{ id: 4, name: 'arm64' }]);
    await c.disassociate(9);
    expect(s.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/endpoints/9/association' });
  });

  it('disassociate takes both answers real servers give (204 empty, 200 with the environment) and refuses a redirect', async () => {
    // CE 2.14+ answers 204; CE 2.9–2.13 and Business Edition 200 with the environment (docs/portainer-versions.md fact 26).
    const s = await fake((req, res) => {
      if (req.path === '/api/endpoints/1/association') return json(res, 200, { Id: 1, Name: 'e1', Type: 4, EdgeID: '' });
      if (req.path === '/api/endpoints/2/association') {
        res.writeHead(204);
        return res.end();
      }
      // What an http→https front end answers: the handler never ran.
      res.writeHead(308, { location: `https://elsewhere${req.path}` });
      res.end();
    });
    const c = client(s.url, { credentials: { kind: 'apiKey', apiKey: 'k' } });
    await expect(c.disassociate(1)).resolves.toBeUndefined();
    await expect(c.disassociate(2)).resolves.toBeUndefined();
    const err = await rejection(c.disassociate(3));
    expect(err.message).toContain('DELETE /api/endpoints/3/association answered 308, not 200 or 204; the Edge ID was not cleared');
  });
});
