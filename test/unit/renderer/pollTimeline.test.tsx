// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollTimeline } from '../../../src-renderer/features/simulator/PollTimeline';
import { resetSimulator, useSimulator } from '../../../src-renderer/features/simulator/simulatorStore';
import { render, useFakeApi, type Rendered } from './harness';

// Issue #11 item 17: the poll timeline names each poll's environment, and says what a run of
// REQUIRED answers after verification means (a Portainer 2.21+ server, and the local one that
// follows it, repeats REQUIRED while the tunnel is open; the display was right, unexplained).

let view: Rendered | undefined;
beforeEach(() => {
  useFakeApi();
  resetSimulator();
});
afterEach(() => view?.unmount());

const states = { starting: 0, polling: 0, 'tunnel-up': 0, 'tunnel-verified': 1, error: 0, stopped: 0 };

describe('poll timeline', () => {
  it('has an environment column and explains REQUIRED', async () => {
    useSimulator.setState({
      environments: [{ id: 7, name: 'shop-7', edgeKey: 'k', checkinInterval: 5, lastCheckIn: 1, heartbeat: true, tunnelVerified: true, tunnel: { status: 'verified', port: 50001, since: 1 } }],
      groups: [
        { id: 'g1', environmentId: 7, count: 1, startedAt: 0, states, polls: 3, notModified: 0, errors: 0 },
        { id: 'g2', environmentId: 0, count: 1, startedAt: 0, states, polls: 1, notModified: 0, errors: 0 },
      ],
      samples: [
        { groupId: 'g1', edgeId: 'e-7', at: 3000, status: 200, tunnel: 'REQUIRED', latencyMs: 3 },
        { groupId: 'g2', edgeId: 'e-x', at: 2000, status: 200, tunnel: 'IDLE', latencyMs: 3 },
      ],
    });
    view = await render(<PollTimeline />);
    const table = view.container.querySelector('[data-testid="poll-timeline"]')!;
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toContain('Environment');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows[0]![1]).toBe('shop-7');
    expect(rows[1]![1]).toBe('—');
    expect(view.container.querySelector('[data-testid="poll-tunnel-legend"]')?.textContent).toContain('repeats REQUIRED on every poll while the tunnel is open');
    const required = [...table.querySelectorAll('td')].find((td) => td.textContent === 'REQUIRED');
    expect(required?.getAttribute('title')).toContain('while the tunnel is open');
  });
});
