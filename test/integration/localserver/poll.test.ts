import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeEnv, pollHeaders, startHarness, type Harness, decryptCredentials } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const FORBIDDEN = 'Permission denied to access environment. The device has not been trusted yet';

/** FNV-1a 32, written independently of the server's fnv.ts. */
function fnvHex(text: string): string {
  let hash = 2166136261n;
  for (const b of Buffer.from(text)) {
    hash ^= BigInt(b);
    hash = (hash * 16777619n) % 4294967296n;
  }
  return hash.toString(16);
}


const poll = (id: number, edgeId: string, extra: Record<string, string> = {}) => h.call('GET', `/api/endpoints/${id}/edge/status`, { headers: pollHeaders(edgeId, extra) });

describe('GET /api/endpoints/{id}/edge/status', () => {
  it('first poll: binds the Edge ID, opens the tunnel (REQUIRED), sets ETag and LastCheckInDate', async () => {
    const env = (await createEdgeEnv(h, 'poll-first')).json;
    const r = await poll(env.Id, 'edge-first-1');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(Object.keys(r.json)).toEqual(['status', 'port', 'schedules', 'checkin', 'credentials', 'stacks']);
    expect(r.json.status).toBe('REQUIRED');
    expect(r.json.port).toBeGreaterThanOrEqual(49152);
    expect(r.json.port).toBeLessThanOrEqual(65534);
    expect(r.json.schedules).toEqual([]);
    expect(r.json.stacks).toEqual([]);
    expect(r.json.checkin).toBe(5);
    expect(r.json.credentials).toMatch(/^[A-Za-z0-9+/]{60}$/);
    const plain = decryptCredentials(r.json.credentials, 'edge-first-1');
    expect(plain).toMatch(/^[A-Za-z0-9]{8}:[A-Za-z0-9]{8}$/);
    expect(plain).toHaveLength(17);
    expect(r.headers.etag).toBe(fnvHex(r.text));
    const token = await h.login();
    const after = (await h.call('GET', `/api/endpoints/${env.Id}`, { token })).json;
    expect(after.EdgeID).toBe('edge-first-1');
    expect(after.LastCheckInDate).toBe(Math.floor(h.clock.t / 1000));
    expect(after.Heartbeat).toBe(true);
    expect(after.Agent).toEqual({ Version: '2.23.0' });

    // REQUIRED persists, with the same port and credentials.
    h.clock.t += 5000;
    const again = await poll(env.Id, 'edge-first-1');
    expect(again.json).toEqual(r.json);
    expect(again.headers.etag).toBe(r.headers.etag);
  });

  it('answers 304 for a matching ETag among comma-separated values, even for a wrong Edge ID', async () => {
    const env = (await createEdgeEnv(h, 'poll-etag')).json;
    const first = await poll(env.Id, 'edge-etag');
    const etag = first.headers.etag as string;
    h.clock.t += 7000;
    const r = await poll(env.Id, 'someone-else', { 'if-none-match': `deadbeef,${etag}` });
    expect(r.status).toBe(304);
    expect(r.headers.etag).toBe(etag);
    expect(r.text).toBe('');
    const inspect = (await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json;
    expect(inspect.LastCheckInDate).toBe(Math.floor(h.clock.t / 1000));
    // A non-matching ETag is a full poll.
    const full = await poll(env.Id, 'edge-etag', { 'if-none-match': 'deadbeef' });
    expect(full.status).toBe(200);
  });

  it('gives 403 with the shared message and the reason in details', async () => {
    const token = await h.login();
    const unknown = await poll(99999, 'x');
    expect(unknown.status).toBe(403);
    expect(unknown.json).toEqual({ message: FORBIDDEN, details: 'the device has not been trusted yet' });
    const env = (await createEdgeEnv(h, 'poll-403')).json;
    const missing = await poll(env.Id, '');
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({ message: FORBIDDEN, details: 'missing Edge identifier' });
    expect((await poll(env.Id, 'owner')).status).toBe(200);
    const wrong = await poll(env.Id, 'intruder');
    expect(wrong.status).toBe(403);
    expect(wrong.json).toEqual({ message: FORBIDDEN, details: 'invalid Edge identifier' });
    // After disassociation a new agent can claim it.
    expect((await h.call('DELETE', `/api/endpoints/${env.Id}/association`, { token })).status).toBe(204);
    const claimed = await poll(env.Id, 'intruder');
    expect(claimed.status).toBe(200);
    expect((await h.call('GET', `/api/endpoints/${env.Id}`, { token })).json.EdgeID).toBe('intruder');
  });

  it('gives 400 for a missing or invalid platform header and changes nothing', async () => {
    const env = (await createEdgeEnv(h, 'poll-platform')).json;
    for (const platform of ['', '3', 'docker']) {
      const r = await poll(env.Id, 'plat', { 'portainer-agent-platform': platform });
      expect(r.status).toBe(400);
      expect(r.json.message).toBe('agent platform header is not valid');
    }
    const inspect = (await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json;
    expect(inspect.EdgeID).toBeUndefined();
  });

  it('switches the type to 7 for platform 2 (Kubernetes)', async () => {
    const env = (await createEdgeEnv(h, 'poll-k8s')).json;
    expect((await poll(env.Id, 'k8s', { 'portainer-agent-platform': '2' })).status).toBe(200);
    expect((await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json.Type).toBe(7);
  });

  it('uses the environment interval, else the global default', async () => {
    const token = await h.login();
    const own = (await createEdgeEnv(h, 'poll-own-interval', { EdgeCheckinInterval: '13' })).json;
    expect((await poll(own.Id, 'own')).json.checkin).toBe(13);
    const def = (await createEdgeEnv(h, 'poll-default-interval')).json;
    const first = await poll(def.Id, 'def');
    expect(first.json.checkin).toBe(5);
    await h.call('PUT', '/api/settings', { ...json({ EdgeAgentCheckinInterval: 9 }), token });
    // The cached ETag is dropped so that the new interval reaches the agent.
    const second = await poll(def.Id, 'def', { 'if-none-match': first.headers.etag as string });
    expect(second.status).toBe(200);
    expect(second.json.checkin).toBe(9);
    await h.call('PUT', '/api/settings', { ...json({ EdgeAgentCheckinInterval: 5 }), token });
  });

  it('drops the ETag when the environment is updated', async () => {
    const env = (await createEdgeEnv(h, 'poll-update')).json;
    const first = await poll(env.Id, 'upd');
    await h.call('PUT', `/api/endpoints/${env.Id}`, { ...json({ EdgeCheckinInterval: 30 }), token: await h.login() });
    const r = await poll(env.Id, 'upd', { 'if-none-match': first.headers.etag as string });
    expect(r.status).toBe(200);
    expect(r.json.checkin).toBe(30);
  });

  it('closes the tunnel after 4 min 30 s without activity (injected clock and sweep)', async () => {
    const env = (await createEdgeEnv(h, 'poll-idle')).json;
    const first = await poll(env.Id, 'idle');
    expect(first.json.status).toBe('REQUIRED');
    h.clock.t += 269_000;
    h.sweep();
    const still = await poll(env.Id, 'idle', { 'if-none-match': first.headers.etag as string });
    expect(still.status).toBe(304);
    h.clock.t += 1_000;
    h.sweep();
    const idle = await poll(env.Id, 'idle', { 'if-none-match': first.headers.etag as string });
    expect(idle.status).toBe(200);
    expect(idle.json).toEqual({ status: 'IDLE', port: 0, schedules: [], checkin: 5, credentials: '', stacks: [] });
    expect(idle.text).toBe('{"status":"IDLE","port":0,"schedules":[],"checkin":5,"credentials":"","stacks":[]}');
    expect(idle.headers.etag).toBe(fnvHex(idle.text));
    // Not a first connection any more: it stays IDLE.
    expect((await poll(env.Id, 'idle')).json.status).toBe('IDLE');
  });

  it('redirects the legacy path with 308 and answers 400 for a non-numeric id', async () => {
    const r = await h.call('GET', '/api/endpoints/12/status');
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('/api/endpoints/12/edge/status');
    const bad = await h.call('GET', '/api/endpoints/abc/edge/status');
    expect(bad.status).toBe(400);
  });

  it('POST /api/endpoints/global-key looks an environment up by Edge ID', async () => {
    const env = (await createEdgeEnv(h, 'poll-global')).json;
    await poll(env.Id, 'global-edge-id');
    const empty = await h.call('POST', '/api/endpoints/global-key', { body: '{}' });
    expect(empty.status).toBe(400);
    expect(empty.json.message).toBe('Invalid Edge ID');
    const found = await h.call('POST', '/api/endpoints/global-key', { body: '{}', headers: { 'x-portaineragent-edgeid': 'global-edge-id' } });
    expect(found.status).toBe(200);
    expect(found.text).toBe(`{"endpointID":${env.Id}}`);
    const missing = await h.call('POST', '/api/endpoints/global-key', { body: '{}', headers: { 'x-portaineragent-edgeid': 'nobody' } });
    expect(missing.status).toBe(404);
  });

  it('emits poll events', async () => {
    const env = (await createEdgeEnv(h, 'poll-events')).json;
    const seen: unknown[] = [];
    h.server.events.on('poll', (e) => seen.push(e));
    await poll(env.Id, 'ev');
    expect(seen).toContainEqual({ environmentId: env.Id, status: 200, edgeId: 'ev', tunnel: 'REQUIRED' });
  });
});
