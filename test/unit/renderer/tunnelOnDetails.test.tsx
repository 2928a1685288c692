// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDetailView, TunnelStateView } from '../../../src-main/shared/schemas/portainer';
import { EnvironmentDetails } from '../../../src-renderer/features/environments/EnvironmentDetails';
import { edgeDetail, useDetailsApi } from './detailFixture';
import { click, ok, render, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #10 items 3 and 4: the onboarding state follows the tunnel as the local server has it
// (a dropped tunnel goes back from "Tunnel verified" to "Heartbeat alive"), and "Verify tunnel"
// opens it on demand.

let transport: FakeTransport;
let view: Rendered | undefined;
const NOW = 1_800_000_000;

function detail(tunnel: TunnelStateView): EnvironmentDetailView {
  return edgeDetail(
    { status: 1, edgeId: 'edge-3-id', lastCheckIn: NOW - 2, queryDate: NOW, heartbeat: true, state: 'alive', tunnel },
    {
      edgeId: { value: 'edge-3-id', source: 'server', bound: true },
      heartbeat: { alive: true, state: 'alive', lastCheckIn: NOW - 2, lostInSeconds: 28, lostAfterSeconds: 30, intervalSeconds: 5 },
    },
  );
}

beforeEach(() => {
  transport = useDetailsApi();
  transport.override('agents:list', ok({ groups: [] }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

describe('the tunnel in the details view (local server)', () => {
  it('goes back from "Tunnel verified" to "Heartbeat alive" when the tunnel drops, and "Verify tunnel" opens it again', async () => {
    let tunnel: TunnelStateView = { status: 'verified', port: 61234, since: NOW - 5 };
    transport.override('environments:get', () => ok(detail(tunnel)));
    let verifyCalls = 0;
    transport.override('sim:verifyTunnel', () => {
      verifyCalls++;
      tunnel = { status: 'verified', port: 61777, since: NOW };
      return ok(tunnel);
    });
    view = await render(<EnvironmentDetails id={3} />);
    const q = (sel: string) => view!.container.querySelector(sel);
    await waitFor(() => expect(q('[data-testid="env-state"]')?.getAttribute('data-phase')).toBe('tunnel-verified'));
    expect(q('[data-testid="env-tunnel"]')?.textContent).toContain('verified on port 61234');

    tunnel = { status: 'closed', port: 0, since: NOW, reason: 'dropped' };
    // The details view refreshes itself every few seconds.
    await waitFor(() => expect(q('[data-testid="env-state"]')?.getAttribute('data-phase')).toBe('alive'), 6000);
    expect(q('[data-testid="env-state-summary"]')?.textContent).toBe('Heartbeat alive');
    expect(q('[data-testid="env-tunnel"]')?.textContent).toContain("dropped: the agent's tunnel connection ended");

    await click(q('[data-testid="env-verify-tunnel"]'));
    expect(verifyCalls).toBe(1);
    await waitFor(() => expect(q('[data-testid="env-state"]')?.getAttribute('data-phase')).toBe('tunnel-verified'));
    expect(q('[data-testid="env-tunnel"]')?.textContent).toContain('verified on port 61777');
  }, 15_000);
});
