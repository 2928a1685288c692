import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import type { PortainerClient } from '../../../src-main/services/portainer/client';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { ADMIN_PASSWORD, adminClient, captureIo, tmp } from './helpers';

/** CSV import against the local server: dry run, per-row errors, 100 devices, offline export, unused tokens. */

let server: LocalServer;
let client: PortainerClient;
let dataDir: string;
const store = new MemoryStore();
const prestageStore = new MemoryStore();
let clock = Date.now();
const cmd = () => makeExportCommand({ store, prestageStore, now: () => clock });
const serverArgs = () => ['--server', server.url, '--username', 'admin', '--password-stdin', '--insecure'];

async function envCount(): Promise<number> {
  return (await client.listEnvironments({})).total;
}

beforeAll(async () => {
  dataDir = tmp('fleet-server');
  server = await startLocalServer({ dataDir, port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  client = adminClient(server.url);
  await client.createGroup({ name: 'Stores' });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
});

describe('CSV import', () => {
  it('reports every malformed row with its row number and the fix; the dry run creates nothing', async () => {
    const csv = join(tmp('csv'), 'devices.csv');
    const rows = [
      '\uFEFFname,group,tags,poll,platform,edge_id,host',
      'ok-1,Stores,a;b,5,standalone,,10.0.0.1',
      '"ok, quoted",,,,podman,,',
      'ok-1,,,,,,', // duplicate name (row 4)
      'bad-group,Nowhere,,,,,', // unknown group (row 5)
      'bad-poll,,,fast,,,', // row 6
      'bad-platform,,,,solaris,,', // row 7
      'short,Stores', // missing fields (row 8)
      ',,,,,,', // no name (row 9)
      'bad-edge,,,,,"has space",', // row 10
    ];
    const bytes = Buffer.concat([Buffer.from(rows.join('\r\n') + '\r\n', 'utf8'), Buffer.from('caf\xe9-latin1,,,,,,\r\n', 'latin1')]);
    writeFileSync(csv, bytes);
    const before = await envCount();
    const io = captureIo(`${ADMIN_PASSWORD}\n`);
    const code = await cmd().run([...serverArgs(), '--csv', csv, '--dry-run'], io);
    expect(code).toBe(2);
    const o = io.out;
    expect(o).toContain('row 2 (ok-1): will create: will be created (tag(s) "a", "b" will be created).');
    expect(o).toContain('row 3 (ok, quoted): will create');
    expect(o).toMatch(/row 4 \(ok-1\): has the name "ok-1", already used on line 2/);
    expect(o).toMatch(/row 5 \(bad-group\): the group "Nowhere" does not exist on the server .*--create-groups/);
    expect(o).toMatch(/row 6 \(bad-poll\): has poll "fast": poll is whole seconds from 1 to 604,800 \(a week\), or 0 for the server's default/);
    expect(o).toMatch(/row 7 \(bad-platform\): has platform "solaris"; use one of standalone, podman, kubernetes, windows/);
    expect(o).toMatch(/row 8 \(short\): has 2 field\(s\) but the header has 7; add the missing commas/);
    expect(o).toMatch(/row 9: has no name/);
    expect(o).toMatch(/row 10 \(bad-edge\): has edge_id "has space"; use letters, digits/);
    expect(o).toMatch(/row 11 .*not UTF-8.*save it as "CSV UTF-8"/);
    expect(o).toContain('Dry run: nothing was created. 2 to create, 0 existing, 8 in error.');
    expect(await envCount()).toBe(before);
    // --create refuses while rows are in error, and creates nothing either.
    const io2 = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--csv', csv, '--create', '--out', join(tmp('x'), 'o')], io2)).toBe(2);
    expect(io2.err).toContain('Nothing was created');
    expect(await envCount()).toBe(before);
    expect((await client.listTags()).length).toBe(0);
  });

  it('pre-creates 100 devices from a CSV, then exports them with the server stopped', async () => {
    const csv = join(tmp('csv100'), 'devices.csv');
    const lines = ['name,group,tags,poll,platform,edge_id,host'];
    for (let i = 1; i <= 100; i++) lines.push(`dev-${String(i).padStart(3, '0')},${i % 2 ? 'Stores' : ''},fleet;batch-${i % 3},${i % 4 === 0 ? 30 : ''},${i % 10 === 0 ? 'podman' : 'standalone'},${i === 7 ? 'fixed-edge-id-007' : ''},${i <= 3 ? `10.1.0.${i}` : ''}`);
    writeFileSync(csv, lines.join('\n') + '\n');
    const before = await envCount();

    const dry = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--csv', csv, '--dry-run'], dry)).toBe(0);
    expect(dry.out).toContain('100 to create, 0 existing, 0 in error');
    expect(await envCount()).toBe(before);

    const out1 = join(tmp('out100'), 'export');
    const io = captureIo(`${ADMIN_PASSWORD}\n`);
    const code = await cmd().run([...serverArgs(), '--csv', csv, '--create', '--out', out1, '--formats', 'env,script,ansible,labels'], io);
    expect(io.err.replace(/.*certificate verification is OFF.*\n/g, '')).toBe('');
    expect(code).toBe(0);
    expect(io.out).toContain('Created 100, existing 0, failed 0.');
    expect(await envCount()).toBe(before + 100);
    expect(readdirSync(join(out1, 'devices'))).toHaveLength(100);
    const m7 = JSON.parse(readFileSync(join(out1, 'devices', 'dev-007', 'manifest.json'), 'utf8'));
    expect(m7.edgeId).toBe('fixed-edge-id-007');
    expect(m7.group).toBe('Stores');
    const server7 = await client.getEnvironment(m7.environment.id);
    expect(server7.name).toBe('dev-007');
    expect((await client.getEnvironment(JSON.parse(readFileSync(join(out1, 'devices', 'dev-004', 'manifest.json'), 'utf8')).environment.id)).checkinInterval).toBe(30);
    expect(readFileSync(join(out1, 'inventory.yml'), 'utf8')).toContain('ansible_host: "10.1.0.2"');
    const fleetCsv = readFileSync(join(out1, 'fleet.csv'), 'utf8');
    expect(fleetCsv.split('\r\n').filter(Boolean)).toHaveLength(101);
    // Re-running the same CSV finds them all.
    const again = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--csv', csv, '--dry-run'], again)).toBe(0);
    expect(again.out).toContain('0 to create, 100 existing, 0 in error');

    const ids = m7.environment.id + ',' + JSON.parse(readFileSync(join(out1, 'devices', 'dev-100', 'manifest.json'), 'utf8')).environment.id;
    const all = Array.from({ length: 100 }, (_, i) => JSON.parse(readFileSync(join(out1, 'devices', `dev-${String(i + 1).padStart(3, '0')}`, 'manifest.json'), 'utf8')).environment.id as number);
    await server.close();
    clock += 3600_000;

    // The server is down: the export falls back to the local copy and says when it was confirmed.
    const out2 = join(tmp('offline'), 'export');
    const off = captureIo(`${ADMIN_PASSWORD}\n`);
    const code2 = await cmd().run([...serverArgs(), '--environments', all.join(','), '--out', out2], off);
    expect(off.err).toMatch(/server is unreachable .*exporting from the offline copy\. Data last confirmed with the server at/);
    expect(code2).toBe(0);
    expect(readdirSync(join(out2, 'devices'))).toHaveLength(100);
    const m7off = JSON.parse(readFileSync(join(out2, 'devices', 'dev-007', 'manifest.json'), 'utf8'));
    expect(m7off.lastConfirmedWithServer).toBe(m7.lastConfirmedWithServer);
    expect(m7off.createdAt > m7off.lastConfirmedWithServer).toBe(true);
    expect(readFileSync(join(out2, 'devices', 'dev-007', 'agent.env'), 'utf8')).toBe(readFileSync(join(out1, 'devices', 'dev-007', 'agent.env'), 'utf8'));
    expect(statSync(join(out2, 'devices', 'dev-007', 'agent.env')).mode & 0o777).toBe(0o600);
    // --offline needs no credentials at all.
    const out3 = join(tmp('offline3'), 'export');
    const off3 = captureIo('');
    expect(await cmd().run(['--server', server.url, '--offline', '--environments', ids, '--out', out3, '--formats', 'env'], off3)).toBe(0);
    expect(off3.err).toContain('Offline export from the local copy');
    // An environment the local copy does not know: a clear error.
    const miss = captureIo('');
    expect(await cmd().run(['--server', server.url, '--offline', '--environments', '99999', '--out', join(tmp('m'), 'o')], miss)).toBe(1);
    expect(miss.err).toContain('no offline copy of environment(s) 99999');

    // Restart the same server (same data folder) for the unused-token report.
    server = await startLocalServer({ dataDir, port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
    await client.close();
    client = adminClient(server.url);
  }, 180_000);

  it('unused tokens: report by age, delete only with --yes, say what was removed', async () => {
    // The restarted server has a new URL: the cache is keyed by URL, so create fresh ones here.
    const csv = join(tmp('csvu'), 'devices.csv');
    writeFileSync(csv, 'name\nold-1\nold-2\n');
    const start = clock;
    const io = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--csv', csv, '--create', '--out', join(tmp('u'), 'o'), '--formats', 'env'], io)).toBe(0);
    const unknownBefore = await envCount();
    clock = start + 10 * 86_400_000;
    const report = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--unused-days', '7'], report)).toBe(0);
    expect(report.out).toMatch(/old-1 {2}created \d{4}-\d{2}-\d{2} \(10 d\) {2}← unused/);
    expect(report.out).toContain('creation date unknown');
    expect(report.out).toContain('To delete the 2 unused environment(s): add --delete --yes.');
    const noYes = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--unused-days', '7', '--delete'], noYes)).toBe(2);
    expect(noYes.err).toContain('confirm with --yes');
    expect(await envCount()).toBe(unknownBefore);
    const del = captureIo(`${ADMIN_PASSWORD}\n`);
    expect(await cmd().run([...serverArgs(), '--unused-days', '7', '--delete', '--yes'], del)).toBe(0);
    expect(del.out).toMatch(/removed environment \d+ \(old-1\)/);
    expect(del.out).toMatch(/removed environment \d+ \(old-2\)/);
    expect(del.out).toContain('2 removed, 0 kept.');
    expect(await envCount()).toBe(unknownBefore - 2);
  }, 60_000);
});
