import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '../../../src-main/services/agents';
import type { TunnelVerifiedEvent } from '../../../src-main/services/localserver';
import { createEdgeEnv, startHarness, type Harness } from './helpers';

let h: Harness;
const agents: RunningAgent[] = [];
beforeAll(async () => {
  h = await startHarness({ now: Date.now });
});
afterAll(async () => {
  for (const a of agents) await a.stop();
  await h?.close();
});

describe('end to end with a simulated agent', () => {
  it('agent polls, gets REQUIRED, opens the chisel tunnel; the server reaches /ping through it', async () => {
    const env = (await createEdgeEnv(h, 'e2e-agent', { URL: h.server.url, EdgeCheckinInterval: '1' })).json;
    const verified = new Promise<TunnelVerifiedEvent>((resolve) => h.server.events.on('tunnel-verified', resolve));
    const agent = runAgent({ edgeKey: env.EdgeKey, edgeId: 'e2e-edge-id', insecurePoll: true, firstPollDelayMs: 0, tunnel: true });
    agents.push(agent);
    const ev = await verified;
    expect(ev.environmentId).toBe(env.Id);
    expect(ev.port).toBeGreaterThanOrEqual(49152);
    const view = h.server.environmentView(env.Id);
    expect(view).toMatchObject({ name: 'e2e-agent', edgeId: 'e2e-edge-id', heartbeat: true, tunnelVerified: true });
    expect(h.server.listEnvironmentViews().find((v) => v.id === env.Id)).toEqual(view);
    expect(h.server.environmentView(987654)).toBeUndefined();
    const inspect = (await h.call('GET', `/api/endpoints/${env.Id}`, { token: await h.login() })).json;
    expect(inspect).toMatchObject({ EdgeID: 'e2e-edge-id', Heartbeat: true, Type: 4, Agent: { Version: expect.any(String) } });
  });

  it('a global key (id 0) finds its environment through POST /api/endpoints/global-key', async () => {
    const { encodeEdgeKey, decodeEdgeKey } = await import('../../../src-main/shared/domain/edgeKey');
    const env = (await createEdgeEnv(h, 'e2e-global', { URL: h.server.url })).json;
    // Bind an Edge ID first (the CE server never creates environments from a global key).
    const token = await h.login();
    const bound = runAgent({ edgeKey: env.EdgeKey, edgeId: 'global-agent', insecurePoll: true, firstPollDelayMs: 0, tunnel: false });
    agents.push(bound);
    await bound.waitFor('polling', 15_000);
    await bound.stop();
    expect((await h.call('GET', `/api/endpoints/${env.Id}`, { token })).json.EdgeID).toBe('global-agent');
    const f = decodeEdgeKey(env.EdgeKey);
    const globalKey = encodeEdgeKey({ portainerUrl: f.portainerUrl, tunnelAddress: f.tunnelAddress, tunnelFingerprint: f.tunnelFingerprint, environmentId: 0 });
    const seen: number[] = [];
    const g = runAgent({
      edgeKey: globalKey,
      edgeId: 'global-agent',
      insecurePoll: true,
      firstPollDelayMs: 0,
      tunnel: false,
      onEvent: (e) => {
        if (e.type === 'global-key') seen.push(e.environmentId);
      },
    });
    agents.push(g);
    await g.waitFor('polling', 15_000);
    expect(seen).toContain(env.Id);
  });
});
