import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPortainerHandlers } from '../../../src-main/services/handlers/portainer';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls } from '../../../src-main/shared/contract/calls';
import type { Edition } from '../../../src-main/shared/domain/types';
import { ADMIN_PASSWORD, startHarness, type Harness } from '../localserver/helpers';

// The edition the server reports (/api/system/version ServerEdition) decides Nomad on 2.19:
// a Business Edition tab only (docs/portainer-versions.md fact 6).
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

async function detailOn(version: string, edition: Edition) {
  const h = await startHarness({ now: Date.now, version, edition });
  harnesses.push(h);
  const profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), redactor: new Redactor(), logger: silentLogger });
  const handlers = createPortainerHandlers({ profiles, logger: silentLogger });
  const fp = new X509Certificate(h.server.caPem!).fingerprint256.replaceAll(':', '').toLowerCase();
  await handlers['servers:add'](calls['servers:add'].request.parse({ name: `${edition}-${version}`, url: h.server.url, auth: 'password', username: 'admin', password: ADMIN_PASSWORD, tls: { mode: 'pinned', pinnedSha256: fp } }) as never);
  const created = await handlers['environments:create'](calls['environments:create'].request.parse({ name: 'edition-check' }) as never);
  return created;
}

describe('edition detection drives the offered platforms', () => {
  it('2.19 Business Edition offers Nomad, 2.19 Community Edition does not; 2.45 BE reports its edition and version', async () => {
    const be = await detailOn('2.19.0', 'be');
    expect(be).toMatchObject({ serverVersion: '2.19.0', serverEdition: 'be' });
    expect(be.platforms.linux).toContain('nomad');
    const ce = await detailOn('2.19.0', 'ce');
    expect(ce).toMatchObject({ serverVersion: '2.19.0', serverEdition: 'ce' });
    expect(ce.platforms.linux).toEqual(['kubernetes', 'swarm', 'standalone']);
    const newest = await detailOn('2.45.0', 'be');
    expect(newest).toMatchObject({ serverVersion: '2.45.0', serverEdition: 'be' });
    expect(newest.platforms.linux).toEqual(['kubernetes', 'swarm', 'standalone', 'podman']);
  });
});
