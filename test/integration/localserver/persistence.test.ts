import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../../src-main/services/localserver';
import { createEdgeEnv, pollHeaders, startHarness, type J } from './helpers';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'edgedeck-ls-persist-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('persistence', () => {
  it('keeps environments, settings and the tunnel fingerprint across a restart', async () => {
    const dir = tempDir();
    const a = await startHarness({ dir });
    const env = (await createEdgeEnv(a, 'persist-me', { EdgeCheckinInterval: '11' })).json;
    const r = await a.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders('persist-edge') });
    expect(r.status).toBe(200);
    const fingerprint = a.server.fingerprint;
    const instance = (await a.call('GET', '/api/system/status')).json.InstanceID;
    await a.close();
    expect(statSync(join(dir, 'chisel', 'private-key.pem')).mode & 0o777).toBe(0o600);

    const b = await startHarness({ dir });
    try {
      expect(b.server.fingerprint).toBe(fingerprint);
      expect((await b.call('GET', '/api/system/status')).json.InstanceID).toBe(instance);
      const again = (await b.call('GET', `/api/endpoints/${env.Id}`, { token: await b.login() })).json;
      expect(again).toMatchObject({ Name: 'persist-me', EdgeID: 'persist-edge', EdgeKey: env.EdgeKey, EdgeCheckinInterval: 11 });
      expect(again.LastCheckInDate).toBeGreaterThan(0);
      const next = (await createEdgeEnv(b, 'persist-two')).json;
      expect(next.Id).toBe(env.Id + 1);
    } finally {
      await b.close();
    }
  });

  it('generates an initial admin password once, and reports none on the next start', async () => {
    const dir = tempDir();
    const first = await startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: false });
    expect(first.initialPassword).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await first.close();
    const second = await startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: false });
    expect(second.initialPassword).toBeUndefined();
    const res = await fetch(`${second.url}/api/auth`, { method: 'POST', body: JSON.stringify({ username: 'admin', password: first.initialPassword }) });
    expect(res.status).toBe(200);
    await second.close();
  });

  it('refuses a corrupt data file with a clear error and leaves it untouched', async () => {
    const dir = tempDir();
    const s = await startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: false, adminPassword: 'pw-123456789012' });
    await s.close();
    const file = join(dir, 'localserver.json');
    writeFileSync(file, '{"format":1,"users":[');
    await expect(startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: false })).rejects.toThrow(/localserver\.json is unreadable \(invalid JSON.*move it away/);
    expect(readFileSync(file, 'utf8')).toBe('{"format":1,"users":[');
  });

  it('refuses polls from untrusted environments unless TrustOnFirstConnect (edited data file)', async () => {
    const dir = tempDir();
    const a = await startHarness({ dir });
    const env = (await createEdgeEnv(a, 'untrusted')).json;
    await a.close();
    const file = join(dir, 'localserver.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.environments[0].UserTrusted = false;
    writeFileSync(file, JSON.stringify(doc));
    const b = await startHarness({ dir });
    try {
      const token = await b.login();
      const r = await b.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders('u1') });
      expect(r.status).toBe(403);
      expect(r.json.details).toBe('the device has not been trusted yet');
      const waiting = (await b.call('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token })).json;
      expect(waiting.map((e: J) => e.Id)).toEqual([env.Id]);
      expect('UserTrusted' in waiting[0]).toBe(false);
      await b.call('PUT', '/api/settings', { body: JSON.stringify({ TrustOnFirstConnect: true }), token });
      expect((await b.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders('u1') })).status).toBe(200);
    } finally {
      await b.close();
    }
  });
});
