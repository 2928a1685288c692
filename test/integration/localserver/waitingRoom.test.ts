import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvCommand } from '../../../src-main/cli/commands/env';
import type { CliIo } from '../../../src-main/cli/io';
import { runAgent, type RunningAgent } from '../../../src-main/services/agents';
import type { PollEvent, TunnelVerifiedEvent } from '../../../src-main/services/localserver';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { ADMIN_PASSWORD, createEdgeEnv, pollHeaders, startHarness, type Harness, type J } from './helpers';

/**
 * The newest Business Edition profile with trust on first connect off, end to end: a simulated
 * agent with a global key and Edge groups lands in the waiting room (its polls get 403), the
 * admin trusts it through `edgedeck env trust` with a group, tags and Edge groups, and the first
 * poll that gets through opens the initial tunnel, which the server verifies (GET /ping → 204).
 */
let h: Harness;
const agents: RunningAgent[] = [];
const polls: PollEvent[] = [];
let token: string;
beforeAll(async () => {
  h = await startHarness({ now: Date.now, version: '2.45.0', edition: 'be', trustOnFirstConnect: false });
  h.server.events.on('poll', (e: PollEvent) => polls.push(e));
  token = await h.login();
  const json = { 'content-type': 'application/json' };
  expect((await h.call('PUT', '/api/settings', { token, headers: json, body: JSON.stringify({ EdgeAgentCheckinInterval: 1 }) })).status).toBe(200);
});
afterAll(async () => {
  for (const a of agents) await a.stop();
  await h?.close();
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => `${ADMIN_PASSWORD}\n`, stopSignal: new AbortController().signal };
  const fp = new X509Certificate(h.server.caPem!).fingerprint256;
  const code = await makeEnvCommand({ store: new MemoryStore() }).run([...args, '--server', h.server.url, '--username', 'admin', '--password-stdin', '--pin', fp], io);
  return { code, out, err };
}

