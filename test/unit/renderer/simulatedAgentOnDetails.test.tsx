// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentGroupView } from '../../../src-main/shared/schemas/simulator';
import { EnvironmentDetails } from '../../../src-renderer/features/environments/EnvironmentDetails';
import { edgeDetail, useDetailsApi } from './detailFixture';
import { click, ok, render, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #11 item 2: "Start a simulated agent" on the details page showed nothing when the agent
// could not reach the server; its error now shows where it was started.

let transport: FakeTransport;
let view: Rendered | undefined;

const detail = edgeDetail();

const failing: AgentGroupView = {
  id: 'g1',
  environmentId: 3,
  count: 1,
  startedAt: 1,
  states: { starting: 0, polling: 0, 'tunnel-up': 0, 'tunnel-verified': 0, error: 1, stopped: 0 },
  polls: 0,
  notModified: 0,
  errors: 2,
  lastError: 'connect ECONNREFUSED 127.0.0.1:40001',
};

beforeEach(() => {
  transport = useDetailsApi();
  transport.override('environments:get', ok(detail));
  transport.override('sim:environments', ok({ environments: [] }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

describe('a simulated agent started from the details page', () => {
  it('shows the agent failing and its last error next to the button that started it', async () => {
    let groups: AgentGroupView[] = [];
    transport.override('agents:list', () => ok({ groups }));
    transport.override('agents:start', () => {
      groups = [failing];
      return ok({ ...failing, states: { ...failing.states, error: 0, starting: 1 }, errors: 0, lastError: undefined });
    });
    view = await render(<EnvironmentDetails id={3} />);
    const q = (sel: string) => view!.container.querySelector(sel);
    await waitFor(() => expect(q('[data-testid="env-start-agent"]')).not.toBeNull());
    await click(q('[data-testid="env-start-agent"]'));
    // The refresh after the start brings the agent's failure.
    await waitFor(() => expect(q('[data-testid="env-sim-agent"]')?.getAttribute('data-state')).toBe('error'), 4000);
    expect(q('[data-testid="env-sim-agent-error"]')?.textContent).toBe('connect ECONNREFUSED 127.0.0.1:40001');
    expect(q('[data-testid="env-sim-agent"]')?.textContent).toContain('cannot check in');
  });
});
