import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { ADMIN_PASSWORD, createEdgeEnv, pollHeaders, startHarness, type Harness, type J } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('system and auth', () => {
  it('serves /api/system/status and the deprecated /api/status without auth', async () => {
    const a = await h.call('GET', '/api/system/status');
    expect(a.status).toBe(200);
    expect(Object.keys(a.json)).toEqual(['Version', 'InstanceID']);
    expect(a.json.Version).toBe('2.23.0');
    expect(a.text.endsWith('\n')).toBe(false);
    const b = await h.call('GET', '/api/status');
    expect(b.json).toEqual(a.json);
  });

  it('logs in with case-insensitive keys and sets the portainer_api_key cookie', async () => {
    const r = await h.call('POST', '/api/auth', json({ Username: 'admin', PASSWORD: ADMIN_PASSWORD }));
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['jwt']);
    expect(String(r.headers['set-cookie'])).toMatch(/^portainer_api_key=.+; Path=\/; .*HttpOnly; SameSite=Strict/);
    const me = await h.call('GET', '/api/users/me', { token: r.json.jwt });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ Id: 1, Username: 'admin', Role: 1 });
  });

  it('answers 400 for empty credentials and 422 for wrong ones', async () => {
    expect((await h.call('POST', '/api/auth', json({ username: 'admin', password: '' }))).status).toBe(400);
    const bad = await h.call('POST', '/api/auth', json({ username: 'admin', password: 'nope' }));
    expect(bad.status).toBe(422);
    expect(bad.json.message).toBe('Invalid credentials');
  });

  it('answers 401 without auth and 403 with both an API key and an Authorization header', async () => {
    const none = await h.call('GET', '/api/endpoints');
    expect(none.status).toBe(401);
    const both = await h.call('GET', '/api/endpoints', { headers: { 'x-api-key': 'ptr_x', authorization: 'Bearer y' } });
    expect(both.status).toBe(403);
    expect(both.json.message).toBe('api key and auth header are not allowed at the same time');
    const badJwt = await h.call('GET', '/api/endpoints', { token: 'a.b.c' });
    expect(badJwt.status).toBe(401);
  });

  it('creates an API key and accepts it in the header and the query', async () => {
    const token = await h.login();
    const wrong = await h.call('POST', '/api/users/1/tokens', { ...json({ password: 'wrong', description: 'ci' }), token });
    expect(wrong.status).toBe(403);
    const r = await h.call('POST', '/api/users/1/tokens', { ...json({ password: ADMIN_PASSWORD, description: 'ci' }), token });
    expect(r.status).toBe(201);
    expect(r.json.rawAPIKey).toMatch(/^ptr_/);
    expect(r.json.apiKey).toMatchObject({ id: 1, userId: 1, description: 'ci', prefix: r.json.rawAPIKey.slice(0, 7) });
    const viaHeader = await h.call('GET', '/api/system/version', { headers: { 'X-API-KEY': r.json.rawAPIKey } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.json).toMatchObject({ UpdateAvailable: false, LatestVersion: '', ServerVersion: '2.23.0', ServerEdition: 'CE' });
    const viaQuery = await h.call('GET', `/api/users/me?X-Api-Key=${encodeURIComponent(r.json.rawAPIKey)}`);
    expect(viaQuery.status).toBe(200);
    expect((await h.call('GET', '/api/users/me', { headers: { 'x-api-key': 'ptr_unknown' } })).status).toBe(401);
  });

  it('logout revokes the JWT', async () => {
    const r = await h.call('POST', '/api/auth', json({ username: 'admin', password: ADMIN_PASSWORD }));
    const jwt = r.json.jwt as string;
    expect((await h.call('GET', '/api/users/me', { token: jwt })).status).toBe(200);
    expect((await h.call('POST', '/api/auth/logout', { token: jwt })).status).toBe(204);
    expect((await h.call('GET', '/api/users/me', { token: jwt })).status).toBe(401);
  });

  it('expires JWTs after 8 hours of (injected) time', async () => {
    const r = await h.call('POST', '/api/auth', json({ username: 'admin', password: ADMIN_PASSWORD }));
    const saved = h.clock.t;
    h.clock.t += 8 * 3600 * 1000 + 1000;
    expect((await h.call('GET', '/api/users/me', { token: r.json.jwt })).status).toBe(401);
    h.clock.t = saved;
  });
});

