import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { createPortainerHandlers } from '../../../src-main/services/handlers/portainer';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { AppError } from '../../../src-main/shared/contract/errors';
import { calls, type CallName } from '../../../src-main/shared/contract/calls';
import { pollHeaders } from '../localserver/helpers';

const PASSWORD = 'portainer-test-pw-1';

let a: LocalServer;
let b: LocalServer;
let fpA: string;
let fpB: string;
const dirs: string[] = [];

async function start(): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'edgedeck-pt-'));
  dirs.push(dir);
  return startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: true, adminPassword: PASSWORD, logger: silentLogger });
}

beforeAll(async () => {
  [a, b] = await Promise.all([start(), start()]);
  fpA = new X509Certificate(a.caPem!).fingerprint256;
  fpB = new X509Certificate(b.caPem!).fingerprint256;
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const redactor = new Redactor();
  const profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), redactor, logger: silentLogger });
  const handlers = createPortainerHandlers({ profiles, logger: silentLogger });
  /** Runs a call the way the dispatcher does: schema first, then the handler. */
  async function invoke<C extends keyof typeof handlers & CallName>(name: C, payload: unknown) {
    const parsed = (calls[name].request as { parse(v: unknown): unknown }).parse(payload);
    return (handlers[name] as (r: unknown) => Promise<unknown>)(parsed) as ReturnType<(typeof handlers)[C]>;
  }
  return { profiles, handlers, invoke, redactor };
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

async function addPinned(invoke: ReturnType<typeof setup>['invoke'], name = 'A') {
  return invoke('servers:add', { name, url: a.url, auth: 'password', username: 'admin', password: PASSWORD, tls: { mode: 'pinned', pinnedSha256: fpA } });
}

describe('TLS modes against the local server over HTTPS', () => {
  it('probe shows the fingerprint and that the system does not trust it', async () => {
    const { invoke } = setup();
    const probe = await invoke('servers:probe', { url: `${a.url}/api/` });
    expect(probe.url).toBe(a.url);
    expect(probe.certificate?.sha256).toBe(fpA);
    expect(probe.certificate?.trustedBySystem).toBe(false);
    expect(probe.certificate?.selfSigned).toBe(true);
    expect(probe.portainerVersion).toBe('2.23.0');
    expect(probe.certificate?.untrustedReason).toBeTruthy();
    // Said once, by the certificate's fields (the form asks about it), not again as a warning to filter out.
    expect(probe.warnings).toEqual([]);
  });

  it('http:// on a port that answers TLS: the probe says so and suggests the https:// address (issue #11 item 14)', async () => {
    const { invoke } = setup();
    const port = new URL(a.url).port;
    const probe = await invoke('servers:probe', { url: `http://127.0.0.1:${port}` });
    expect(probe.https).toBe(false);
    expect(probe.portainerVersion).toBeUndefined();
    expect(probe.httpsSuggestion).toEqual({ url: `https://127.0.0.1:${port}`, reason: 'tls-answered', message: expect.stringContaining(`Port ${port} answered a TLS handshake`) });
  });

  it('http:// on a port that answers plain TCP, not TLS, gets no suggestion', async () => {
    const { invoke } = setup();
    // A plain TCP listener that closes every connection: neither TLS nor Portainer.
    const plain = createServer((sock) => sock.end());
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const probe = await invoke('servers:probe', { url: `http://127.0.0.1:${(plain.address() as AddressInfo).port}` });
      expect(probe.httpsSuggestion).toBeUndefined();
      expect(probe.warnings.join(' ')).toContain('unencrypted');
    } finally {
      plain.close();
    }
  });

  it('servers:list says that memory-only secrets cannot be remembered', async () => {
    const { invoke } = setup();
    expect(await invoke('servers:list', {})).toMatchObject({ secretsPersistent: false, secretsWarning: expect.stringContaining('memory') });
  });

  it('system mode refuses the self-signed certificate, naming its fingerprint and the three options', async () => {
    const client = new PortainerClient({ url: a.url, tls: { mode: 'system' } });
    const err = await rejection(client.status());
    await client.close();
    expect(err.code).toBe('unauthorized');
    expect(err.field).toBe('tls');
    expect(err.message).toContain(fpA);
    expect(err.message).toMatch(/pinned/);
    expect(err.message).toMatch(/insecure/);
    expect(err.message).toMatch(/trust store/);
  });

  it('pinned mode works (and so does a base64 form of the same pin)', async () => {
    const b64 = Buffer.from(fpA.replace(/:/g, ''), 'hex').toString('base64');
    const client = new PortainerClient({ url: a.url, tls: { mode: 'pinned', pinnedSha256: b64 }, credentials: { kind: 'password', username: 'admin', password: PASSWORD } });
    expect((await client.status()).version).toBe('2.23.0');
    expect(await client.version()).toMatchObject({ version: '2.23.0', edition: 'CE' });
    await client.close();
  });

  it('a server with another certificate is refused loudly under the old pin, naming both fingerprints', async () => {
    expect(fpB).not.toBe(fpA);
    const client = new PortainerClient({ url: b.url, tls: { mode: 'pinned', pinnedSha256: fpA }, credentials: { kind: 'password', username: 'admin', password: PASSWORD } });
    const err = await rejection(client.version());
    await client.close();
    expect(err.code).toBe('unauthorized');
    expect(err.field).toBe('tls');
    expect(err.message).toMatch(/^REFUSED/);
    expect(err.message).toContain(fpA);
    expect(err.message).toContain(fpB);
  });

  it('insecure mode connects and the profile view flags it', async () => {
    const { invoke } = setup();
    const added = await invoke('servers:add', { name: 'I', url: a.url, username: 'admin', password: PASSWORD, tls: { mode: 'insecure' } });
    expect(added.profile.insecure).toBe(true);
    expect(added.profile.warnings.join(' ')).toMatch(/verification is OFF/);
    const status = await invoke('servers:status', {});
    expect(status).toMatchObject({ connected: true, insecure: true, version: '2.23.0', edition: 'CE' });
  });
});

