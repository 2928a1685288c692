import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, expect, it } from 'vitest';
import { boot, call } from './appHarness';

// Issue #12 item 7: ten bad logins in a burst ban 127.0.0.1 for an hour on the embedded server
// (Portainer's own limiter, kept as it is). The app's own session must not be locked out by it,
// and the Simulator's status must say who is banned and until when.
const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-ban-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('bad logins that ban 127.0.0.1 do not lock the app out of its embedded server; the status says until when', { timeout: 90_000 }, async () => {
  const app = await boot(dataDir);
  const events: Array<{ loginBans?: { ip: string; until: string }[] }> = [];
  const detach = app.hub.attach((name, payload) => {
    if (name === 'sim:status') events.push(payload as (typeof events)[number]);
  });
  const local = app.simulator.current()!.server;
  const dispatcher = new Agent({ connect: { ca: local.caPem! } });
  const login = async (password: string) => {
    const r = await request(`${local.url}/api/auth`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    return { status: r.statusCode, body: await r.body.text() };
  };
  try {
    // The burst comes before the app's first call to its server, so the app has no session yet.
    const before = Date.now();
    let statuses: number[] = [];
    for (let burst = 0; burst < 3 && !statuses.includes(403); burst++) {
      statuses = (await Promise.all(Array.from({ length: 12 }, () => login('wrong-password')))).map((r) => r.status);
    }
    expect(statuses).toContain(403);
    const { password } = await call(app, 'sim:revealPassword');
    const right = await login(password);
    expect(right.status).toBe(403); // the ban is real: even the right password is refused
    expect(right.body).toContain('Access denied');

    // The app still works against its embedded server.
    const created = await call(app, 'environments:create', { name: 'after-ban', pollSeconds: 5 });
    const listed = await call(app, 'environments:list', {});
    expect(JSON.stringify(listed)).toContain('after-ban');
    expect(created.environment.id).toBeGreaterThan(0);

    // What happened and when it ends, in the status the Simulator page shows (and pushed at once).
    const status = await call(app, 'sim:status');
    expect(status.loginBans).toHaveLength(1);
    expect(status.loginBans[0].ip).toBe('127.0.0.1');
    const until = Date.parse(status.loginBans[0].until);
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(events.some((e) => e.loginBans?.[0]?.ip === '127.0.0.1')).toBe(true);
  } finally {
    detach();
    await dispatcher.close();
    await app.close();
  }
});
