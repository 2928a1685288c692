import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrestageHandlers } from '../../../src-main/services/handlers/prestage';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls } from '../../../src-main/shared/contract/calls';
import { CREATE_GROUPS_LABEL } from '../../../src-main/shared/schemas/prestage';
import { ADMIN_PASSWORD, tmp } from './helpers';

/** The prestage:* handlers on a server profile, with requests parsed by the contract's schemas. */
let server: LocalServer;
let profiles: ServerProfiles;
let h: ReturnType<typeof createPrestageHandlers>;

beforeAll(async () => {
  server = await startLocalServer({ dataDir: tmp('handlers'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), logger: silentLogger });
  await profiles.registerEphemeral({ id: 't', name: 'local', url: server.url, auth: 'password', username: 'admin', tls: { mode: 'insecure' }, rememberSecret: false }, ADMIN_PASSWORD);
  profiles.select('t');
  h = createPrestageHandlers({ profiles, store: new MemoryStore(), logger: silentLogger });
}, 60_000);

afterAll(async () => {
  await profiles?.close();
  await server?.close();
});

describe('prestage handlers', () => {
  it('plan, create + export, cached (no keys), export offline, unused', async () => {
    const csv = 'name,tags\nh-1,t1\nh-2,\n';
    const plan = await h['prestage:importPlan'](calls['prestage:importPlan'].request.parse({ csv }));
    expect(plan).toMatchObject({ create: 2, errors: 0, newTags: ['t1'] });
    const out = join(tmp('h'), 'o');
    const run = await h['prestage:importRun'](calls['prestage:importRun'].request.parse({ csv, outDir: out, formats: ['env', 'script'] }));
    expect(run.created).toBe(2);
    expect(run.export?.devices).toBe(2);
    expect(readFileSync(join(out, 'devices', 'h-1', 'agent.env'), 'utf8')).toMatch(/^EDGE_KEY=/m);
    const cached = await h['prestage:cached']({});
    expect(cached.environments.map((e) => e.name)).toEqual(['h-1', 'h-2']);
    expect(JSON.stringify(cached)).not.toMatch(/edgeKey|EDGE_KEY/);
    const ids = cached.environments.map((e) => e.environmentId);
    const off = await h['prestage:export'](calls['prestage:export'].request.parse({ environmentIds: ids, offline: true, outDir: join(tmp('h2'), 'o'), formats: ['k8s'] }));
    expect(off).toMatchObject({ source: 'cache', devices: 2, encrypted: false });
    const unused = await h['prestage:unused']({ days: 0 });
    expect(unused.eligible.sort()).toEqual(ids.sort());
    expect(calls['prestage:deleteUnused'].request.safeParse({ ids, confirm: false }).success).toBe(false);
    const del = await h['prestage:deleteUnused'](calls['prestage:deleteUnused'].request.parse({ ids: [ids[0]], confirm: true }));
    expect(del.removed.map((r) => r.name)).toEqual(['h-1']);
  }, 60_000);

  it("a row naming a missing group cites the UI's own checkbox, not the CLI flag", async () => {
    const plan = await h['prestage:importPlan'](calls['prestage:importPlan'].request.parse({ csv: 'name,group\nrow-g,Nowhere\n' }));
    const message = plan.items.find((i) => i.name === 'row-g')?.message ?? '';
    expect(message).toContain('the group "Nowhere" does not exist on the server');
    expect(message).toContain(`tick “${CREATE_GROUPS_LABEL}”`);
    expect(message).not.toContain('--create-groups');
  }, 60_000);
});