describe('authentication', () => {
  it('a wrong password is reported on the password field', async () => {
    const { invoke, profiles } = setup();
    const err = await rejection(invoke('servers:add', { name: 'A', url: a.url, username: 'admin', password: 'wrong-password', tls: { mode: 'pinned', pinnedSha256: fpA } }));
    expect(err.field).toBe('password');
    expect(err.message).toMatch(/Wrong username or password/);
    expect(profiles.list()).toHaveLength(0);
  });

  it('an API key works (X-API-KEY only)', async () => {
    const dispatcher = new Agent({ connect: { ca: a.caPem } });
    const login = await request(`${a.url}/api/auth`, { method: 'POST', dispatcher, body: JSON.stringify({ username: 'admin', password: PASSWORD }), headers: { 'content-type': 'application/json' } });
    const { jwt } = (await login.body.json()) as { jwt: string };
    const made = await request(`${a.url}/api/users/1/tokens`, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: PASSWORD, description: 'edgedeck test' }),
    });
    expect(made.statusCode).toBe(201);
    const { rawAPIKey } = (await made.body.json()) as { rawAPIKey: string };
    await dispatcher.close();

    const { invoke, redactor } = setup();
    const added = await invoke('servers:add', { name: 'K', url: a.url, auth: 'apiKey', apiKey: rawAPIKey, tls: { mode: 'pinned', pinnedSha256: fpA } });
    expect(added.server).toMatchObject({ version: '2.23.0', edition: 'CE' });
    expect(added.profile.auth).toBe('apiKey');
    const page = await invoke('environments:list', {});
    expect(Array.isArray(page.items)).toBe(true);
    expect(redactor.redact(`key ${rawAPIKey}`)).not.toContain(rawAPIKey);

    const bad = await rejection(invoke('servers:add', { name: 'K2', url: a.url, auth: 'apiKey', apiKey: 'ptr_notAValidKeyAtAll0000000000000000', tls: { mode: 'pinned', pinnedSha256: fpA } }));
    expect(bad.field).toBe('apiKey');
  });
});

