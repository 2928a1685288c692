import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvFile } from '../../../src-main/services/install/envFile';
import { buildDeviceBundle, deviceEnvEntries, sha256Hex } from '../../../src-main/services/prestage/bundle';
import { buildExport, labelPayload } from '../../../src-main/services/prestage/fleet';
import type { ExportOptions, PrestagedEnvironment } from '../../../src-main/services/prestage/types';
import { writeExportAtomically } from '../../../src-main/services/prestage/writer';
import { AppError } from '../../../src-main/shared/contract/errors';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { installEnvEntries } from '../../../src-main/shared/domain/installCommands';

const key = encodeEdgeKey({ portainerUrl: 'https://p.example:9443', tunnelAddress: 'p.example:8000', tunnelFingerprint: 'SHA256:abc', environmentId: 5 });
const env: PrestagedEnvironment = {
  environmentId: 5,
  name: 'edge-5',
  edgeKey: key,
  edgeId: 'edge-id-5',
  serverUrl: 'https://p.example:9443',
  portainerUrl: 'https://p.example:9443',
  tunnelAddress: 'p.example:8000',
  fingerprint: 'SHA256:abc',
  agentVersion: '2.23.0',
  insecurePoll: false,
  agentSecret: 'topsecret',
  envVars: 'A=1',
  platform: 'standalone',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastConfirmedWithServer: '2025-01-02T00:00:00.000Z',
};
const all: ExportOptions = { formats: ['env', 'script', 'compose', 'ps1', 'cloud-init', 'k8s', 'ansible', 'labels'], createdAt: '2025-01-03T00:00:00.000Z', expires: '2025-02-01' };

describe('device bundle', () => {
  it('agent.env is the shared env list (installEnvEntries) rendered by the SSH install\'s renderEnvFile', () => {
    const files = buildDeviceBundle(env, 'd', all);
    const envFile = files.find((f) => f.path === 'd/agent.env')!;
    const entries = installEnvEntries({ platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: key, edgeId: 'edge-id-5', insecurePoll: false, agentSecret: 'topsecret', envVars: 'A=1' });
    expect(String(envFile.content).split('\n').filter((l) => !l.startsWith('#')).join('\n')).toBe(renderEnvFile(entries));
    expect(deviceEnvEntries(env).map(([n]) => n)).toEqual(['EDGE', 'EDGE_ID', 'EDGE_KEY', 'EDGE_INSECURE_POLL', 'AGENT_SECRET', 'A']);
  });

  it('every file holding the key or secret is 0600, the others carry neither', () => {
    for (const f of buildDeviceBundle(env, 'd', all)) {
      const text = String(f.content);
      const secret = text.includes(key) || text.includes('topsecret') || text.includes(Buffer.from(key).toString('base64').slice(0, 20)) || f.path.endsWith('cloud-init.yaml');
      if (secret) expect(f.mode, f.path).toBe(0o600);
      else expect(f.mode & 0o077, f.path).not.toBe(0);
    }
  });

  it('manifest lists the sha256 of every other file, the expiry and when the data was confirmed', () => {
    const files = buildDeviceBundle(env, 'd', all);
    const m = JSON.parse(String(files.at(-1)!.content));
    expect(m.files.map((f: { path: string }) => f.path)).toEqual(files.slice(0, -1).map((f) => f.path.slice(2)));
    for (const f of m.files) expect(f.sha256).toBe(sha256Hex(files.find((x) => x.path === `d/${f.path}`)!.content));
    expect(m).toMatchObject({ environment: { id: 5, name: 'edge-5' }, expires: '2025-02-01', lastConfirmedWithServer: '2025-01-02T00:00:00.000Z', tunnelAddress: 'p.example:8000', fingerprint: 'SHA256:abc', agentVersion: '2.23.0' });
    expect(JSON.stringify(m)).not.toContain(key);
  });

  it('refuses values a bundle cannot carry, with the fix', () => {
    expect(() => buildDeviceBundle({ ...env, envVars: 'FROM_HOST' }, 'd', all)).toThrow(/FROM_HOST has no value.*FROM_HOST=value/);
    expect(() => buildDeviceBundle({ ...env, edgeId: 'a b' }, 'd', all)).toThrow(/Edge ID/);
    expect(() => buildDeviceBundle(env, 'd', { ...all, expires: '2025-02-30' })).toThrow(/YYYY-MM-DD/);
  });

  it('labels never hold the key unless asked', () => {
    const plan = buildExport([env], all);
    const labels = String(plan.files.find((f) => f.path === 'labels.html')!.content);
    expect(labels).not.toContain(key);
    expect(labelPayload(env, false)).toBe('{"name":"edge-5","edgeId":"edge-id-5","environmentId":5}');
    const withKey = buildExport([env], { ...all, labelsIncludeKey: true }).files.find((f) => f.path === 'labels.html')!;
    expect(withKey.mode).toBe(0o600);
    expect(labelPayload(env, true)).toContain(key);
  });

  it('device folders are unique and safe', () => {
    const plan = buildExport([env, { ...env, environmentId: 6, name: 'edge 5' }, { ...env, environmentId: 7, name: '../../etc' }], { ...all, formats: ['env'] });
    expect([...plan.folders.values()]).toEqual(['devices/edge-5', 'devices/edge_5', 'devices/etc']);
  });
});

