import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../src-main/services/app/appServices';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { prepareDataFolder } from '../../../src-main/services/platform/dataFolder';
import { ensurePrivateDir, makeFilePrivate, tightenTree } from '../../../src-main/services/platform/privateFiles';
import { createPrestageFileStore } from '../../../src-main/services/prestage/prestageFileStore';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { createFileStore } from '../../../src-main/services/stores/fileStore';
import { startLocalServer } from '../../../src-main/services/localserver/server';
import type { Argv } from '../../../src-main/shared/domain/platformPaths';

const mode = (p: string) => statSync(p).mode & 0o777;
let root: string;
let umask: number;

beforeEach(() => {
  // The usual umask: what made settings.json 0644 in a 0755 folder before.
  umask = process.umask(0o022);
  root = mkdtempSync(join(tmpdir(), 'edt-private-'));
  chmodSync(root, 0o755);
});
afterEach(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

describe('stores that can hold a secret: 0600 files in 0700 folders (checked with stat)', () => {
  it('settings.json (conf): a new file and folder', () => {
    const dir = join(root, 'data');
    createFileStore(dir).set('knownHosts', { a: 1 });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
  });

  it('settings.json left 0644 in a 0755 folder by an earlier version is tightened on start', () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'settings.json'), '{"profiles":[]}', { mode: 0o644 });
    const store = createFileStore(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
    store.set('x', 1);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
  });

  it('the prestage cache (join tokens)', () => {
    const dir = join(root, 'prestage');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'prestage.json'), '{}', { mode: 0o644 });
    createPrestageFileStore(dir).set('prestage.environments', { k: { edgeKey: 'secret' } });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'prestage.json'))).toBe(0o600);
  });

  it('the data folder on start: runs (transcripts, summaries), the local server folder and the stores', () => {
    const dir = join(root, 'data');
    for (const d of ['runs/r1/hosts', 'local-server', 'prestage']) mkdirSync(join(dir, d), { recursive: true, mode: 0o755 });
    const files = ['settings.json', 'runs/r1/summary.json', 'runs/r1/hosts/h.json', 'local-server/store.json', 'local-server/tunnel-host-key.pem', 'prestage/prestage.json'];
    for (const f of files) writeFileSync(join(dir, f), '{}', { mode: 0o644 });
    prepareDataFolder({ dir });
    expect(mode(dir)).toBe(0o700);
    for (const d of ['runs', 'runs/r1', 'runs/r1/hosts', 'local-server', 'prestage']) expect(mode(join(dir, d)), d).toBe(0o700);
    for (const f of files) expect(mode(join(dir, f)), f).toBe(0o600);
  });

  it('the local server tightens its own data folder when started on it (serve --data, sim --data)', async () => {
    const dir = join(root, 'sim');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(join(dir, 'old.json'), '{}', { mode: 0o644 });
    const server = await startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, host: '127.0.0.1', https: false });
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'old.json'))).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it('the app keeps join tokens out of settings.json: an earlier cache there moves to the private prestage file', async () => {
    const dir = join(root, 'app');
    const store = createFileStore(dir);
    store.set('prestage.environments', { 'https://p#1': { edgeKey: 'JOIN-TOKEN-1', agentSecret: 'AGENT-SECRET-1' } });
    const services = await createAppServices({ dataDir: dir, store, secrets: new MemoryOnlySecrets(), redactor: new Redactor(), transport: 'web', version: '0.0.0-test', logger: silentLogger, embeddedServer: false });
    await services.close();
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toMatch(/JOIN-TOKEN-1|AGENT-SECRET-1/);
    expect(readFileSync(join(dir, 'prestage', 'prestage.json'), 'utf8')).toMatch(/JOIN-TOKEN-1/);
    expect(mode(join(dir, 'prestage', 'prestage.json'))).toBe(0o600);
  });
});

describe('Windows: an ACL for the current user instead of modes', () => {
  // No Windows machine runs this suite: icacls is replaced by a recorder, and the argv it would get is checked.
  it('folders get an inherited user-only entry, files a user-only entry, old entries are reset; no shell', () => {
    const ran: Argv[] = [];
    const o = { platform: 'win32', env: { USERNAME: 'Ana Lee', USERDOMAIN: 'CORP' }, run: (a: Argv) => void ran.push(a) };
    const dir = join(root, 'w');
    ensurePrivateDir(dir, o);
    writeFileSync(join(dir, 'settings.json'), '{}');
    makeFilePrivate(join(dir, 'settings.json'), o);
    tightenTree(dir, { ...o, entries: ['settings.json', 'runs'] });
    expect(ran).toEqual([
      { command: 'icacls', args: [dir, '/inheritance:r', '/grant:r', 'CORP\\Ana Lee:(OI)(CI)F'] },
      { command: 'icacls', args: [join(dir, 'settings.json'), '/inheritance:r', '/grant:r', 'CORP\\Ana Lee:F'] },
      { command: 'icacls', args: [dir, '/inheritance:r', '/grant:r', 'CORP\\Ana Lee:(OI)(CI)F'] },
      { command: 'icacls', args: [join(dir, 'settings.json'), '/reset', '/T', '/Q'] },
    ]);
  });
});

