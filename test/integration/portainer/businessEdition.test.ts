import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortainerHandlers } from '../../../src-main/services/handlers/portainer';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls } from '../../../src-main/shared/contract/calls';
import { decodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import type { Edition } from '../../../src-main/shared/domain/types';
import { ADMIN_PASSWORD, createEdgeEnv, startHarness, type Harness, type J } from '../localserver/helpers';

/**
 * Business Edition's Edge fields of an environment create, through the app's handlers against the
 * local server's BE and CE profiles (docs/portainer-versions.md, "Tunnel server address" and
 * "Async mode"): EdgeTunnelServerAddress when the settings have no tunnel address, async mode and
 * its intervals on create, shown and changed afterwards.
 */
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

async function connect(edition: Edition) {
  const h = await startHarness({ now: Date.now, version: '2.45.0', edition });
  harnesses.push(h);
  const profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), redactor: new Redactor(), logger: silentLogger });
  const handlers = createPortainerHandlers({ profiles, logger: silentLogger });
  const fp = new X509Certificate(h.server.caPem!).fingerprint256.replaceAll(':', '').toLowerCase();
  await handlers['servers:add'](calls['servers:add'].request.parse({ name: edition, url: h.server.url, auth: 'password', username: 'admin', password: ADMIN_PASSWORD, tls: { mode: 'pinned', pinnedSha256: fp } }) as never);
  const create = (req: Record<string, unknown>) => handlers['environments:create'](calls['environments:create'].request.parse(req) as never);
  const update = (req: Record<string, unknown>) => handlers['environments:update'](calls['environments:update'].request.parse(req) as never);
  return { h, handlers, create, update };
}

const json = { 'content-type': 'application/json' };

describe('Business Edition profile: EdgeTunnelServerAddress', () => {
  let be: Awaited<ReturnType<typeof connect>>;
  let token: string;
  beforeAll(async () => {
    be = await connect('be');
    token = await be.h.login();
  });

  it('settings name this server\'s tunnel by default; a create without the field uses it', async () => {
    const settings = (await be.h.call('GET', '/api/settings', { token })).json as J;
    expect(settings.Edge.TunnelServerAddress).toBe(be.h.server.tunnelAddress);
    expect(settings.EnableEdgeComputeFeatures).toBe(true);
    const env = (await createEdgeEnv(be.h, 'be-default', { URL: be.h.server.url })).json as J;
    expect(decodeEdgeKey(env.EdgeKey).tunnelAddress).toBe(be.h.server.tunnelAddress);
  });

  it('with the setting cleared, the server refuses a create without it (400) and the app sends it', async () => {
    const put = await be.h.call('PUT', '/api/settings', { token, headers: json, body: JSON.stringify({ Edge: { TunnelServerAddress: '' } }) });
    expect(put.status).toBe(200);
    expect((put.json as J).Edge.TunnelServerAddress).toBe('');
    const refused = await createEdgeEnv(be.h, 'be-bare', { URL: be.h.server.url });
    expect(refused.status).toBe(400);
    expect(refused.json.details).toMatch(/EdgeTunnelServerAddress is required/);

    // Typed by the user: the key carries exactly that address.
    const typed = await be.create({ name: 'be-typed', tunnelServerAddress: 'tunnel.example.com:8123' });
    expect(typed.key?.fields.tunnelAddress).toBe('tunnel.example.com:8123');
    // Not typed: what Portainer's form pre-fills, the Portainer URL's host with port 8000.
    const derived = await be.create({ name: 'be-derived' });
    expect(derived.key?.fields.tunnelAddress).toBe(`${new URL(be.h.server.url).hostname}:8000`);
    const local = calls['environments:create'].request.safeParse({ name: 'be-localhost', tunnelServerAddress: 'localhost:8000' });
    expect(local.error?.issues[0]).toMatchObject({ path: ['tunnelServerAddress'], message: expect.stringMatching(/refuses "localhost"/) });
  });

  it('async mode: the intervals are sent on create, shown, and changed by an update', async () => {
    const created = await be.create({ name: 'be-async', async: { ping: 60, snapshot: 3600, command: -1 } });
    expect(created.environment.async).toEqual({ ping: 60, snapshot: 3600, command: -1 });
    expect(created.asyncDefaults).toEqual({ ping: 60, snapshot: 60, command: 60 });
    const raw = (await be.h.call('GET', `/api/endpoints/${created.environment.id}`, { token })).json as J;
    expect(raw.Edge).toEqual({ AsyncMode: true, PingInterval: 60, SnapshotInterval: 3600, CommandInterval: -1 });
    const updated = await be.update({ id: created.environment.id, asyncIntervals: { ping: 86_400, snapshot: 0, command: 60 } });
    expect(updated.environment.async).toEqual({ ping: 86_400, snapshot: 0, command: 60 });
    // A standard environment has no async intervals to change.
    const standard = await be.create({ name: 'be-standard', tunnelServerAddress: 't.example.com:8000' });
    expect(standard.environment.async).toBeUndefined();
    await expect(be.update({ id: standard.environment.id, asyncIntervals: { ping: 60, snapshot: 60, command: 60 } })).rejects.toThrow(/not an async Edge environment/);
  });

  it('an interval outside upstream\'s choices is refused before any request, naming the field', () => {
    const r = calls['environments:create'].request.safeParse({ name: 'x', async: { ping: 30, snapshot: 60, command: 60 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/ping interval is one of -1 \(Use default interval\), 0 \(disabled\), 60/);
  });
});

describe('Community Edition profile', () => {
  it('async mode is refused with why; no tunnel address is sent or needed', async () => {
    const ce = await connect('ce');
    await expect(ce.create({ name: 'ce-async', async: { ping: 60, snapshot: 60, command: 60 } })).rejects.toThrow(/only in Portainer Business Edition; this server is Community Edition/);
    const plain = await ce.create({ name: 'ce-plain' });
    expect(plain.key?.fields.tunnelAddress).toBe(ce.h.server.tunnelAddress);
    expect(plain.environment.async).toBeUndefined();
    expect(plain.asyncDefaults).toBeUndefined();
  });
});
