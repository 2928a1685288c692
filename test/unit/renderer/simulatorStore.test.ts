import { beforeEach, describe, expect, it } from 'vitest';
import type { PollSample } from '../../../src-main/shared/schemas/simulator';
import { MAX_SAMPLES, resetSimulator, subscribeSimulatorEvents, useSimulator } from '../../../src-renderer/features/simulator/simulatorStore';
import { useFakeApi, type FakeTransport } from './harness';

const sample = (at: number): PollSample => ({ groupId: 'g1', edgeId: `a-${at}`, at, status: 304, latencyMs: 3 });

let transport: FakeTransport;
beforeEach(() => {
  transport = useFakeApi();
  resetSimulator();
});

describe('simulator store', () => {
  it(`keeps the newest ${MAX_SAMPLES} poll samples, newest first`, () => {
    const s = useSimulator.getState();
    s.onSamples(Array.from({ length: 150 }, (_, i) => sample(i)));
    s.onSamples(Array.from({ length: 150 }, (_, i) => sample(150 + i)));
    const kept = useSimulator.getState().samples;
    expect(kept).toHaveLength(MAX_SAMPLES);
    expect(kept[0]!.at).toBe(299);
    expect(kept[MAX_SAMPLES - 1]!.at).toBe(100);
  });

  it('follows main’s events once subscribed, and stops after unsubscribing', () => {
    const off = subscribeSimulatorEvents();
    const group = { id: 'g1', environmentId: 1, count: 2, startedAt: 0, states: { starting: 0, polling: 2, 'tunnel-up': 0, 'tunnel-verified': 0, error: 0, stopped: 0 }, polls: 5, notModified: 3, errors: 0 };
    transport.emit('agents:groups', { groups: [group] });
    transport.emit('agents:polls', { samples: [sample(1), sample(2)] });
    transport.emit('sim:status', { running: false, embedded: true, https: true, version: '2.23.0' });
    const st = useSimulator.getState();
    expect(st.groups).toEqual([group]);
    expect(st.samples.map((x) => x.at)).toEqual([2, 1]);
    expect(st.status?.embedded).toBe(true);
    expect(st.statusKnown).toBe(true);
    off();
    transport.emit('agents:groups', { groups: [] });
    expect(useSimulator.getState().groups).toEqual([group]);
  });

  it("starts one agent with the environment's own Edge ID by default, several with a prefix", async () => {
    transport.override('agents:start', (payload) => ({ ok: true, data: { id: `g${transport.log.length}`, environmentId: 4, count: (payload as { count: number }).count, startedAt: 0, states: {}, polls: 0, notModified: 0, errors: 0 } }));
    useSimulator.setState({ selectedEnvironmentId: 4 });
    await useSimulator.getState().startAgents();
    useSimulator.getState().setAgentsForm({ count: 20, edgeId: 'dev' });
    await useSimulator.getState().startAgents();
    const starts = transport.log.filter((c) => c.channel === 'agents:start').map((c) => c.payload);
    // No Edge ID sent: main gives the agent the environment's own (issue #11 item 6), not a made-up one.
    expect(starts[0]).toMatchObject({ environmentId: 4, count: 1 });
    expect(starts[0]).not.toHaveProperty('edgeId');
    expect(starts[0]).not.toHaveProperty('edgeIdPrefix');
    expect(starts[1]).toMatchObject({ environmentId: 4, count: 20, edgeIdPrefix: 'dev' });
    expect(starts[1]).not.toHaveProperty('edgeId');
    expect(useSimulator.getState().groups).toHaveLength(2);

    // A pasted join token wins over the picked environment.
    useSimulator.getState().setAgentsForm({ count: 1, edgeId: 'x', edgeKey: ' abc ' });
    await useSimulator.getState().startAgents();
    const last = transport.log.filter((c) => c.channel === 'agents:start').at(-1)!.payload;
    expect(last).toMatchObject({ edgeKey: 'abc', count: 1, edgeId: 'x' });
    expect(last).not.toHaveProperty('environmentId');
  });

  it('starts the server in the chosen profile; the trust switch is sent for Business Edition only', async () => {
    transport.override('sim:start', () => ({ ok: true, data: { running: true, embedded: false, https: true, version: '2.45.0', edition: 'be' } }));
    transport.override('sim:environments', () => ({ ok: true, data: { environments: [] } }));
    const s = useSimulator.getState();
    await s.start();
    s.setStartForm({ portainerVersion: ' 2.45.0 ', edition: 'be', trustOnFirstConnect: false });
    await s.start();
    s.setStartForm({ edition: 'ce', portainerVersion: '' });
    await s.start();
    const starts = transport.log.filter((c) => c.channel === 'sim:start').map((c) => c.payload);
    expect(starts).toEqual([
      { port: 0, tunnelPort: 0, https: true, edition: 'ce' },
      { port: 0, tunnelPort: 0, https: true, edition: 'be', portainerVersion: '2.45.0', trustOnFirstConnect: false },
      { port: 0, tunnelPort: 0, https: true, edition: 'ce' },
    ]);
  });

  it("sends EDGE_GROUPS (ids joined by ':') with a global-key agent, and refuses a bad list naming the field", async () => {
    transport.override('agents:start', () => ({ ok: true, data: { id: 'g', environmentId: 0, count: 1, startedAt: 0, states: {}, polls: 0, notModified: 0, errors: 0 } }));
    useSimulator.getState().setAgentsForm({ edgeKey: 'k', edgeId: 'd1', edgeGroups: '3:7' });
    await useSimulator.getState().startAgents();
    expect(transport.log.filter((c) => c.channel === 'agents:start').at(-1)!.payload).toMatchObject({ edgeKey: 'k', edgeId: 'd1', edgeGroupIds: [3, 7] });
    useSimulator.getState().setAgentsForm({ edgeGroups: '3:x' });
    await useSimulator.getState().startAgents();
    expect(transport.log.filter((c) => c.channel === 'agents:start')).toHaveLength(1);
  });
});
