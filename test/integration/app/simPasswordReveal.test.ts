import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { boot, call } from './appHarness';

// Issue #12 item 10: the local server's admin password went to every window in each `sim:status`
// event. Now a status says only that there is one; the password comes from `sim:revealPassword`.
const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-simpw-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('sim:status (answers and events) never carries the admin password; sim:revealPassword gives it', { timeout: 60_000 }, async () => {
  const app = await boot(dataDir);
  const events: unknown[] = [];
  const detach = app.hub.attach((name, payload) => {
    if (name === 'sim:status') events.push(payload);
  });
  try {
    const { password } = await call(app, 'sim:revealPassword');
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const answers = [await call(app, 'sim:status'), await call(app, 'sim:stop'), await call(app, 'sim:start', { port: 0, tunnelPort: 0, https: true }), await call(app, 'sim:status')];
    expect(events.length).toBeGreaterThanOrEqual(2); // the stop and the start
    for (const s of [...answers, ...events]) {
      expect(s).not.toHaveProperty('password');
      expect(JSON.stringify(s)).not.toContain(password);
    }
    expect(answers[0]).toMatchObject({ running: true, hasPassword: true });
    expect(events.at(-1)).toMatchObject({ running: true, hasPassword: true });
    // The same password after the restart (kept), and only on request.
    expect(await call(app, 'sim:revealPassword')).toEqual({ password });
    await call(app, 'sim:stop');
    await expect(call(app, 'sim:revealPassword')).rejects.toThrow(/not running/);
  } finally {
    detach();
    await app.close();
  }
});
