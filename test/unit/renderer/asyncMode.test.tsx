// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import type { EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import { resetAddForm } from '../../../src-renderer/features/environments/addFormStore';
import { resetDetails } from '../../../src-renderer/features/environments/detailsStore';
import { EnvironmentsPage } from '../../../src-renderer/features/environments/EnvironmentsPage';
import { resetEnvList } from '../../../src-renderer/features/environments/envListStore';
import { resetServers } from '../../../src-renderer/features/servers/serversStore';
import { click, ok, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #15, Business Edition: async mode and its intervals in the add form (hidden with why on
// Community Edition), the tunnel server address when the server's settings have none, the
// intervals shown and changed in the details, and EDGE_ASYNC=1 in an async environment's command.

let transport: FakeTransport;
let view: Rendered | undefined;
const q = (sel: string) => view!.container.querySelector(sel) ?? document.body.querySelector(sel);
const calls = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);
const defaults = { ping: 60, snapshot: 3600, command: 60 };

function detail(id: number, patch: Partial<EnvironmentDetailView['environment']> = {}): EnvironmentDetailView {
  const fields = { portainerUrl: 'https://192.168.1.10:9443', tunnelAddress: '192.168.1.10:8000', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: id };
  return {
    environment: { id, name: `edge-${id}`, type: 4, edge: true, containerEngine: 'docker', groupId: 1, tagIds: [], url: '192.168.1.10', status: 2, edgeKey: encodeEdgeKey(fields), checkinInterval: 5, lastCheckIn: 0, queryDate: 1_800_000_000, heartbeat: false, state: 'never', userTrusted: true, ...patch },
    key: { fields: { ...fields, global: false }, warnings: [] },
    edgeId: { value: `0000000${id}-0000-4000-8000-000000000000`, source: 'generated', bound: false },
    heartbeat: { alive: false, state: 'never', lastCheckIn: 0, lostInSeconds: 0, lostAfterSeconds: 30, intervalSeconds: 5 },
    serverVersion: '2.45.0',
    serverEdition: 'be',
    platforms: { linux: ['standalone'], windows: [] },
    agentSecret: 'none',
    asyncDefaults: defaults,
    warnings: [],
  };
}

/** Opens a Select and clicks the option with this label in its own list (another Select's list may still be closing). */
async function pick(testId: string, label: string) {
  const input = q(`[data-testid="${testId}"]`)!;
  await click(input);
  const option = await waitFor(() => {
    const list = document.getElementById(input.getAttribute('aria-controls') ?? '');
    const o = [...(list?.querySelectorAll('[role="option"]') ?? [])].find((x) => x.textContent === label);
    expect(o).toBeDefined();
    return o!;
  });
  await click(option);
  await waitFor(() => expect((input as HTMLInputElement).value).toBe(label));
}

function settings(edition: 'ce' | 'be' | undefined, tunnelAddressNeeded = false) {
  transport.override('servers:settings', ok({ edgePortainerUrl: 'https://192.168.1.10:9443', checkinInterval: 5, enforceEdgeId: false, agentSecret: 'none', ...(edition ? { edition } : {}), tunnelAddressNeeded, tunnelServerAddress: '', ...(edition === 'be' ? { asyncDefaults: defaults } : {}) }));
}

