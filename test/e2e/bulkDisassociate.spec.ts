import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { Agent, request } from 'undici';
import { expect, test, type ServedApp } from './serveFixture';

// Issue #11 "also expected": bulk Disassociate in real Chromium against `edgedeck serve`. Three
// environments get their Edge IDs bound by simulated agents that really poll the embedded server;
// the list's bulk action clears them after a confirmation that names each change, and the server
// itself (its Portainer API over verified HTTPS) then shows each Edge ID empty and lets a new agent
// claim each environment.
test.use({ viewport: { width: 1280, height: 900 } });

interface Rpc {
  call<T = Record<string, unknown>>(name: string, data?: unknown): Promise<T>;
}

function rpcOf(ctx: APIRequestContext, served: ServedApp): Rpc {
  return {
    async call(name, data = {}) {
      const r = await (await ctx.post(`${served.origin}/rpc/${name}`, { data })).json();
      expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true);
      return r.data;
    },
  };
}

/** The embedded server's own API as an admin, trusting only its certificate from the data folder. */
async function serverApi(served: ServedApp, rpc: Rpc) {
  const status = await rpc.call<{ url: string; username: string }>('sim:status');
  const { password } = await rpc.call<{ password: string }>('sim:revealPassword');
  const dispatcher = new Agent({ connect: { ca: readFileSync(join(served.dataDir, 'local-server', 'tls', 'cert.pem'), 'utf8') } });
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown, jwt?: string) => {
    const r = await request(`${status.url}${path}`, {
      method,
      dispatcher,
      headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
  };
  const login = await send('POST', '/api/auth', { username: status.username, password });
  expect(login.status).toBe(200);
  const jwt = login.json.jwt as string;
  return {
    /** The environment's bound Edge ID as the server keeps it ('' when none). */
    edgeIdOf: async (id: number) => {
      const r = await send('GET', `/api/endpoints/${id}`, undefined, jwt);
      expect(r.status).toBe(200);
      return (r.json.EdgeID as string | undefined) ?? '';
    },
    close: () => dispatcher.close(),
  };
}

test('bulk Disassociate: the confirmation lists each bound Edge ID, the server clears them, new agents claim the environments', async ({ page, served, playwright }) => {
  test.setTimeout(240_000);
  const ctx = await playwright.request.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${served.token}` } });
  const rpc = rpcOf(ctx, served);
  const api = await serverApi(served, rpc);
  const ids: number[] = [];
  try {
    const names = ['bdis-1', 'bdis-2', 'bdis-3', 'bdis-4'];
    for (const name of names) ids.push((await rpc.call<{ environment: { id: number } }>('environments:create', { name, pollSeconds: 5 })).environment.id);

    // The first three get an agent each; it polls, the server binds its Edge ID. The fourth stays unbound.
    const bound = ids.slice(0, 3);
    for (const [i, id] of bound.entries()) {
      const group = await rpc.call<{ id: string }>('agents:start', { environmentId: id, count: 1, edgeId: `old-agent-${i + 1}` });
      await expect.poll(() => api.edgeIdOf(id), { timeout: 30_000 }).toBe(`old-agent-${i + 1}`);
      // The old device is gone (replaced): it must not poll again and take its environment back.
      await rpc.call('agents:stop', { groupId: group.id });
    }
    expect(await api.edgeIdOf(ids[3]!)).toBe('');

    await page.goto(served.url);
    await page.getByTestId('env-search').fill('bdis-');
    await expect(page.getByTestId('env-total')).toHaveText('4 matching');
    const boxes = page.getByTestId('env-row-select');
    for (let i = 0; i < 4; i++) await boxes.nth(i).check();
    await expect(page.getByTestId('env-selected-count')).toHaveText('4 selected');

    // The confirmation names every change before anything is sent, and what is left alone.
    await page.getByTestId('env-bulk-disassociate').click();
    const items = page.getByTestId('bulk-item');
    await expect(items).toHaveCount(3);
    for (const [i, id] of bound.entries()) {
      const line = page.locator(`[data-testid="bulk-item"][data-env-id="${id}"]`);
      await expect(line).toContainText(`bdis-${i + 1}`);
      await expect(line).toContainText(`Edge ID old-agent-${i + 1} cleared`);
    }
    await expect(page.getByTestId('bulk-skipped')).toHaveCount(1);
    await expect(page.getByTestId('bulk-skipped')).toContainText('bdis-4');
    await expect(page.getByTestId('bulk-skipped')).toContainText('no Edge ID bound yet');
    for (const id of bound) expect(await api.edgeIdOf(id)).not.toBe('');

    await expect(page.getByTestId('bulk-confirm')).toHaveText('Disassociate 3 environments');
    await page.getByTestId('bulk-confirm').click();
    await expect(page.getByTestId('bulk-progress')).toHaveText('3 of 3 handled: 3 done', { timeout: 60_000 });
    await expect(page.getByTestId('bulk-failures')).toHaveCount(0);
    await page.getByTestId('bulk-close').click();

    // On the server: every Edge ID cleared, and a new agent with its own Edge ID claims each one.
    for (const id of bound) expect(await api.edgeIdOf(id)).toBe('');
    const fresh: string[] = [];
    for (const [i, id] of bound.entries()) {
      const group = await rpc.call<{ id: string }>('agents:start', { environmentId: id, count: 1, edgeId: `new-agent-${i + 1}` });
      fresh.push(group.id);
      await expect.poll(() => api.edgeIdOf(id), { timeout: 30_000 }).toBe(`new-agent-${i + 1}`);
    }
    for (const groupId of fresh) await rpc.call('agents:stop', { groupId });
  } finally {
    // The serve process is shared by the worker's specs (some count the environments): leave none behind.
    for (const id of ids) await rpc.call('environments:delete', { id }).catch(() => undefined);
    await api.close();
    await ctx.dispose();
  }
});
