import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadRegistry } from '../../../src-main/services/downloads/downloadRegistry';
import { createPrestageHandlers } from '../../../src-main/services/handlers/prestage';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls } from '../../../src-main/shared/contract/calls';
import { AppError } from '../../../src-main/shared/contract/errors';
import { ADMIN_PASSWORD, tmp } from './helpers';

/** prestage:export with deliver: 'download': one archive waits in a private folder for one fetch. */
let server: LocalServer;
let profiles: ServerProfiles;
let root: string;
let downloads: DownloadRegistry;
let h: ReturnType<typeof createPrestageHandlers>;
let ids: number[];

const parse = (req: unknown) => calls['prestage:export'].request.parse(req);

beforeAll(async () => {
  server = await startLocalServer({ dataDir: tmp('download'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD });
  profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), logger: silentLogger });
  await profiles.registerEphemeral({ id: 't', name: 'local', url: server.url, auth: 'password', username: 'admin', tls: { mode: 'insecure' }, rememberSecret: false }, ADMIN_PASSWORD);
  profiles.select('t');
  root = mkdtempSync(join(tmpdir(), 'edgedeck-prestage-dl-'));
  downloads = new DownloadRegistry({ root });
  h = createPrestageHandlers({ profiles, store: new MemoryStore(), logger: silentLogger, downloads });
  const run = await h['prestage:importRun'](calls['prestage:importRun'].request.parse({ csv: 'name\ndl-1\ndl-2\n', outDir: join(tmp('dl-first'), 'o'), formats: ['env'] }));
  ids = run.items.map((i) => i.environmentId!);
}, 60_000);

afterAll(async () => {
  downloads?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  await profiles?.close();
  await server?.close();
});

async function fetchOnce(id: string): Promise<Buffer> {
  const taken = downloads.take(id);
  if (!taken) throw new Error('the download is gone');
  return buffer(taken.stream);
}

describe('prestage:export deliver download', () => {
  it('asks for an output folder only when delivering to a folder', () => {
    expect(calls['prestage:export'].request.safeParse({ environmentIds: [1] }).success).toBe(false);
    expect(calls['prestage:export'].request.safeParse({ environmentIds: [1], deliver: 'folder', outDir: '  ' }).success).toBe(false);
    expect(calls['prestage:export'].request.safeParse({ environmentIds: [1], deliver: 'download' }).success).toBe(true);
    expect(calls['prestage:export'].request.safeParse({ environmentIds: [1], deliver: 'email' }).success).toBe(false);
  });

  it('returns a one-time download of a plain .tar whose files keep their modes (tar -tvf)', async () => {
    const r = await h['prestage:export'](parse({ environmentIds: ids, deliver: 'download', formats: ['env', 'script'] }));
    expect(r).toMatchObject({ devices: 2, encrypted: false, source: 'server' });
    expect(r.download).toEqual({ id: expect.any(String), fileName: expect.stringMatching(/^edgedeck-export-\d{4}-\d{2}-\d{2}-\d{6}\.tar$/), size: expect.any(Number), expiresAt: expect.any(String) });
    expect(r.path).toBe(r.download!.fileName);
    // The archive waits in a private folder of its own.
    const dirs = execFileSync('find', [root, '-name', r.download!.fileName], { encoding: 'utf8' }).trim().split('\n');
    expect(dirs).toHaveLength(1);
    const dir = dirs[0]!.slice(0, dirs[0]!.lastIndexOf('/'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dirs[0]!).mode & 0o777).toBe(0o600);

    const tar = await fetchOnce(r.download!.id);
    expect(tar.length).toBe(r.download!.size);
    expect(downloads.take(r.download!.id)).toBeUndefined();
    const file = join(tmp('dl-check'), 'export.tar');
    writeFileSync(file, tar);
    const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
    const line = (path: string) => listing.split('\n').find((l) => l.endsWith(` ${path}`)) ?? `(no ${path} in)\n${listing}`;
    expect(line('edgedeck-export/devices/dl-1/agent.env')).toMatch(/^-rw------- /);
    expect(line('edgedeck-export/devices/dl-2/agent.env')).toMatch(/^-rw------- /);
    // install.sh holds no key (it reads agent.env): 0755, as in a folder export.
    expect(line('edgedeck-export/devices/dl-1/install.sh')).toMatch(/^-rwxr-xr-x /);
    expect(line('edgedeck-export/devices/dl-1/')).toMatch(/^drwx------ /);
    expect(line('edgedeck-export/fleet.csv')).toMatch(/^-rw/);
    // Extracted, the bundle is the one a folder export writes.
    const out = tmp('dl-x');
    execFileSync('tar', ['-xf', file, '-C', out]);
    expect(readFileSync(join(out, 'edgedeck-export', 'devices', 'dl-1', 'agent.env'), 'utf8')).toMatch(/^EDGE_KEY=/m);
  }, 60_000);

  it('encrypts the archive when asked (.tar.age)', async () => {
    const r = await h['prestage:export'](parse({ environmentIds: ids, deliver: 'download', formats: ['env'], encrypt: { passphrase: 'correct horse battery' } }));
    expect(r.encrypted).toBe(true);
    expect(r.download!.fileName).toMatch(/\.tar\.age$/);
    const data = await fetchOnce(r.download!.id);
    expect(data.subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    expect(data.toString('latin1')).not.toMatch(/EDGE_KEY/);
  }, 60_000);

  it('leaves nothing behind when the export fails, and refuses downloads without a registry (Electron)', async () => {
    await expect(h['prestage:export'](parse({ environmentIds: [99_999], deliver: 'download' }))).rejects.toBeInstanceOf(AppError);
    expect(downloads.size()).toBe(0);
    expect(execFileSync('find', [root, '-mindepth', '1'], { encoding: 'utf8' }).trim()).toBe('');
    const noRegistry = createPrestageHandlers({ profiles, store: new MemoryStore(), logger: silentLogger });
    await expect(noRegistry['prestage:export'](parse({ environmentIds: ids, deliver: 'download' }))).rejects.toMatchObject({ code: 'unsupported' });
    expect(existsSync(root)).toBe(true);
  }, 60_000);
});
