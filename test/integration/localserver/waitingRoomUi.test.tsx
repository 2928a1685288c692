// @vitest-environment happy-dom
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '../../../src-main/services/agents';
import { createPortainerHandlers } from '../../../src-main/services/handlers/portainer';
import type { PollEvent, TunnelVerifiedEvent } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls, type CallName } from '../../../src-main/shared/contract/calls';
import { AppError } from '../../../src-main/shared/contract/errors';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { WaitingRoom } from '../../../src-renderer/features/waiting/WaitingRoom';
import { click, render, useFakeApi, waitFor, type Rendered } from '../../unit/renderer/harness';
import { ADMIN_PASSWORD, startHarness, type Harness, type J } from './helpers';

/**
 * The waiting room view in a DOM (happy-dom), its calls answered by main's real handlers, which
 * talk to the local server in its Business Edition 2.45 profile (trust on first connect off)
 * over HTTPS; a simulated agent enrols with a global key and Edge groups. The admin trusts it in
 * the view with a group and tags; the first poll after trust opens the tunnel and it is verified.
 */
let h: Harness;
let view: Rendered | undefined;
const agents: RunningAgent[] = [];
const polls: PollEvent[] = [];
const UI_CALLS = ['waiting:list', 'waiting:trust', 'groups:list', 'tags:list', 'edgeGroups:list', 'environments:delete'] as const;

beforeAll(async () => {
  h = await startHarness({ now: Date.now, version: '2.45.0', edition: 'be', trustOnFirstConnect: false });
  h.server.events.on('poll', (e: PollEvent) => polls.push(e));
});
afterAll(async () => {
  view?.unmount();
  for (const a of agents) await a.stop();
  await h?.close();
});

async function connectedHandlers() {
  const profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), redactor: new Redactor(), logger: silentLogger });
  const handlers = createPortainerHandlers({ profiles, logger: silentLogger });
  const fp = new X509Certificate(h.server.caPem!).fingerprint256.replaceAll(':', '').toLowerCase();
  await handlers['servers:add'](calls['servers:add'].request.parse({ name: 'be', url: h.server.url, auth: 'password', username: 'admin', password: ADMIN_PASSWORD, tls: { mode: 'pinned', pinnedSha256: fp } }) as never);
  return handlers;
}

describe('waiting room view against the BE 2.45 profile', () => {
  it('lists the device with what it sent, trusts it with a group and tags; it checks in and its tunnel is verified', async () => {
    const token = await h.login();
    const json = { 'content-type': 'application/json' };
    await h.call('PUT', '/api/settings', { token, headers: json, body: JSON.stringify({ EdgeAgentCheckinInterval: 1 }) });
    const eg = (await h.call('POST', '/api/edge_groups', { token, headers: json, body: JSON.stringify({ Name: 'ui-shops' }) })).json as J;
    const group = (await h.call('POST', '/api/endpoint_groups', { token, headers: json, body: JSON.stringify({ Name: 'UI stores', Description: '', AssociatedEndpoints: [], TagIDs: [] }) })).json as J;
    const tag = (await h.call('POST', '/api/tags', { token, headers: json, body: JSON.stringify({ Name: 'ui-north' }) })).json as J;

    const handlers = await connectedHandlers();
    const transport = useFakeApi();
    for (const name of UI_CALLS) {
      // Like main's dispatcher: the contract's schema, then the real handler; errors as envelopes.
      const answer = async (payload: unknown) => {
        try {
          const req = (calls[name as CallName].request as { parse(v: unknown): unknown }).parse(payload ?? {});
          return { ok: true, data: await (handlers[name] as (r: unknown) => Promise<unknown>)(req) };
        } catch (e) {
          const err = e instanceof AppError ? e : new AppError('internal', String(e));
          return { ok: false, error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } };
        }
      };
      transport.override(name, answer as unknown as Parameters<typeof transport.override>[1]);
    }

    const globalKey = encodeEdgeKey({ portainerUrl: h.server.url, tunnelAddress: h.server.tunnelAddress, tunnelFingerprint: h.server.fingerprint, environmentId: 0 });
    const verified = new Promise<TunnelVerifiedEvent>((resolve) => h.server.events.on('tunnel-verified', resolve));
    agents.push(runAgent({ edgeKey: globalKey, edgeId: 'ui-device-1', insecurePoll: true, firstPollDelayMs: 0, tunnel: true, meta: { edgeGroupIds: [eg.Id], tagIds: [], groupId: 0 } }));

    view = await render(<WaitingRoom />);
    const q = (sel: string) => view!.container.querySelector(sel);
    const row = await waitFor(() => {
      const r = view!.container.querySelector('[data-testid^="waiting-row-"]');
      expect(r?.textContent).toContain('ui-device-1');
      return r!;
    }, 15_000);
    const id = Number(row.getAttribute('data-testid')!.replace('waiting-row-', ''));
    // What the device sent: the default group and the Edge group from EDGE_GROUPS.
    await waitFor(() => expect(row.textContent).toContain('ui-shops'), 10_000);
    expect(polls.some((p) => p.environmentId === id && p.status === 403)).toBe(true);

    await click(q(`[data-testid="waiting-select-${id}"]`));
    // Mantine's Select and MultiSelect are driven through their hidden inputs' owners: set the values by their options.
    await pick(view, 'waiting-group', 'UI stores');
    await pick(view, 'waiting-tags', 'ui-north');
    await click(q('[data-testid="waiting-trust"]'));
    await waitFor(() => expect(q('[data-testid="waiting-empty"]')).not.toBeNull(), 10_000);

    const ev = await verified;
    expect(ev.environmentId).toBe(id);
    const inspect = (await h.call('GET', `/api/endpoints/${id}`, { token })).json as J;
    expect(inspect).toMatchObject({ UserTrusted: true, GroupId: group.Id, TagIds: [tag.ID], EdgeID: 'ui-device-1' });
    const mine = polls.filter((p) => p.environmentId === id);
    const firstOk = mine.findIndex((p) => p.status === 200);
    expect(firstOk).toBeGreaterThan(0);
    expect(mine[firstOk]!.tunnel).toBe('REQUIRED');
  });
});

/** Opens a Mantine Select/MultiSelect by its test id and clicks the option with `label`. */
async function pick(v: Rendered, testId: string, label: string): Promise<void> {
  const input = v.container.querySelector(`[data-testid="${testId}"]`) as HTMLInputElement;
  await click(input);
  const option = await waitFor(() => {
    const o = [...document.querySelectorAll('[role="option"]')].find((el) => el.textContent === label);
    expect(o).toBeDefined();
    return o!;
  });
  await click(option);
}
