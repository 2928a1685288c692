import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeEnv, pollHeaders, startHarness, type Harness, type J } from './helpers';

const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'edgedeck-ls-scale-'));
let h: Harness;

beforeAll(async () => {
  // Seed N environments straight into the data file (creating them over HTTP is not what is measured).
  const seed = await startHarness({ dir, https: false });
  const template = (await createEdgeEnv(seed, 'template')).json;
  await seed.close();
  const file = join(dir, 'localserver.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const base = doc.environments[0];
  doc.environments = [];
  for (let i = 1; i <= N; i++) {
    doc.environments.push({ ...base, Id: i, Name: `env-${String((i * 7919) % N).padStart(5, '0')}-${i}`, EdgeID: i % 2 ? `edge-${i}` : '', LastCheckInDate: i % 3 ? 0 : 1, TagIds: [] });
  }
  doc.nextIds.endpoint = N + 1;
  writeFileSync(file, JSON.stringify(doc));
  void template;
  h = await startHarness({ dir, https: false });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`${N} environments`, () => {
  it('lists a sorted, searched page quickly', async () => {
    const token = await h.login();
    await h.call('GET', '/api/endpoints?limit=10', { token }); // warm up
    const t0 = performance.now();
    const r = await h.call('GET', '/api/endpoints?start=101&limit=50&sort=Name&order=desc&search=env-&status[]=2', { token });
    const ms = performance.now() - t0;
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(50);
    expect(r.headers['x-total-count']).toBe(String(N));
    expect(r.headers['x-total-available']).toBe(String(N));
    const names = r.json.map((e: J) => e.Name.toLowerCase());
    expect([...names].sort().reverse()).toEqual(names);
    expect(ms).toBeLessThan(500);
  });

  it('answers polls (200 then 304) for many environments', async () => {
    const etags = new Map<number, string>();
    for (let id = 1; id <= 200; id++) {
      const r = await h.call('GET', `/api/endpoints/${id}/edge/status`, { headers: pollHeaders(id % 2 ? `edge-${id}` : `new-${id}`) });
      expect(r.status).toBe(200);
      etags.set(id, r.headers.etag as string);
    }
    const t0 = performance.now();
    const results = await Promise.all(
      [...etags].map(([id, etag]) => h.call('GET', `/api/endpoints/${id}/edge/status`, { headers: pollHeaders('x', { 'if-none-match': etag }) })),
    );
    expect(results.every((r) => r.status === 304)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
