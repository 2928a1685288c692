// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, withCreated } from '../../../src-main/shared/contract/errors';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import type { EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import { goTo } from '../../../src-renderer/components/useHashPath';
import { resetAddForm } from '../../../src-renderer/features/environments/addFormStore';
import { resetDetails } from '../../../src-renderer/features/environments/detailsStore';
import { EnvironmentsPage } from '../../../src-renderer/features/environments/EnvironmentsPage';
import { resetEnvList } from '../../../src-renderer/features/environments/envListStore';
import { resetServers } from '../../../src-renderer/features/servers/serversStore';
import { click, ok, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

// Issue #11 items 3, 4 and 5: the Add form opens empty every time; Enter in a group or tag
// combobox picks or creates, never submits; the Edit dialog creates tags and groups as Add does.

let transport: FakeTransport;
let view: Rendered | undefined;
const q = (sel: string) => view!.container.querySelector(sel) ?? document.body.querySelector(sel);
const calls = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);

function detail(id: number, name: string, patch: Partial<EnvironmentDetailView['environment']> = {}): EnvironmentDetailView {
  const fields = { portainerUrl: 'https://192.168.1.10:9443', tunnelAddress: '192.168.1.10:8000', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: id };
  return {
    environment: {
      id,
      name,
      type: 4,
      edge: true,
      containerEngine: 'docker',
      groupId: 1,
      tagIds: [],
      url: '192.168.1.10',
      status: 2,
      edgeKey: encodeEdgeKey(fields),
      checkinInterval: 5,
      lastCheckIn: 0,
      queryDate: 1_800_000_000,
      heartbeat: false,
      state: 'never',
      userTrusted: true,
      ...patch,
    },
    key: { fields: { ...fields, global: false }, warnings: [] },
    edgeId: { value: `0000000${id}-0000-4000-8000-000000000000`, source: 'generated', bound: false },
    heartbeat: { alive: false, state: 'never', lastCheckIn: 0, lostInSeconds: 0, lostAfterSeconds: 30, intervalSeconds: 5 },
    serverVersion: '2.23.0',
    platforms: { linux: ['standalone'], windows: [] },
    agentSecret: 'none',
    warnings: [],
  };
}

/** Presses Enter in an input the way a keyboard does; true when something stopped the browser's own action (the implicit submit). */
async function pressEnter(el: Element | null): Promise<boolean> {
  if (!(el instanceof HTMLInputElement)) throw new Error('not an input');
  const ev = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true });
  await act(async () => {
    el.dispatchEvent(ev);
  });
  return ev.defaultPrevented;
}

beforeEach(() => {
  transport = useFakeApi();
  resetAddForm();
  resetDetails();
  resetEnvList();
  resetServers();
  history.replaceState(null, '', '#/environments/new');
  transport.override('servers:status', ok({ profile: null, connected: false, insecure: false, warnings: [] }));
  transport.override('servers:settings', ok({ edgePortainerUrl: 'https://192.168.1.10:9443', checkinInterval: 5, enforceEdgeId: false, agentSecret: 'none' }));
  transport.override('groups:list', ok({ groups: [{ id: 1, name: 'Unassigned', description: '', tagIds: [] }] }));
  transport.override('tags:list', ok({ tags: [{ id: 4, name: 'red' }] }));
  transport.override('environments:list', ok({ items: [], total: 0 }));
  transport.override('environments:get', (p) => ok(detail((p as { id: number }).id, 'edge-7')));
  transport.override('environments:create', () => ok({ ...detail(7, 'edge-7'), created: { tags: [] } }));
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});

describe('Add environment', () => {
  it('opens empty after a create, at #/environments/new, every time', async () => {
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(q('[data-testid="env-form-created"]')).not.toBeNull());
    expect(location.hash).toBe('#/environments/7');

    // "Add environment" from anywhere (the list's button navigates like this).
    await act(async () => goTo('#/environments/new'));
    await waitFor(() => expect(q('[data-testid="env-form-created"]')).toBeNull());
    expect(location.hash).toBe('#/environments/new');
    expect((q('[data-testid="env-form-name"]') as HTMLInputElement).value).toBe('');
    expect((q('[data-testid="env-form-name"]') as HTMLInputElement).readOnly).toBe(false);
    // Still there once the form's effects have run.
    await act(async () => new Promise((r) => setTimeout(r, 50)));
    expect(location.hash).toBe('#/environments/new');

    // And "Add another environment" after the next create.
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-8');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(q('[data-testid="env-form-another"]')).not.toBeNull());
    await click(q('[data-testid="env-form-another"]'));
    await waitFor(() => expect((q('[data-testid="env-form-name"]') as HTMLInputElement).value).toBe(''));
    expect(location.hash).toBe('#/environments/new');
  });

  it('Enter in the Group or Tags field never submits the form', async () => {
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    const group = q('[data-testid="env-form-group"]');
    await typeInto(group, 'shops');
    expect(await pressEnter(group)).toBe(true);
    // (Typing a tag and Enter adding it, in the Add form and the Edit dialog, runs in real Chromium: test/e2e/restartJourney.spec.ts.)
    const tags = q('[data-testid="env-form-tags"]');
    expect(await pressEnter(tags)).toBe(true);
    expect(calls('environments:create')).toEqual([]);
    // Enter in the name field still submits (a plain text field).
    expect(await pressEnter(q('[data-testid="env-form-name"]'))).toBe(false);
  });
});