/** Polls `check` every 100 ms until it returns a value, at most `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Business Edition 2.45 profile, trust on first connect off', () => {
  it('reports its version and edition', async () => {
    expect((await h.call('GET', '/api/system/status')).json.Version).toBe('2.45.0');
    expect((await h.call('GET', '/api/system/version', { token })).json).toMatchObject({ ServerVersion: '2.45.0', ServerEdition: 'EE' });
  });

  it('global key + Edge groups → waiting room (polls 403) → trusted by the CLI with group and tags → checks in, first poll opens the tunnel, verified', async () => {
    const json = { 'content-type': 'application/json' };
    const eg = (await h.call('POST', '/api/edge_groups', { token, headers: json, body: JSON.stringify({ Name: 'shops', Dynamic: false, Endpoints: [] }) })).json as J;
    expect(eg).toMatchObject({ Id: expect.any(Number), Name: 'shops', Dynamic: false, Endpoints: [] });
    const globalKey = encodeEdgeKey({ portainerUrl: h.server.url, tunnelAddress: h.server.tunnelAddress, tunnelFingerprint: h.server.fingerprint, environmentId: 0 });
    const verified = new Promise<TunnelVerifiedEvent>((resolve) => h.server.events.on('tunnel-verified', resolve));
    const agent = runAgent({ edgeKey: globalKey, edgeId: 'wr-device-1', insecurePoll: true, firstPollDelayMs: 0, tunnel: true, meta: { edgeGroupIds: [eg.Id], tagIds: [], groupId: 0 } });
    agents.push(agent);

    // The waiting room lists it (named after its Edge ID); the normal list does not.
    const waiting = await until('the device in the waiting room', async () => {
      const list = (await h.call('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token })).json as J[];
      return list.find((e) => e.EdgeID === 'wr-device-1');
    });
    expect(waiting).toMatchObject({ Name: 'wr-device-1', Type: 4, GroupId: 1 });
    expect(waiting.UserTrusted).toBeUndefined();
    expect(((await h.call('GET', '/api/endpoints', { token })).json as J[]).some((e) => e.Id === waiting.Id)).toBe(false);
    expect(((await h.call('GET', '/api/edge_groups', { token })).json as J[]).find((g) => g.Id === eg.Id).Endpoints).toEqual([waiting.Id]);
    await until('two untrusted polls', () => (polls.filter((p) => p.environmentId === waiting.Id && p.status === 403).length >= 2 ? true : undefined));
    expect(polls.filter((p) => p.environmentId === waiting.Id && p.status === 200)).toEqual([]);

    const listed = await cli(['waiting', '--json']);
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ Id: waiting.Id, Name: 'wr-device-1', EdgeID: 'wr-device-1' })]);

    const trusted = await cli(['trust', String(waiting.Id), '--group', 'Stores', '--tags', 'north,pos', '--edge-groups', 'shops']);
    expect(trusted.err).toBe('');
    expect(trusted.code).toBe(0);
    const result = JSON.parse(trusted.out);
    expect(result).toMatchObject({ trusted: [waiting.Id], edgeGroupIds: [eg.Id], created: ['group "Stores"', 'tag "north"', 'tag "pos"'] });

    const ev = await verified;
    expect(ev.environmentId).toBe(waiting.Id);
    const mine = polls.filter((p) => p.environmentId === waiting.Id);
    const firstOk = mine.findIndex((p) => p.status === 200);
    expect(mine.slice(0, firstOk).every((p) => p.status === 403)).toBe(true);
    expect(mine[firstOk]!.tunnel).toBe('REQUIRED');
    const inspect = (await h.call('GET', `/api/endpoints/${waiting.Id}`, { token })).json as J;
    expect(inspect).toMatchObject({ UserTrusted: true, GroupId: result.groupId, TagIds: result.tagIds, EdgeID: 'wr-device-1', Heartbeat: true });
    expect((await cli(['waiting', '--json'])).out.trim()).toBe('[]');
  });

  it('trust with an unknown tag id changes nothing and says which', async () => {
    const env = (await createEdgeEnv(h, 'wr-untrusted-check', { URL: h.server.url })).json as J;
    const json = { 'content-type': 'application/json' };
    const r = await h.call('POST', '/api/endpoints/edge/trust', { token, headers: json, body: JSON.stringify({ EndpointIDs: [env.Id], Relations: { [env.Id]: { Tags: [9999] } } }) });
    expect(r.status).toBe(404);
    expect(r.json.details).toBe('tag 9999 does not exist');
  });
});

describe('Community Edition profile', () => {
  let ce: Harness;
  beforeAll(async () => {
    ce = await startHarness({ now: Date.now });
  });
  afterAll(async () => ce?.close());

  it('global key for an unknown Edge ID: 404, nothing created; no trust routes', async () => {
    const r = await ce.call('POST', '/api/endpoints/global-key', { headers: { 'X-PortainerAgent-EdgeID': 'nobody' } });
    expect(r.status).toBe(404);
    const t = await ce.login();
    expect(((await ce.call('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token: t })).json as J[]).length).toBe(0);
    expect((await ce.call('POST', '/api/endpoints/edge/trust', { token: t, headers: { 'content-type': 'application/json' }, body: '{"EndpointIDs":[1]}' })).status).toBe(404);
    expect((await ce.call('GET', '/api/system/version', { token: t })).json).toMatchObject({ ServerVersion: '2.23.0', ServerEdition: 'CE' });
  });
});

describe('2.20 profile (≤ 2.20 tunnel states)', () => {
  let old: Harness;
  beforeAll(async () => {
    old = await startHarness({ version: '2.20.0' });
  });
  afterAll(async () => old?.close());

  it('answers REQUIRED with credentials once, then ACTIVE without them', async () => {
    const env = (await createEdgeEnv(old, 'legacy-1', { URL: old.server.url })).json as J;
    const poll = () => old.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders('legacy-edge') });
    const first = await poll();
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'REQUIRED', port: expect.any(Number) });
    expect(first.json.credentials).not.toBe('');
    const second = await poll();
    expect(second.json).toMatchObject({ status: 'ACTIVE', port: first.json.port, credentials: '' });
    expect((await old.call('GET', '/api/system/status')).json.Version).toBe('2.20.0');
  });
});
