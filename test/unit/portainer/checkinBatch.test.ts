import { afterEach, describe, expect, it } from 'vitest';
import { portainerServerApi } from '../../../src-main/services/install/portainerServerApi';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { captureServer, ENDPOINT, json, type Captured } from './fakePortainer';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A Portainer answering GET /api/endpoints, honouring endpointIds[] or (an older server) ignoring it. */
async function server(honoursFilter: boolean) {
  const all = [1, 7, 9].map((Id) => ({ ...ENDPOINT, Id, EdgeID: `edge-${Id}`, LastCheckInDate: 1700000000 + Id }));
  const s = await captureServer((req: Captured, res) => {
    const q = new URL(req.path, 'http://x').searchParams;
    const ids = q.getAll('endpointIds[]').map(Number);
    const limit = Number(q.get('limit') ?? 0) || all.length;
    const items = (honoursFilter && ids.length ? all.filter((e) => ids.includes(e.Id)) : all).slice(0, limit);
    json(res, 200, items, { 'x-total-count': String(items.length) });
  });
  const client = new PortainerClient({ url: s.url, credentials: { kind: 'apiKey', apiKey: 'ptr_test' }, backoffMs: 5 });
  closers.push(s.close, () => client.close());
  return { api: portainerServerApi(client), requests: s.requests };
}

describe('check-in states of many environments in one call', () => {
  it('asks GET /api/endpoints for exactly those ids (endpointIds[], one page) and maps the answer by id', async () => {
    const { api, requests } = await server(true);
    const states = await api.getEnvironments!([7, 9, 7]);
    expect([...states.keys()].sort()).toEqual([7, 9]);
    expect(states.get(9)).toMatchObject({ lastCheckIn: 1700000009, edgeId: 'edge-9' });
    const q = new URL(requests[0]!.path, 'http://x').searchParams;
    expect(q.getAll('endpointIds[]')).toEqual(['7', '9']);
    expect(q.get('limit')).toBe('2');
  });

  it('a server that ignores the filter (answers environments nobody asked for) is reported as unsupported', async () => {
    const { api } = await server(false);
    await expect(api.getEnvironments!([7, 9])).rejects.toMatchObject({ code: 'unsupported' });
  });
});
