import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import type { PortainerClient } from '../../../src-main/services/portainer/client';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { ADMIN_PASSWORD, adminClient, captureIo, tmp } from './helpers';

/**
 * Issue #15: a server newer than the newest release line Edgedeck knows gets the newest texts and
 * a plain warning. For `edgedeck export` (every kind: existing environments, the CSV import, the
 * global-key bundle) the warning is in each README and once on stderr. The local server reports
 * 2.52.0, past the 2.40–2.45 LTS line.
 */
const WARNING = 'Portainer 2.52.0 is newer than the newest release line Edgedeck knows (2.40–2.45 LTS)';
let server: LocalServer;
let client: PortainerClient;
let args: string[];

beforeAll(async () => {
  server = await startLocalServer({ dataDir: tmp('newer-server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD, version: '2.52.0', logger: silentLogger });
  client = adminClient(server.url);
  args = ['--server', server.url, '--username', 'admin', '--password-stdin', '--pin', new X509Certificate(server.caPem!).fingerprint256];
}, 60_000);
afterAll(async () => {
  await client?.close();
  await server?.close();
});

async function exportWith(extra: string[]) {
  const io = captureIo(`${ADMIN_PASSWORD}\n`);
  const code = await makeExportCommand({ store: new MemoryStore(), prestageStore: new MemoryStore() }).run([...args, ...extra], io);
  return { code, out: io.out, err: io.err };
}

const warnedOnce = (err: string) => err.split('\n').filter((l) => l.startsWith(`edgedeck: warning: ${WARNING}`)).length;

describe('edgedeck export from a server newer than the newest known line', () => {
  it('existing environments: README and stderr warn', async () => {
    const a = await client.createEdgeEnvironment({ name: 'newer-a', portainerUrl: server.url });
    const b = await client.createEdgeEnvironment({ name: 'newer-b', portainerUrl: server.url });
    const out = join(tmp('newer-existing'), 'export');
    const r = await exportWith(['--environments', `${a.id},${b.id}`, '--out', out]);
    expect(r.code).toBe(0);
    expect(warnedOnce(r.err)).toBe(1);
    expect(readFileSync(join(out, 'devices', 'newer-a', 'README.txt'), 'utf8')).toContain(`WARNING: ${WARNING}`);
  });

  it('the CSV import: stderr warns once for all rows', async () => {
    const csv = join(tmp('newer-csv'), 'devices.csv');
    writeFileSync(csv, 'name\nnewer-csv-1\nnewer-csv-2\n');
    const r = await exportWith(['--csv', csv, '--create', '--out', join(tmp('newer-csv-out'), 'export')]);
    expect(r.code).toBe(0);
    expect(warnedOnce(r.err)).toBe(1);
  });

  it('the global-key bundle: README and stderr warn', async () => {
    const out = join(tmp('newer-global'), 'export');
    const r = await exportWith(['--global-key', '--out', out]);
    expect(r.code).toBe(0);
    expect(warnedOnce(r.err)).toBe(1);
    expect(readFileSync(join(out, 'auto-onboard', 'README.txt'), 'utf8')).toContain(`WARNING: ${WARNING}`);
  });
});
