// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimEnvironmentView } from '../../../src-main/shared/schemas/simulator';
import { SimulatorPage } from '../../../src-renderer/features/simulator/SimulatorPage';
import { resetSimulator } from '../../../src-renderer/features/simulator/simulatorStore';
import { render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #11 item 10: the Simulator's environments table follows the server while the page is open,
// even when the tab was in the background (browsers slow its timers to a minute or more), and
// can be searched. (Layout with a 256-character name: test/e2e/simulatorTable.spec.ts, in Chromium.)

const env = (patch: Partial<SimEnvironmentView>): SimEnvironmentView => ({
  id: 1,
  name: 'shop-1',
  edgeKey: 'a2V5',
  checkinInterval: 3600,
  lastCheckIn: 0,
  heartbeat: false,
  tunnelVerified: false,
  tunnel: { status: 'closed', port: 0, since: 0 },
  ...patch,
});

let transport: FakeTransport;
let view: Rendered | undefined;
let serverEnvironments: SimEnvironmentView[];

beforeEach(() => {
  resetSimulator();
  transport = useFakeApi();
  serverEnvironments = [env({}), env({ id: 2, name: 'warehouse-north', edgeId: 'edge-wh-7' })];
  transport.override('sim:status', { ok: true, data: { running: true, embedded: true, https: true, version: '2.23.0', url: 'https://127.0.0.1:9443', tunnelAddress: '127.0.0.1:8000' } });
  transport.override('sim:environments', () => ({ ok: true, data: { environments: serverEnvironments } }));
  transport.override('agents:list', { ok: true, data: { groups: [] } });
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

const row = (id: number) => view!.container.querySelector(`[data-testid="sim-env-${id}"]`);
const envCalls = () => transport.log.filter((c) => c.channel === 'sim:environments').length;

async function setVisibility(state: 'visible' | 'hidden'): Promise<void> {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  await act(async () => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe('Simulator environments table (issue #11 item 10)', () => {
  it('refreshes at once when the page becomes visible again, without a reload', async () => {
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(row(1)?.textContent).toContain('No heartbeat'));
    await setVisibility('hidden');
    // Meanwhile the agent checked in and its tunnel was verified.
    const now = Math.floor(Date.now() / 1000);
    serverEnvironments = [env({ edgeId: 'edge-1', lastCheckIn: now, heartbeat: true, tunnelVerified: true, tunnel: { status: 'verified', port: 50001, since: now } }), serverEnvironments[1]!];
    const before = envCalls();
    await setVisibility('visible');
    await waitFor(() => expect(envCalls()).toBeGreaterThan(before), 500);
    await waitFor(() => expect(view!.container.querySelector('[data-testid="sim-heartbeat-1"]')?.textContent).toBe('Heartbeat'), 500);
    expect(view.container.querySelector('[data-testid="sim-tunnel-1"]')?.textContent).toBe('Tunnel verified');
  });

  it("refreshes when a simulated agent's poll arrives", async () => {
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(row(1)).not.toBeNull());
    serverEnvironments = [env({ edgeId: 'edge-1', lastCheckIn: Math.floor(Date.now() / 1000), heartbeat: true }), serverEnvironments[1]!];
    await act(async () => {
      transport.emit('agents:polls', { samples: [{ groupId: 'g', edgeId: 'edge-1', at: Date.now(), status: 200, latencyMs: 4 }] });
    });
    await waitFor(() => expect(view!.container.querySelector('[data-testid="sim-heartbeat-1"]')?.textContent).toBe('Heartbeat'), 1500);
  });

  it('searches by name or Edge ID, says when nothing matches, and writes intervals like every other screen', async () => {
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(row(2)).not.toBeNull());
    // One duration formatter: "every 1 h", never "every 3600 s".
    expect(row(1)!.textContent).toContain('every 1 h');
    expect(view.container.textContent).not.toContain('3600 s');
    const search = view.container.querySelector('[data-testid="sim-env-search"]');
    await typeInto(search, 'EDGE-WH');
    expect(row(1)).toBeNull();
    expect(row(2)).not.toBeNull();
    expect(view.container.querySelector('[data-testid="sim-env-count"]')?.textContent).toBe('1 of 2 environments match');
    await typeInto(search, 'shop');
    expect(row(1)).not.toBeNull();
    expect(row(2)).toBeNull();
    await typeInto(search, 'nothing like it');
    expect(view.container.querySelector('[data-testid="sim-env-none"]')?.textContent).toBe('No environment matches “nothing like it”.');
    await typeInto(search, '');
    expect(row(1)).not.toBeNull();
    expect(row(2)).not.toBeNull();
  });

  it('the full name stays reachable when the cell cuts it', async () => {
    const long = `n-${'y'.repeat(254)}`;
    serverEnvironments = [env({ name: long })];
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(row(1)).not.toBeNull());
    const cell = view.container.querySelector('[data-testid="sim-env-name-1"]')!;
    expect(cell.textContent).toBe(long);
    // Mantine's truncate: one line with an ellipsis; the tooltip on hover holds the whole name.
    expect(cell.getAttribute('data-truncate')).toBe('end');
  });
});

describe('Simulator page: the server profile', () => {
  it('says so plainly when the server emulates a version newer than the newest known line, and only then', async () => {
    transport.override('sim:status', { ok: true, data: { running: true, embedded: false, https: true, version: '2.51.0', edition: 'be', url: 'https://127.0.0.1:9443', tunnelAddress: '127.0.0.1:8000' } });
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(view!.container.textContent).toContain('It answers as Portainer 2.51.0 Business Edition.'));
    expect(view.container.querySelector('[data-testid="sim-version-warning"]')?.textContent).toBe(
      'Portainer 2.51.0 is newer than the newest release line Edgedeck knows (2.40–2.45 LTS); the local server emulates 2.40–2.45 LTS.',
    );
    view.unmount();
    transport.override('sim:status', { ok: true, data: { running: true, embedded: false, https: true, version: '2.45.0', edition: 'be', url: 'https://127.0.0.1:9443', tunnelAddress: '127.0.0.1:8000' } });
    resetSimulator();
    view = await render(<SimulatorPage />);
    await waitFor(() => expect(view!.container.textContent).toContain('It answers as Portainer 2.45.0 Business Edition.'));
    expect(view.container.querySelector('[data-testid="sim-version-warning"]')).toBeNull();
  });
});
