import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEdgeEnv, pollHeaders, startHarness, type Harness, decryptCredentials } from './helpers';

/**
 * Portainer 2.23's first-connection rule (api/http/handler/endpointedge/endpointedge_status_inspect.go
 * at tag 2.23.0; docs/portainer-edge.md "First connection"): `firstConn` is read from the in-memory
 * heartbeat before any check; the heartbeat is set for every poll that passes the Edge ID checks;
 * the stored LastCheckInDate, from which heartbeats start after a restart, only by a full success.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'edgedeck-first-'));
  dirs.push(d);
  return d;
}


const poll = (h: Harness, id: number, edgeId: string, extra: Record<string, string> = {}) => h.call('GET', `/api/endpoints/${id}/edge/status`, { headers: pollHeaders(edgeId, extra) });
const stored = (dir: string, id: number) => (JSON.parse(readFileSync(join(dir, 'localserver.json'), 'utf8')).environments as Array<{ Id: number; LastCheckInDate: number }>).find((e) => e.Id === id)!.LastCheckInDate;

function expectRequired(r: { status: number; json: { status: string; port: number; credentials: string } }, edgeId: string): void {
  expect(r.status).toBe(200);
  expect(r.json.status).toBe('REQUIRED');
  expect(r.json.port).toBeGreaterThanOrEqual(49152);
  expect(decryptCredentials(r.json.credentials, edgeId)).toMatch(/^[A-Za-z0-9]{8}:[A-Za-z0-9]{8}$/);
}

describe('the first connection (Portainer 2.23)', () => {
  it('403s from the Edge ID checks (missing, wrong) do not use it up: the first good poll answers REQUIRED with a port and credentials', async () => {
    const h = await startHarness({ dir: tempDir() });
    try {
      const env = (await createEdgeEnv(h, 'first-edge-id')).json;
      expect((await poll(h, env.Id, '')).json.details).toBe('missing Edge identifier');
      // Bind an Edge ID without polling it (EnforceEdgeID-like): a wrong one is then refused.
      const bound = (await createEdgeEnv(h, 'first-bound')).json;
      expect((await poll(h, bound.Id, 'owner')).status).toBe(200);
      expect((await poll(h, bound.Id, 'intruder')).json.details).toBe('invalid Edge identifier');
      // Not a check-in either: the view still says "never".
      const view = (await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json;
      expect(view.LastCheckInDate).toBe(0);
      expectRequired(await poll(h, env.Id, 'edge-first'), 'edge-first');
    } finally {
      await h.close();
    }
  });

  it('a 400 (platform header) sets the heartbeat but not the stored check-in: the next good poll answers IDLE, after a restart REQUIRED', async () => {
    const dir = tempDir();
    const a = await startHarness({ dir });
    const env = (await createEdgeEnv(a, 'first-400')).json;
    try {
      const bad = await poll(a, env.Id, 'edge-400', { 'portainer-agent-platform': '3' });
      expect(bad.status).toBe(400);
      // The heartbeat is what every view shows …
      const view = (await a.call('GET', `/api/endpoints/${env.Id}`, { token: await a.login() })).json;
      expect(view.LastCheckInDate).toBe(Math.floor(a.clock.t / 1000));
      expect(view.EdgeID).toBeUndefined();
      // … and what "first connection" is read from, so Portainer 2.23 opens no initial tunnel here.
      a.clock.t += 5000;
      const good = await poll(a, env.Id, 'edge-400');
      expect(good.json).toMatchObject({ status: 'IDLE', port: 0, credentials: '' });
    } finally {
      await a.close();
    }
    // Only a full, successful poll wrote the stored value; the 400 did not.
    expect(stored(dir, env.Id)).toBeGreaterThan(0);

    // Same again on a fresh server, restarted right after the 400: the heartbeat comes back from
    // the stored LastCheckInDate (0), so the first good poll is the first connection.
    const dir2 = tempDir();
    const b = await startHarness({ dir: dir2 });
    const env2 = (await createEdgeEnv(b, 'first-400-restart')).json;
    expect((await poll(b, env2.Id, 'edge-400b', { 'portainer-agent-platform': '' })).status).toBe(400);
    await b.close();
    expect(stored(dir2, env2.Id)).toBe(0);
    const c = await startHarness({ dir: dir2 });
    try {
      expectRequired(await poll(c, env2.Id, 'edge-400b'), 'edge-400b');
    } finally {
      await c.close();
    }
  });

  it('a 403 "not trusted yet" (waiting room) sets the heartbeat but not the stored check-in: once trusted, the first good poll after a restart answers REQUIRED', async () => {
    const dir = tempDir();
    const a = await startHarness({ dir });
    const env = (await createEdgeEnv(a, 'first-403')).json;
    await a.close();
    const file = join(dir, 'localserver.json');
    const setTrusted = (trusted: boolean) => {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      doc.environments.find((e: { Id: number }) => e.Id === env.Id).UserTrusted = trusted;
      writeFileSync(file, JSON.stringify(doc));
    };
    setTrusted(false);
    const b = await startHarness({ dir });
    try {
      const untrusted = await poll(b, env.Id, 'edge-403');
      expect(untrusted.status).toBe(403);
      expect(untrusted.json.details).toBe('the device has not been trusted yet');
      // The waiting room shows it checking in (Portainer's heartbeat) …
      const waiting = (await b.call('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token: await b.login() })).json;
      expect(waiting.find((e: { Id: number }) => e.Id === env.Id).LastCheckInDate).toBe(Math.floor(b.clock.t / 1000));
    } finally {
      await b.close();
    }
    // … but nothing was stored: trusted (CE has no trust call; the file stands in for BE's), the
    // restarted server takes the next good poll as the first connection and opens the tunnel.
    expect(stored(dir, env.Id)).toBe(0);
    setTrusted(true);
    const c = await startHarness({ dir });
    try {
      expectRequired(await poll(c, env.Id, 'edge-403'), 'edge-403');
    } finally {
      await c.close();
    }
  });

  it('If-None-Match: split on "," and compared byte for byte; nothing matches when the first piece is empty', async () => {
    const h = await startHarness({ dir: tempDir() });
    try {
      const env = (await createEdgeEnv(h, 'first-etag')).json;
      const etag = (await poll(h, env.Id, 'edge-etag')).headers.etag as string;
      const status = async (inm: string) => (await poll(h, env.Id, 'edge-etag', { 'if-none-match': inm })).status;
      expect(await status(etag)).toBe(304);
      expect(await status(`x,${etag}`)).toBe(304);
      expect(await status(`${etag},`)).toBe(304);
      expect(await status(`x, ${etag}`)).toBe(200); // " <etag>" is not "<etag>"
      expect(await status(`,${etag}`)).toBe(200); // Portainer gives up when the first piece is empty
      expect(await status(`"${etag}"`)).toBe(200);
      expect(await status(etag.toUpperCase() === etag ? `${etag}0` : etag.toUpperCase())).toBe(200);
    } finally {
      await h.close();
    }
  });
});