describe('one data folder: earlier data moved in once, with a message', () => {
  it('the desktop app layout (userData/settings.json, userData/data/…) and the old CLI folder merge into the data folder', () => {
    const userData = join(root, 'config', 'edgedeck');
    const oldCli = join(root, 'old-cli');
    const target = join(root, 'share', 'edgedeck');
    mkdirSync(join(userData, 'data', 'runs', 'r1'), { recursive: true });
    writeFileSync(join(userData, 'settings.json'), '{"from":"app"}');
    writeFileSync(join(userData, 'data', 'runs', 'r1', 'summary.json'), '{}');
    mkdirSync(join(oldCli, 'prestage'), { recursive: true });
    writeFileSync(join(oldCli, 'prestage', 'prestage.json'), '{}');
    writeFileSync(join(oldCli, 'settings.json'), 'not json');
    const moves = [
      { from: join(userData, 'settings.json'), to: join(target, 'settings.json') },
      { from: join(userData, 'data'), to: target },
      { from: oldCli, to: target },
    ];
    const ctx = { platform: 'linux', env: { XDG_DATA_HOME: join(root, 'share') }, home: root };
    const first = prepareDataFolder({ ctx, moves });
    expect(first.dir).toBe(target);
    expect(readFileSync(join(target, 'settings.json'), 'utf8')).toBe('{"from":"app"}');
    expect(existsSync(join(target, 'runs', 'r1', 'summary.json'))).toBe(true);
    expect(existsSync(join(target, 'prestage', 'prestage.json'))).toBe(true);
    expect(existsSync(join(userData, 'data'))).toBe(false);
    expect(first.messages).toEqual([
      `moved ${join(userData, 'settings.json')} to ${join(target, 'settings.json')}`,
      `moved ${join(userData, 'data', 'runs')} to ${join(target, 'runs')}`,
      `moved ${join(oldCli, 'prestage')} to ${join(target, 'prestage')}`,
      `left ${join(oldCli, 'settings.json')} in place: ${join(target, 'settings.json')} already exists (compare them and delete the one you do not need)`,
    ]);
    expect(mode(target)).toBe(0o700);
    expect(mode(join(target, 'settings.json'))).toBe(0o600);
    // Once: a second start finds nothing new to move.
    rmSync(join(oldCli, 'settings.json'));
    expect(prepareDataFolder({ ctx, moves }).messages).toEqual([]);
  });

  it('two settings files (a host trusted in the app, a profile made in the CLI) merge; on a clash the data folder wins', () => {
    const app = join(root, 'app-settings.json');
    const target = join(root, 'data', 'settings.json');
    mkdirSync(join(root, 'data'));
    writeFileSync(app, JSON.stringify({ ssh: { knownHosts: { 'gui-host': [{ type: 'ssh-ed25519' }], both: ['app'] } }, portainer: { profiles: [{ id: 'p-app' }, { id: 'same', v: 'app' }] } }));
    writeFileSync(target, JSON.stringify({ ssh: { knownHosts: { 'cli-host': [{ type: 'ssh-rsa' }], both: ['cli'] } }, portainer: { profiles: [{ id: 'p-cli' }, { id: 'same', v: 'cli' }] } }));
    const r = prepareDataFolder({ ctx: { platform: 'linux', env: { XDG_DATA_HOME: root }, home: root }, moves: [{ from: app, to: target }] });
    expect(r.messages).toEqual([`merged ${app} into ${target} (where both had an entry, the one already in ${target} was kept)`]);
    expect(existsSync(app)).toBe(false);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({
      ssh: { knownHosts: { 'gui-host': [{ type: 'ssh-ed25519' }], 'cli-host': [{ type: 'ssh-rsa' }], both: ['cli'] } },
      portainer: { profiles: [{ id: 'p-cli' }, { id: 'same', v: 'cli' }, { id: 'p-app' }] },
    });
    expect(mode(target)).toBe(0o600);
  });

  it('a folder the user chose (--data) is never filled from the old places', () => {
    const userData = join(root, 'ud');
    mkdirSync(userData);
    writeFileSync(join(userData, 'settings.json'), '{}');
    const chosen = join(root, 'chosen');
    expect(prepareDataFolder({ dir: chosen, moves: [{ from: join(userData, 'settings.json'), to: join(chosen, 'settings.json') }] }).messages).toEqual([]);
    expect(existsSync(join(userData, 'settings.json'))).toBe(true);
  });
});