describe('environments through the handlers', () => {
  it('creates with a new group and tags, then refuses a duplicate name on the name field and says what it created', async () => {
    const { invoke } = setup();
    await addPinned(invoke);
    const created = await invoke('environments:create', { name: 'edge-create-1', pollSeconds: 10, groupName: 'Shop floor', tagNames: ['line-1', 'arm64'] });
    expect(created.created.group?.name).toBe('Shop floor');
    expect(created.created.tags.map((t) => t.name)).toEqual(['line-1', 'arm64']);
    expect(created.environment.groupId).toBe(created.created.group!.id);
    expect(created.environment.tagIds).toEqual(created.created.tags.map((t) => t.id));
    expect(created.environment.checkinInterval).toBe(10);
    expect(created.key?.fields.environmentId).toBe(created.environment.id);
    expect(created.key?.fields.portainerUrl).toBe(a.url);
    expect(created.edgeId).toMatchObject({ source: 'generated', bound: false });
    expect(created.edgeId.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.heartbeat).toMatchObject({ alive: false, state: 'never', lostAfterSeconds: 40 });
    expect(created.platforms.linux).toContain('podman');
    expect(created.agentSecret).toBe('none');

    // Existing group and tag are reused, a new tag is created, then the name clashes.
    const err = await rejection(invoke('environments:create', { name: 'edge-create-1', groupName: 'Shop floor', tagNames: ['line-1', 'fresh-tag'] }));
    expect(err.code).toBe('conflict');
    expect(err.field).toBe('name');
    expect(err.message).toMatch(/An environment with this name exists already/);
    expect(err.message).toMatch(/tag "fresh-tag"/);
    expect(err.message).not.toMatch(/group "Shop floor"/);
    const tags = await invoke('tags:list', {});
    expect(tags.tags.map((t) => t.name)).toEqual(expect.arrayContaining(['line-1', 'arm64', 'fresh-tag']));
  });

  it('pages, searches and counts with X-Total-Count, and filters by state', async () => {
    const { invoke } = setup();
    await addPinned(invoke);
    for (let i = 1; i <= 5; i++) await invoke('environments:create', { name: `paging-${i}` });
    const first = await invoke('environments:list', { search: 'paging-', start: 1, limit: 2, sort: 'Name', order: 'asc' });
    expect(first.total).toBe(5);
    expect(first.items.map((e) => e.name)).toEqual(['paging-1', 'paging-2']);
    const last = await invoke('environments:list', { search: 'paging-', start: 5, limit: 2, sort: 'Name' });
    expect(last.items.map((e) => e.name)).toEqual(['paging-5']);
    const never = await invoke('environments:list', { search: 'paging-', state: 'never', limit: 3 });
    expect(never.total).toBe(5);
    expect(never.items).toHaveLength(3);
    const alive = await invoke('environments:list', { search: 'paging-', state: 'alive' });
    expect(alive).toEqual({ items: [], total: 0 });
  });

  // Issue #11 "also expected": the list's platform, agent version and connection filters, after real
  // polls (a Docker agent 2.23.0, a Kubernetes agent 2.21.5, one environment never polled).
  it('filters by platform, agent version and connection as the agents polled', async () => {
    const { invoke } = setup();
    await addPinned(invoke);
    const ids: Record<string, number> = {};
    for (const name of ['flt-docker', 'flt-kube', 'flt-never']) ids[name] = (await invoke('environments:create', { name })).environment.id;
    const dispatcher = new Agent({ connect: { ca: a.caPem! } });
    try {
      const poll = async (id: number, edgeId: string, agent: string, platform: string) => {
        const r = await request(`${a.url}/api/endpoints/${id}/edge/status`, { dispatcher, headers: pollHeaders(edgeId, { 'portainer-agent': agent, 'portainer-agent-platform': platform }) });
        await r.body.dump();
        expect(r.statusCode).toBe(200);
      };
      await poll(ids['flt-docker']!, 'flt-docker-agent', '2.23.0', '1');
      await poll(ids['flt-kube']!, 'flt-kube-agent', '2.21.5', '2');
    } finally {
      await dispatcher.close();
    }
    const names = async (filter: Record<string, unknown>) => (await invoke('environments:list', { search: 'flt-', sort: 'Name', ...filter })).items.map((e) => e.name);
    expect(await names({ platform: 'kubernetes' })).toEqual(['flt-kube']);
    expect(await names({ platform: 'docker' })).toEqual(['flt-docker', 'flt-never']);
    expect((await invoke('environments:agentVersions', {})).versions).toEqual(expect.arrayContaining(['2.23.0', '2.21.5']));
    expect(await names({ agentVersions: ['2.21.5'] })).toEqual(['flt-kube']);
    expect(await names({ state: 'alive' })).toEqual(['flt-docker', 'flt-kube']);
    expect(await names({ state: 'never' })).toEqual(['flt-never']);
    const kube = (await invoke('environments:list', { search: 'flt-kube' })).items[0]!;
    expect(kube).toMatchObject({ type: 7, agentVersion: '2.21.5' });
  });

  it('updates the poll interval, keeps one Edge ID across visits, binds, disassociates and deletes', async () => {
    const { invoke } = setup();
    await addPinned(invoke);
    const created = await invoke('environments:create', { name: 'lifecycle-1', containerEngine: 'docker' });
    const id = created.environment.id;
    expect(created.environment.containerEngine).toBe('docker');

    const updated = await invoke('environments:update', { id, pollSeconds: 30 });
    expect(updated.environment.checkinInterval).toBe(30);
    expect(updated.heartbeat.lostAfterSeconds).toBe(80);

    const g1 = await invoke('environments:get', { id });
    const g2 = await invoke('environments:get', { id });
    expect(g1.edgeId.value).toBe(created.edgeId.value);
    expect(g2.edgeId.value).toBe(created.edgeId.value);

    // An agent polls with that Edge ID: the server binds it.
    const dispatcher = new Agent({ connect: { ca: a.caPem } });
    const poll = await request(`${a.url}/api/endpoints/${id}/edge/status`, {
      dispatcher,
      headers: { 'X-PortainerAgent-EdgeID': g1.edgeId.value, 'Portainer-Agent-Platform': '1', 'Portainer-Agent': '2.23.0' },
    });
    await poll.body.text();
    await dispatcher.close();
    expect(poll.statusCode).toBe(200);
    const bound = await invoke('environments:get', { id });
    expect(bound.edgeId).toEqual({ value: g1.edgeId.value, source: 'server', bound: true });
    expect(bound.heartbeat.alive).toBe(true);
    expect(bound.heartbeat.state).toBe('alive');
    expect(bound.heartbeat.lostInSeconds).toBeGreaterThan(0);

    const freed = await invoke('environments:disassociate', { id });
    expect(freed.environment.edgeId).toBeUndefined();
    expect(freed.edgeId.source).toBe('generated');
    expect(freed.edgeId.value).not.toBe(g1.edgeId.value);

    expect(await invoke('environments:delete', { id })).toEqual({ deleted: id });
    const gone = await rejection(invoke('environments:get', { id }));
    expect(gone.code).toBe('not_found');
  });

  it('groups and tags calls', async () => {
    const { invoke } = setup();
    await addPinned(invoke);
    const g = await invoke('groups:create', { name: 'calls-group' });
    expect((await invoke('groups:list', {})).groups.map((x) => x.name)).toEqual(expect.arrayContaining(['Unassigned', 'calls-group']));
    expect(g.id).toBeGreaterThan(1);
    const t = await invoke('tags:create', { name: 'calls-tag' });
    expect(t.id).toBeGreaterThan(0);
    const dup = await rejection(invoke('tags:create', { name: 'calls-tag' }));
    expect(dup.code).toBe('conflict');
  });
});