beforeEach(() => {
  transport = useFakeApi();
  resetAddForm();
  resetDetails();
  resetEnvList();
  resetServers();
  history.replaceState(null, '', '#/environments/new');
  transport.override('servers:status', ok({ profile: null, connected: false, insecure: false, warnings: [] }));
  transport.override('groups:list', ok({ groups: [] }));
  transport.override('tags:list', ok({ tags: [] }));
  transport.override('environments:list', ok({ items: [], total: 0 }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

describe('Add form, Business Edition', () => {
  it('async with intervals and the tunnel address go with the create; the created environment\'s command has EDGE_ASYNC=1', async () => {
    settings('be', true);
    const asyncEnv = { async: { ping: 60, snapshot: 86_400, command: -1 } };
    transport.override('environments:get', (p) => ok(detail((p as { id: number }).id, asyncEnv)));
    transport.override('environments:create', () => ok({ ...detail(7, asyncEnv), created: { tags: [] } }));
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await waitFor(() => expect(q('[data-testid="env-form-async"]')).not.toBeNull());
    expect(q('[data-testid="env-form-async-unavailable"]')).toBeNull();
    await click(q('[data-testid="env-form-async"]'));
    await waitFor(() => expect(q('[data-testid="env-form-async-ping"]')).not.toBeNull());
    // "Use default" names the server's default, as Portainer's form does.
    expect((q('[data-testid="env-form-async-snapshot"]') as HTMLInputElement).value).toBe('Use default interval (1 hour)');
    await pick('env-form-async-ping', '1 minute');
    await pick('env-form-async-snapshot', '1 day');
    await typeInto(q('[data-testid="env-form-tunnel-address"]'), 'tunnel.example.com:8000');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(calls('environments:create')).toHaveLength(1));
    expect(calls('environments:create')[0]).toMatchObject({ name: 'edge-7', async: { ping: 60, snapshot: 86_400, command: -1 }, tunnelServerAddress: 'tunnel.example.com:8000' });
    await waitFor(() => expect(q('[data-testid="env-command"]')?.textContent).toContain('-e EDGE_ASYNC=1'));
    expect(q('[data-testid="env-async"]')?.textContent).toBe('Edge Agent Async · ping 1 minute · snapshot 1 day · commands Use default interval (1 minute)');
  });

  it('a standard agent sends no async fields, and no tunnel address when the settings have one', async () => {
    settings('be', false);
    transport.override('environments:get', (p) => ok(detail((p as { id: number }).id)));
    transport.override('environments:create', () => ok({ ...detail(7), created: { tags: [] } }));
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await waitFor(() => expect(q('[data-testid="env-form-async"]')).not.toBeNull());
    expect(q('[data-testid="env-form-tunnel-address"]')).toBeNull();
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(calls('environments:create')).toHaveLength(1));
    expect(calls('environments:create')[0]).not.toHaveProperty('async');
    expect(calls('environments:create')[0]).not.toHaveProperty('tunnelServerAddress');
    await waitFor(() => expect(q('[data-testid="env-command"]')?.textContent).toContain('EDGE_INSECURE_POLL'));
    expect(q('[data-testid="env-command"]')?.textContent).not.toContain('EDGE_ASYNC');
  });
});

describe('Add form, Community Edition', () => {
  it('no async switch: it says why', async () => {
    settings('ce');
    view = await render(<EnvironmentsPage />);
    await waitFor(() => expect(q('[data-testid="env-form-async-unavailable"]')?.textContent).toContain('only in Portainer Business Edition; this server is Community Edition'));
    expect(q('[data-testid="env-form-async"]')).toBeNull();
    expect(q('[data-testid="env-form-tunnel-address"]')).toBeNull();
  });
});

describe('Details, async environment', () => {
  it('the edit dialog changes the intervals', async () => {
    history.replaceState(null, '', '#/environments/7');
    settings('be');
    let current = detail(7, { async: { ping: 60, snapshot: 60, command: 60 } });
    transport.override('environments:get', () => ok(current));
    transport.override('environments:update', () => ok((current = detail(7, { async: { ping: 3600, snapshot: 60, command: 60 } }))));
    view = await render(<EnvironmentsPage />);
    await waitFor(() => expect(q('[data-testid="env-edit-open"]')).not.toBeNull());
    await click(q('[data-testid="env-edit-open"]'));
    await waitFor(() => expect(q('[data-testid="env-edit-async-ping"]')).not.toBeNull());
    await pick('env-edit-async-ping', '1 hour');
    await click(q('[data-testid="env-edit-save"]'));
    await waitFor(() => expect(calls('environments:update')).toHaveLength(1));
    expect(calls('environments:update')[0]).toMatchObject({ id: 7, asyncIntervals: { ping: 3600, snapshot: 60, command: 60 } });
    await waitFor(() => expect(q('[data-testid="env-async"]')?.textContent).toContain('ping 1 hour'));
  });
});