describe('settings', () => {
  it('GET /api/settings is admin-only and has the Edge fields', async () => {
    const r = await h.call('GET', '/api/settings', { token: await h.login() });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ EdgeAgentCheckinInterval: 5, EnforceEdgeID: false, TrustOnFirstConnect: false, AgentSecret: '', EdgePortainerUrl: '', EnableEdgeComputeFeatures: false });
    expect(r.json.Edge).toEqual({ CommandInterval: 60, PingInterval: 60, SnapshotInterval: 60 });
    const pub = await h.call('GET', '/api/settings/public');
    expect(pub.json.Edge.CheckinInterval).toBe(5);
  });

  it('PUT /api/settings validates EdgePortainerURL like ParseHostForEdge', async () => {
    const token = await h.login();
    const bad = await h.call('PUT', '/api/settings', { ...json({ EdgePortainerURL: 'https://localhost:9443' }), token });
    expect(bad.status).toBe(400);
    const ok = await h.call('PUT', '/api/settings', { ...json({ EdgePortainerURL: 'https://10.1.2.3:9443', EdgeAgentCheckinInterval: 7 }), token });
    expect(ok.status).toBe(200);
    expect(ok.json.EdgePortainerUrl).toBe('https://10.1.2.3:9443');
    expect(ok.json.EdgeAgentCheckinInterval).toBe(7);
    await h.call('PUT', '/api/settings', { ...json({ EdgeAgentCheckinInterval: 5 }), token });
  });
});