describe('Add environment: Edge groups (issue #15 item 3)', () => {
  it('picks an existing Edge group and creates a new one by typing + Enter; both go with the create and into EDGE_GROUPS', async () => {
    let groups = [{ id: 3, name: 'shops', dynamic: false, environmentIds: [] as number[] }];
    transport.override('edgeGroups:list', () => ok({ edgeGroups: groups }));
    transport.override('environments:create', () => {
      // What the server did: made "lab" (9) and put the new environment in both.
      groups = [
        { id: 3, name: 'shops', dynamic: false, environmentIds: [7] },
        { id: 9, name: 'lab', dynamic: false, environmentIds: [7] },
      ];
      return ok({ ...detail(7, 'edge-7'), created: { tags: [], edgeGroups: [{ id: 9, name: 'lab', dynamic: false, environmentIds: [7] }] } });
    });
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    const field = q('[data-testid="env-form-edge-groups"]') as HTMLInputElement;
    await click(field);
    const option = await waitFor(() => [...document.querySelectorAll('[role="option"]')].find((o) => o.textContent === 'shops')!);
    await click(option);
    await typeInto(q('[data-testid="env-form-edge-groups"]'), 'lab');
    expect(await pressEnter(q('[data-testid="env-form-edge-groups"]'))).toBe(true);
    await waitFor(() => expect(q('[data-testid="env-form"]')?.textContent).toContain('New Edge group: lab — created with the environment'));
    expect(calls('environments:create')).toEqual([]);

    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(calls('environments:create')).toHaveLength(1));
    expect(calls('environments:create')[0]).toMatchObject({ name: 'edge-7', edgeGroupIds: [3], edgeGroupNames: ['lab'] });
    await waitFor(() => expect(q('[data-testid="env-form-created"]')?.textContent).toContain('New Edge groups: lab.'));
    // The created environment's commands carry the groups it joined.
    await waitFor(() => expect(q('[data-testid="env-command"]')?.textContent).toContain('-e EDGE_GROUPS=3:9'));
  });
});

describe('Add environment: what a failed create left on the server', () => {
  const fail = (info: Record<string, unknown>) => () => ({ ok: false as const, error: info as never });

  it('shows the created list apart from the field error, as main sends it (withCreated)', async () => {
    const err = withCreated(new AppError('conflict', 'An environment named "edge-7" already exists.', 'name'), ['group "Shops" (ID 3)', 'tag "berlin" (ID 4)']) as AppError;
    transport.override('environments:create', fail(err.toInfo() as unknown as Record<string, unknown>));
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(q('[data-testid="env-form-partial"]')?.textContent).toContain('Created before this failure (still on the server): group "Shops" (ID 3), tag "berlin" (ID 4).'));
    // The name field says only its own problem; the list is in the alert above.
    expect(q('[data-testid="env-form"]')!.querySelector('.mantine-InputWrapper-error')?.textContent).toBe('An environment named "edge-7" already exists.');
  });

  it('reads the list, not the wording: a message without the sentence still shows what was created', async () => {
    transport.override('environments:create', fail({ code: 'internal', message: 'The server failed.', created: ['group "Shops" (ID 3)'] }));
    view = await render(<EnvironmentsPage />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(q('[data-testid="env-form-partial"]')?.textContent).toContain('group "Shops" (ID 3)'));
  });
});

describe('Edit dialog', () => {
  it('stays open on Enter in the group field, and sends a new group by name on Save', async () => {
    history.replaceState(null, '', '#/environments/7');
    transport.override('environments:get', () => ok(detail(7, 'edge-7', { tagIds: [4] })));
    transport.override('environments:update', (p) => ok(detail(7, 'edge-7', { tagIds: [4], groupId: 2, name: (p as { name: string }).name })));
    view = await render(<EnvironmentsPage />);
    await waitFor(() => expect(q('[data-testid="env-edit-open"]')).not.toBeNull());
    await click(q('[data-testid="env-edit-open"]'));
    const tags = await waitFor(() => {
      const el = document.body.querySelector('[data-testid="env-edit-tags"]');
      expect(el).not.toBeNull();
      return el;
    });
    // The existing tag shows by name.
    await waitFor(() => expect(document.body.querySelector('[data-testid="env-edit"]')?.textContent).toContain('red'));
    expect(await pressEnter(tags)).toBe(true);
    await typeInto(document.body.querySelector('[data-testid="env-edit-group"]'), 'warehouse');
    expect(await pressEnter(document.body.querySelector('[data-testid="env-edit-group"]'))).toBe(true);
    expect(calls('environments:update')).toEqual([]);
    expect(document.body.querySelector('[data-testid="env-edit"]')?.textContent).toContain('New group “warehouse” — created when you save');
    await click(document.body.querySelector('[data-testid="env-edit-save"]'));
    await waitFor(() => expect(calls('environments:update')).toHaveLength(1));
    expect(calls('environments:update')[0]).toMatchObject({ id: 7, name: 'edge-7', groupName: 'warehouse', tagIds: [4] });
  });
});
