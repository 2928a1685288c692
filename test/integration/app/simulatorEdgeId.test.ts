import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { boot, call } from './appHarness';

// Issue #11 item 6: an agent started for one environment (Simulator page, no Edge ID typed) takes
// the environment's stable Edge ID, the one its details page shows and keeps, not "sim-agent".
const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-simid-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it("a simulated agent binds the Edge ID the details page shows", async () => {
  const app = await boot(dataDir);
  try {
    const created = await call(app, 'environments:create', { name: 'sim-id', pollSeconds: 1 });
    const shown: string = created.edgeId.value;
    expect(shown).toMatch(/^[0-9a-f-]{36}$/);
    await call(app, 'agents:start', { environmentId: created.environment.id, count: 1 });
    const deadline = Date.now() + 20_000;
    let bound: string | undefined;
    while (Date.now() < deadline && !bound) {
      await new Promise((r) => setTimeout(r, 250));
      const { environments } = await call(app, 'sim:environments');
      bound = environments.find((e: { id: number }) => e.id === created.environment.id)?.edgeId;
    }
    expect(bound).toBe(shown);
    const view = await call(app, 'environments:get', { id: created.environment.id });
    expect(view.edgeId).toMatchObject({ value: shown, bound: true });
  } finally {
    await app.close();
  }
});