describe('POST /api/endpoints', () => {
  it('creates an Edge environment from multipart form data, with the full Endpoint JSON', async () => {
    const r = await createEdgeEnv(h, 'edge-one', { URL: 'https://portainer.example.com:9443/', EdgeCheckinInterval: '10', ContainerEngine: 'podman' });
    expect(r.status).toBe(200);
    const e = r.json;
    expect(e).toMatchObject({
      Name: 'edge-one',
      Type: 4,
      ContainerEngine: 'podman',
      URL: 'portainer.example.com',
      GroupId: 1,
      PublicURL: '',
      TagIds: [],
      Status: 1,
      EdgeCheckinInterval: 10,
      LastCheckInDate: 0,
      UserTrusted: true,
      Snapshots: [],
      UserAccessPolicies: {},
      TeamAccessPolicies: {},
      TLSConfig: { TLS: false, TLSSkipVerify: false },
      Edge: { AsyncMode: false },
      Agent: {},
    });
    expect('EdgeID' in e).toBe(false);
    const keys = Object.keys(e);
    expect(keys.slice(0, 6)).toEqual(['Id', 'Name', 'Type', 'ContainerEngine', 'URL', 'GroupId']);
    const fields = decodeEdgeKey(e.EdgeKey);
    expect(e.EdgeKey).not.toMatch(/=$/);
    expect(fields.portainerUrl).toBe('https://portainer.example.com:9443/');
    expect(fields.tunnelAddress).toBe(`portainer.example.com:${h.server.tunnelAddress.split(':').pop()}`);
    expect(fields.tunnelFingerprint).toBe(h.server.fingerprint);
    expect(fields.environmentId).toBe(e.Id);
  });

  it('accepts x-www-form-urlencoded bodies and query-string values', async () => {
    const body = new URLSearchParams({ Name: 'edge-urlenc', EndpointCreationType: '4', CheckinInterval: '3' });
    const r = await h.call('POST', `/api/endpoints?URL=${encodeURIComponent('https://10.0.0.5:9443')}`, { body: body.toString(), token: await h.login(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(200);
    expect(r.json.URL).toBe('10.0.0.5');
    expect(r.json.EdgeCheckinInterval).toBe(3);
  });

  it('refuses a JSON body like Portainer (invalid environment name)', async () => {
    const r = await h.call('POST', '/api/endpoints', { ...json({ Name: 'x', EndpointCreationType: 4, URL: 'https://a.b' }), token: await h.login() });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ message: 'Invalid request payload', details: 'invalid environment name' });
  });

  it('refuses localhost and empty hosts, blank URL, bad TagIds, other types, duplicate names', async () => {
    const local = await createEdgeEnv(h, 'edge-local', { URL: 'https://localhost:9443' });
    expect(local.status).toBe(400);
    expect(local.json.message).toBe('Unable to parse host');
    const empty = await createEdgeEnv(h, 'edge-empty', { URL: 'portainer' });
    expect(empty.status).toBe(400);
    expect(empty.json.message).toBe('Unable to parse host');
    const blank = await createEdgeEnv(h, 'edge-blank', { URL: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.json.details).toBe('URL cannot be empty');
    const tags = await createEdgeEnv(h, 'edge-tags', { TagIds: '[1,' });
    expect(tags.status).toBe(400);
    expect(tags.json.details).toBe('invalid TagIds parameter');
    const type = await createEdgeEnv(h, 'edge-type', { EndpointCreationType: '2' });
    expect(type.status).toBe(400);
    expect(type.json.details).toMatch(/only Edge Agent environments/);
    const dup = await createEdgeEnv(h, 'edge-one');
    expect(dup.status).toBe(409);
    expect(dup.json.message).toBe('Name is not unique');
  });

  it('generates an EdgeID (uuid v4) only when EnforceEdgeID is on', async () => {
    const token = await h.login();
    await h.call('PUT', '/api/settings', { ...json({ EnforceEdgeID: true }), token });
    const r = await createEdgeEnv(h, 'edge-enforced');
    expect(r.json.EdgeID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await h.call('PUT', '/api/settings', { ...json({ EnforceEdgeID: false }), token });
  });

  it('refuses oversized bodies with 413 and keeps serving', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const r = await h.call('POST', '/api/endpoints', { body: big, token: await h.login(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }).catch(() => undefined);
    if (r) expect(r.status).toBe(413);
    expect((await h.call('GET', '/api/system/status')).status).toBe(200);
  });
});

describe('groups, tags, list, update, delete', () => {
  it('manages tags (ID, 409 on duplicates) and groups (Unassigned kept)', async () => {
    const token = await h.login();
    const t = await h.call('POST', '/api/tags', { ...json({ Name: 'prod' }), token });
    expect(t.status).toBe(200);
    expect(Object.keys(t.json)).toEqual(['ID', 'Name', 'EndpointGroups', 'Endpoints']);
    const dup = await h.call('POST', '/api/tags', { ...json({ Name: 'prod' }), token });
    expect(dup.status).toBe(409);
    expect(dup.json.message).toBe('This name is already associated to a tag');
    const groups = await h.call('GET', '/api/endpoint_groups', { token });
    expect(groups.json[0]).toMatchObject({ Id: 1, Name: 'Unassigned' });
    const g = await h.call('POST', '/api/endpoint_groups', { ...json({ Name: 'site-a', Description: 'A' }), token });
    expect(g.status).toBe(200);
    expect((await h.call('DELETE', '/api/endpoint_groups/1', { token })).status).toBe(403);
    const put = await h.call('PUT', `/api/endpoint_groups/${g.json.Id}`, { ...json({ Description: 'Site A' }), token });
    expect(put.json.Description).toBe('Site A');
  });

  it('refuses a group update with an unknown tag before changing anything, and names a mistyped field', async () => {
    const token = await h.login();
    const g = await h.call('POST', '/api/endpoint_groups', { ...json({ Name: 'site-b', Description: 'B' }), token });
    const unknownTag = await h.call('PUT', `/api/endpoint_groups/${g.json.Id}`, { ...json({ Name: 'site-b2', Description: 'changed', TagIDs: [9999] }), token });
    expect(unknownTag.status).toBe(404);
    expect((await h.call('GET', `/api/endpoint_groups/${g.json.Id}`, { token })).json).toMatchObject({ Name: 'site-b', Description: 'B' });
    const mistyped = await h.call('PUT', `/api/endpoint_groups/${g.json.Id}`, { ...json({ Description: 'x', TagIDs: 'one' }), token });
    expect(mistyped.status).toBe(400);
    expect(mistyped.json.details).toBe('json: cannot unmarshal string into field TagIDs of type []int');
    expect((await h.call('DELETE', `/api/endpoint_groups/${g.json.Id}`, { token })).status).toBe(204);
  });

  it('lists with paging, search, sort, filters and total headers', async () => {
    const token = await h.login();
    const tags = (await h.call('GET', '/api/tags', { token })).json;
    const prod = tags.find((t: J) => t.Name === 'prod').ID;
    const groups = (await h.call('GET', '/api/endpoint_groups', { token })).json;
    const siteA = groups.find((g: J) => g.Name === 'site-a').Id;
    for (const n of ['zeta', 'alpha', 'Mike']) await createEdgeEnv(h, `list-${n}`, { GroupID: String(siteA), TagIds: n === 'alpha' ? `[${prod}]` : '[]' });
    const all = await h.call('GET', '/api/endpoints', { token });
    const total = all.json.length;
    expect(all.headers['x-total-count']).toBe(String(total));
    expect(all.headers['x-total-available']).toBe(String(total));
    // List replaces EdgeCheckinInterval 0 with the global default; inspect keeps 0.
    const zeta = all.json.find((e: J) => e.Name === 'list-zeta');
    expect(zeta.EdgeCheckinInterval).toBe(5);
    expect((await h.call('GET', `/api/endpoints/${zeta.Id}`, { token })).json.EdgeCheckinInterval).toBe(0);
    expect(zeta.QueryDate).toBe(Math.floor(h.clock.t / 1000));
    expect(zeta.Heartbeat).toBe(false);

    const s = await h.call('GET', '/api/endpoints?search=LIST-&sort=Name&order=asc&start=1&limit=2', { token });
    expect(s.json.map((e: J) => e.Name)).toEqual(['list-alpha', 'list-Mike']);
    expect(s.headers['x-total-count']).toBe('3');
    expect(s.headers['x-total-available']).toBe(String(total));
    const p2 = await h.call('GET', '/api/endpoints?search=list-&sort=Name&order=desc&start=3&limit=2', { token });
    expect(p2.json.map((e: J) => e.Name)).toEqual(['list-alpha']);
    const byTag = await h.call('GET', `/api/endpoints?tagIds[]=${prod}`, { token });
    expect(byTag.json.map((e: J) => e.Name)).toEqual(['list-alpha']);
    const byGroup = await h.call('GET', `/api/endpoints?groupIds[]=${siteA}`, { token });
    expect(byGroup.json).toHaveLength(3);
    const byType = await h.call('GET', '/api/endpoints?types[]=7', { token });
    expect(byType.json).toHaveLength(0);
    const down = await h.call('GET', '/api/endpoints?status[]=2&search=list-', { token });
    expect(down.json).toHaveLength(3);
    const untrusted = await h.call('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token });
    expect(untrusted.json).toHaveLength(0);
    const tagsAfter = (await h.call('GET', '/api/tags', { token })).json.find((t: J) => t.ID === prod);
    expect(Object.keys(tagsAfter.Endpoints)).toEqual([String(all.json.find((e: J) => e.Name === 'list-alpha').Id)]);
  });

  // Portainer's agentVersions[] filter and GET /api/endpoints/agent_versions (docs/portainer-versions.md), for the list's agent version filter.
  it('lists the reported agent versions and filters by them', async () => {
    const token = await h.login();
    const a = (await createEdgeEnv(h, 'ver-a')).json;
    await createEdgeEnv(h, 'ver-b');
    const polled = await h.call('GET', `/api/endpoints/${a.Id}/edge/status`, { headers: pollHeaders('ver-a-device', { 'portainer-agent': '2.21.5' }) });
    expect(polled.status).toBe(200);
    const versions = await h.call('GET', '/api/endpoints/agent_versions', { token });
    expect(versions.status).toBe(200);
    expect(versions.json).toContain('2.21.5');
    const only = await h.call('GET', '/api/endpoints?search=ver-&agentVersions[]=2.21.5', { token });
    expect(only.json.map((e: J) => e.Name)).toEqual(['ver-a']);
    expect(only.json[0].Agent).toEqual({ Version: '2.21.5' });
    const none = await h.call('GET', '/api/endpoints?search=ver-&agentVersions[]=9.9.9', { token });
    expect(none.json).toEqual([]);
  });

  it('updates (409 on a duplicate name), disassociates and deletes', async () => {
    const token = await h.login();
    const a = (await createEdgeEnv(h, 'upd-a')).json;
    await createEdgeEnv(h, 'upd-b');
    const dup = await h.call('PUT', `/api/endpoints/${a.Id}`, { ...json({ Name: 'upd-b' }), token });
    expect(dup.status).toBe(409);
    const ok = await h.call('PUT', `/api/endpoints/${a.Id}`, { ...json({ Name: 'upd-a2', EdgeCheckinInterval: 12, PublicURL: 'pub.example.com' }), token });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ Name: 'upd-a2', EdgeCheckinInterval: 12, PublicURL: 'pub.example.com' });
    const assoc = await h.call('DELETE', `/api/endpoints/${a.Id}/association`, { token });
    expect(assoc.status).toBe(204);
    expect(assoc.text).toBe('');
    expect((await h.call('DELETE', `/api/endpoints/${a.Id}`, { token })).status).toBe(204);
    const gone = await h.call('GET', `/api/endpoints/${a.Id}`, { token });
    expect(gone.status).toBe(404);
    expect(Object.keys(gone.json)).toEqual(['message', 'details']);
  });

  it('answers unknown routes with a JSON 404 and malformed JSON with 400', async () => {
    const r = await h.call('GET', '/api/nope', { token: await h.login() });
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('Not found');
    const bad = await h.call('POST', '/api/tags', { body: '{"Name":', headers: { 'content-type': 'application/json' }, token: await h.login() });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('Invalid request payload');
  });
});

describe('auth rate limit', () => {
  it('bans an IP for one hour after more than 10 requests per second', async () => {
    // Earlier tests logged in at the same frozen instant: start a fresh window.
    h.clock.t += 2000;
    const body = json({ username: 'admin', password: 'wrong-password' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await h.call('POST', '/api/auth', body)).status);
    expect(statuses.slice(0, 10).every((s) => s === 422)).toBe(true);
    expect(statuses[10]).toBe(403);
    const banned = await h.call('POST', '/api/auth', json({ username: 'admin', password: ADMIN_PASSWORD }));
    expect(banned.status).toBe(403);
    expect(banned.json.message).toBe('Access denied');
    h.clock.t += 59 * 60 * 1000;
    expect((await h.call('POST', '/api/auth', json({ username: 'admin', password: ADMIN_PASSWORD }))).status).toBe(403);
    h.clock.t += 61 * 1000;
    expect((await h.call('POST', '/api/auth', json({ username: 'admin', password: ADMIN_PASSWORD }))).status).toBe(200);
  });
});