describe('writer', () => {
  it('an unwritable output names the folder; a failure removes the partial output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-w-'));
    writeFileSync(join(dir, 'file'), 'x');
    const err = (() => {
      try {
        writeExportAtomically(join(dir, 'file', 'out'), [{ path: 'a', content: 'b', mode: 0o600 }]);
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err?.message).toContain(`Cannot create the folder ${join(dir, 'file')}`);
    expect(() => writeExportAtomically(join(dir, 'out'), [{ path: 'ok', content: 'b', mode: 0o600 }, { path: '../escape', content: 'b', mode: 0o600 }])).toThrow(/the partial output was removed/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['file']);
    writeExportAtomically(join(dir, 'out'), [{ path: 'ok', content: 'b', mode: 0o600 }]);
    expect(() => writeExportAtomically(join(dir, 'out'), [])).toThrow(/already exists/);
  });
});

describe('device bundle: release lines', () => {
  const readme = (e: PrestagedEnvironment) => String(buildDeviceBundle(e, 'd', all).find((f) => f.path === 'd/README.txt')!.content);

  it('README warns plainly when the server is newer than the newest line we know, and only then', () => {
    expect(readme({ ...env, agentVersion: '2.45.1' })).not.toMatch(/WARNING/);
    expect(readme({ ...env, agentVersion: '2.52.0' })).toMatch(/\nWARNING: Portainer 2\.52\.0 is newer than the newest release line Edgedeck knows \(2\.40–2\.45 LTS\)/);
  });

  it('Podman on 2.28+: PODMAN=1 in agent.env, the docker.io image, no podman.socket line in install.sh', () => {
    const files = buildDeviceBundle({ ...env, platform: 'podman', agentVersion: '2.39.0' }, 'd', all);
    const text = (p: string) => String(files.find((f) => f.path === `d/${p}`)!.content);
    expect(text('agent.env')).toMatch(/^PODMAN=1$/m);
    expect(text('install.sh')).toContain('docker.io/portainer/agent:2.39.0');
    expect(text('install.sh')).not.toContain('podman.socket');
    const old = buildDeviceBundle({ ...env, platform: 'podman', agentVersion: '2.27.0' }, 'd', all);
    expect(String(old.find((f) => f.path === 'd/agent.env')!.content)).not.toMatch(/PODMAN=1/);
  });
});

describe('files fit the device OS (shared/domain/platformPaths.ts deviceTextRule)', () => {
  it('install.ps1: CRLF throughout, UTF-8 BOM when the name is not ASCII; the manifest hashes the bytes written', () => {
    const ascii = buildDeviceBundle(env, 'd', all);
    const ps1 = String(ascii.find((f) => f.path === 'd/install.ps1')!.content);
    expect(ps1.startsWith('\uFEFF')).toBe(false);
    expect(ps1).toMatch(/\r\n/);
    expect(ps1.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const accented = buildDeviceBundle({ ...env, name: 'Kühlhaus Süd' }, 'd', all);
    const ps1b = accented.find((f) => f.path === 'd/install.ps1')!;
    expect(Buffer.from(String(ps1b.content), 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const m = JSON.parse(String(accented.at(-1)!.content));
    expect(m.files.find((f: { path: string }) => f.path === 'install.ps1').sha256).toBe(sha256Hex(ps1b.content));
  });

  it('shell, YAML and env files: LF only, no BOM, even for a non-ASCII name', () => {
    for (const f of buildDeviceBundle({ ...env, name: 'Kühlhaus Süd' }, 'd', all)) {
      if (f.path.endsWith('.ps1')) continue;
      expect(String(f.content), f.path).not.toMatch(/\r|^\uFEFF/);
    }
  });

  it('the README says how to keep the bundle private on Linux, macOS and Windows', () => {
    const readme = String(buildDeviceBundle(env, 'd', all).find((f) => f.path === 'd/README.txt')!.content);
    expect(readme).toMatch(/chmod 600/);
    expect(readme).toMatch(/icacls "<this folder>" \/inheritance:r \/grant:r "%USERNAME%:\(OI\)\(CI\)F"/);
  });

  it('device folders are valid names on Windows and macOS (reserved names, trailing dots, case clashes)', () => {
    const plan = buildExport(
      [
        { ...env, environmentId: 1, name: 'CON' },
        { ...env, environmentId: 2, name: 'shop: 1.' },
        { ...env, environmentId: 3, name: 'Shop_1' },
      ],
      { formats: ['env'], createdAt: all.createdAt },
    );
    expect([...plan.folders.values()]).toEqual(['devices/_CON', 'devices/shop_1', 'devices/Shop_1-3']);
  });
});

describe('export on Windows: a user-only ACL on the bundle folder', () => {
  // No Windows machine runs this suite: icacls is a recorder; the files are still written here for real.
  it('the temporary folder gets the inherited user-only entry before any secret file is written into it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edt-acl-'));
    const ran: Array<{ command: string; args: string[]; filesThen: string[] }> = [];
    const out = join(dir, 'out');
    writeExportAtomically(out, [{ path: 'd/agent.env', content: 'EDGE_KEY=x', mode: 0o600 }], {
      platform: 'win32',
      env: { USERNAME: 'ana' },
      run: (a) => void ran.push({ ...a, filesThen: readdirSync(a.args[0]!) }),
    });
    expect(ran).toHaveLength(1);
    expect(ran[0]!.command).toBe('icacls');
    expect(ran[0]!.args.slice(1)).toEqual(['/inheritance:r', '/grant:r', 'ana:(OI)(CI)F']);
    expect(ran[0]!.args[0]).toMatch(/\.out\.partial-/);
    expect(ran[0]!.filesThen).toEqual([]);
    expect(existsSync(join(out, 'd', 'agent.env'))).toBe(true);
  });
});
