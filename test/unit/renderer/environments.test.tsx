// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import type { EnvironmentDetailView, EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { AddEnvironmentForm } from '../../../src-renderer/features/environments/AddEnvironmentForm';
import { resetAddForm, urlAdvice } from '../../../src-renderer/features/environments/addFormStore';
import { resetDetails } from '../../../src-renderer/features/environments/detailsStore';
import { EnvironmentDetails } from '../../../src-renderer/features/environments/EnvironmentDetails';
import { EnvironmentList, ROW_HEIGHT } from '../../../src-renderer/features/environments/EnvironmentList';
import { PAGE_SIZE, resetEnvList, SEARCH_DEBOUNCE_MS } from '../../../src-renderer/features/environments/envListStore';
import { resetServers } from '../../../src-renderer/features/servers/serversStore';
import { click, errorOf, ok, render, typeInto, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

let transport: FakeTransport;
let view: Rendered | undefined;


function env(id: number, patch: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    id,
    name: `env-${String(id).padStart(5, '0')}`,
    type: 4,
    edge: true,
    containerEngine: 'docker',
    groupId: 1,
    tagIds: [],
    url: '192.168.1.10',
    status: 2,
    edgeKey: encodeEdgeKey({ portainerUrl: 'https://192.168.1.10:9443', tunnelAddress: '192.168.1.10:8000', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: id }),
    checkinInterval: 0,
    lastCheckIn: 0,
    queryDate: 1_800_000_000,
    heartbeat: false,
    state: 'never',
    userTrusted: true,
    ...patch,
  };
}

/** Main's Edge ID memory: one generated ID per environment, kept across visits. */
const edgeIds = new Map<number, string>();
function detail(id: number): EnvironmentDetailView {
  if (!edgeIds.has(id)) edgeIds.set(id, crypto.randomUUID());
  return {
    environment: env(id),
    key: { fields: { portainerUrl: 'https://192.168.1.10:9443', tunnelAddress: '192.168.1.10:8000', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: id, global: false }, warnings: [] },
    edgeId: { value: edgeIds.get(id)!, source: 'generated', bound: false },
    heartbeat: { alive: false, state: 'never', lastCheckIn: 0, lostInSeconds: 0, lostAfterSeconds: 30, intervalSeconds: 5 },
    serverVersion: '2.23.0',
    platforms: { linux: ['kubernetes', 'swarm', 'standalone', 'podman'], windows: ['swarm', 'standalone'] },
    agentSecret: 'none',
    warnings: [],
  };
}

const TOTAL = 10_000;

beforeEach(() => {
  transport = useFakeApi();
  resetEnvList();
  resetAddForm();
  resetDetails();
  resetServers();
  edgeIds.clear();
  transport.override('servers:status', ok({ profile: null, connected: false, insecure: false, warnings: [] }));
  transport.override('servers:settings', ok({ edgePortainerUrl: 'https://192.168.1.10:9443', checkinInterval: 5, enforceEdgeId: false, agentSecret: 'none' }));
  transport.override('groups:list', ok({ groups: [{ id: 1, name: 'Unassigned', description: '', tagIds: [] }] }));
  transport.override('tags:list', ok({ tags: [] }));
  transport.override('environments:list', (payload) => {
    const req = payload as { start?: number; limit?: number; search?: string };
    const total = req.search ? 42 : TOTAL;
    const from = (req.start ?? 1) - 1;
    const items = Array.from({ length: Math.max(0, Math.min(req.limit ?? 100, total - from)) }, (_, i) => env(from + i + 1));
    return ok({ items, total });
  });
  transport.override('environments:get', (payload) => ok(detail((payload as { id: number }).id)));
});
afterEach(() => {
  vi.useRealTimers();
  view?.unmount();
  view = undefined;
});

const q = (sel: string) => view!.container.querySelector(sel);
const calls = (channel: string) => transport.log.filter((l) => l.channel === channel).map((l) => l.payload as Record<string, unknown>);

describe('Add environment form', () => {
  it('shows a 409 from the server on the name field', async () => {
    transport.override('environments:create', { ok: false, error: { code: 'conflict', message: 'An environment with this name exists already.', field: 'name' } });
    view = await render(<AddEnvironmentForm />);
    await waitFor(() => expect((q('[data-testid="env-form-url"]') as HTMLInputElement).value).toBe('https://192.168.1.10:9443'));
    // A private address is allowed, with a warning that edge hosts may not reach it.
    expect(q('[data-testid="env-form-url-warning"]')?.textContent).toContain('private');
    const name = q('[data-testid="env-form-name"]') as HTMLInputElement;
    await typeInto(name, 'edge-1');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(errorOf(name)).toBe('An environment with this name exists already.'));
    expect(calls('environments:create')).toEqual([{ name: 'edge-1', portainerUrl: 'https://192.168.1.10:9443' }]);
    // Nothing else turned read-only: the user fixes the name and tries again.
    expect(name.readOnly).toBe(false);
  });

  it('says the name limit in words and stops typing at it (issue #11 item 13)', async () => {
    view = await render(<AddEnvironmentForm />);
    const name = q('[data-testid="env-form-name"]') as HTMLInputElement;
    expect(name.maxLength).toBe(256);
    expect(view.container.textContent).toContain('Name: at most 256 characters');
    await typeInto(name, 'n'.repeat(256));
    await waitFor(() => expect(view!.container.textContent).toContain('256 of 256 characters: the limit'));
  });

  it('refuses localhost inline, with the reason, and sends nothing', async () => {
    view = await render(<AddEnvironmentForm />);
    const url = q('[data-testid="env-form-url"]') as HTMLInputElement;
    await typeInto(url, 'https://localhost:9443');
    await waitFor(() => expect(errorOf(url)).toContain('Portainer refuses "localhost"'));
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-1');
    await click(q('[data-testid="env-form-submit"]'));
    expect(calls('environments:create')).toEqual([]);
    expect(urlAdvice('https://127.0.0.1:9443').warning).toContain('loopback');
    expect(urlAdvice('https://portainer.example.com').warning).toBeUndefined();
  });

  it('sends new group and tag names, then turns read-only and shows what was created', async () => {
    transport.override('environments:create', () => ({ ok: true, data: { ...detail(7), created: { group: { id: 2, name: 'shops', description: '', tagIds: [] }, tags: [{ id: 1, name: 'a' }] } } }));
    view = await render(<AddEnvironmentForm />);
    await typeInto(q('[data-testid="env-form-name"]'), 'edge-7');
    await typeInto(q('[data-testid="env-form-group"]'), 'shops');
    await click(q('[data-testid="env-form-submit"]'));
    await waitFor(() => expect(q('[data-testid="env-form-created"]')?.textContent).toContain('New group “shops”'));
    expect(calls('environments:create')[0]).toMatchObject({ name: 'edge-7', groupName: 'shops' });
    expect((q('[data-testid="env-form-name"]') as HTMLInputElement).readOnly).toBe(true);
    await waitFor(() => expect(q('[data-testid="env-details"]')).not.toBeNull());
  });
});

describe('Environment details', () => {
  it('keeps the same Edge ID across two visits', async () => {
    view = await render(<EnvironmentDetails id={12} />);
    const first = await waitFor(() => {
      const v = (q('[data-testid="env-edge-id"]') as HTMLInputElement | null)?.value;
      expect(v).toMatch(/^[0-9a-f-]{36}$/);
      return v;
    });
    view.unmount();
    resetDetails();
    view = await render(<EnvironmentDetails id={12} />);
    await waitFor(() => expect((q('[data-testid="env-edge-id"]') as HTMLInputElement | null)?.value).toBe(first));
    expect(calls('environments:get').length).toBeGreaterThanOrEqual(2);
    // The command carries that Edge ID.
    expect(q('[data-testid="env-command"]')?.textContent).toContain(`EDGE_ID=${first}`);
    // The token is hidden until revealed.
    expect((q('[data-testid="env-token"]') as HTMLInputElement).type).toBe('password');
  });

  it('auto-onboarding metadata: the environment\'s group and tags, and picked Edge groups, go into the command', async () => {
    transport.override('environments:get', (payload) => {
      const d = detail((payload as { id: number }).id);
      return ok({ ...d, environment: { ...d.environment, groupId: 2, tagIds: [10, 20] } });
    });
    transport.override('edgeGroups:list', ok({ edgeGroups: [{ id: 3, name: 'shops', dynamic: false, environmentIds: [] }] }));
    view = await render(<EnvironmentDetails id={4} />);
    const text = () => q('[data-testid="env-command"]')?.textContent ?? '';
    await waitFor(() => expect(text()).toContain('portainer/agent:'));
    expect(text()).not.toMatch(/EDGE_GROUPS|PORTAINER_GROUP|PORTAINER_TAGS/);
    await click(q('[data-testid="env-opt-meta"]'));
    await waitFor(() => expect(text()).toContain('-e PORTAINER_GROUP=2'));
    expect(text()).toContain('-e PORTAINER_TAGS=10:20');
    const input = await waitFor(() => q('[data-testid="env-opt-edge-groups"]') as HTMLInputElement);
    await click(input);
    const option = await waitFor(() => [...document.querySelectorAll('[role="option"]')].find((o) => o.textContent === 'shops')!);
    await click(option);
    await waitFor(() => expect(text()).toContain('-e EDGE_GROUPS=3'));
  });

  it("a server reporting 2.45 gets 2.45's commands; a newer one the newest with a plain warning", async () => {
    const windowsOf = async (serverVersion: string) => {
      transport.override('environments:get', (payload) => ok({ ...detail((payload as { id: number }).id), serverVersion }));
      resetDetails();
      view?.unmount();
      view = await render(<EnvironmentDetails id={3} />);
      await waitFor(() => expect(q('[data-testid="env-command"]')?.textContent).toContain('portainer/agent:'));
      await click(q('[data-testid="env-os-windows"]'));
      return waitFor(() => {
        const text = q('[data-testid="env-command"]')?.textContent ?? '';
        expect(text).toContain(`portainer/agent:${serverVersion}`);
        return text;
      });
    };
    const at245 = await windowsOf('2.45.0');
    expect(at245).toContain('docker run -d `\n');
    expect(q('[data-testid="env-version-warning"]')).toBeNull();
    const at23 = await windowsOf('2.23.0');
    expect(at23).toContain('docker run -d \\\n');
    const newer = await windowsOf('2.47.1');
    expect(newer).toContain('docker run -d `\n');
    expect(q('[data-testid="env-version-warning"]')?.textContent).toContain('Portainer 2.47.1 is newer than the newest release line Edgedeck knows (2.40–2.45 LTS)');
  });
});

describe('Environments list', () => {
  it('asks the server for the first page only, then the page scrolled to, and searches debounced', async () => {
    // The list's live refresh (every REFRESH_MS) re-asks the visible pages; on a loaded machine this
    // test outlasts one period, so the refresh runs on a clock that never moves here: every request
    // counted below comes from the first load, the scroll or the search.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(q('[data-testid="env-total"]')?.textContent).toBe('10,000 environments'));
    expect(calls('environments:list')).toEqual([{ start: 1, limit: PAGE_SIZE, sort: 'Name', order: 'asc' }]);
    const rows = () => [...view!.container.querySelectorAll('[data-testid="env-row"]')];
    expect(rows().length).toBeGreaterThan(5);
    expect(rows().length).toBeLessThan(60);
    expect(rows()[0]!.textContent).toContain('env-00001');

    // Scroll to row 5,000: the page holding it (start 4,901) is asked for, not everything before it.
    const scroller = q('[data-testid="env-list-scroll"]') as HTMLElement;
    await act(async () => {
      scroller.scrollTop = 5000 * ROW_HEIGHT;
      scroller.dispatchEvent(new Event('scroll'));
    });
    await waitFor(() => expect(calls('environments:list').some((c) => c.start === 4901)).toBe(true));
    expect(calls('environments:list').every((c) => c.limit === PAGE_SIZE)).toBe(true);
    expect(calls('environments:list').length).toBeLessThanOrEqual(4);
    await waitFor(() => expect(rows().some((r) => r.textContent?.includes('env-05000'))).toBe(true));

    // Typing: one request after the debounce, from the first page. (Page requests of the scroll
    // above may still come in on a loaded machine, so only requests with a search are counted.)
    const searches = () => calls('environments:list').filter((c) => c.search !== undefined);
    const search = q('[data-testid="env-search"]') as HTMLInputElement;
    // Three keystrokes inside one debounce window. The debounce timer runs on a fake clock too: on a
    // loaded machine React's own work between keystrokes can outlast the 50 ms window of a real one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    await act(async () => {
      for (const text of ['e', 'ed', 'edge']) {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(search, text);
        search.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(searches()).toEqual([]);
    await act(async () => {
      vi.advanceTimersByTime(1);
    });
    expect(searches()).toHaveLength(1);
    // Back to a real setTimeout for waitFor; the live refresh stays on the clock that never moves.
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await waitFor(() => expect(q('[data-testid="env-total"]')?.textContent).toBe('42 matching'));
    expect(searches()[0]).toEqual({ start: 1, limit: PAGE_SIZE, sort: 'Name', order: 'asc', search: 'edge' });
    expect(searches().filter((c) => c.search !== 'edge')).toEqual([]);
  });

  it('keeps multi-selection in the store and opens details on a row click', async () => {
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(q('[data-testid="env-row"]')).not.toBeNull());
    const boxes = [...view.container.querySelectorAll('[data-testid="env-row-select"]')] as HTMLInputElement[];
    await click(boxes[0]!);
    await click(boxes[2]!);
    const { useEnvList } = await import('../../../src-renderer/features/environments/envListStore');
    expect([...useEnvList.getState().selected.keys()].sort()).toEqual([1, 3]);
    expect(q('[data-testid="env-selected-count"]')?.textContent).toBe('2 selected');
    expect(window.location.hash).not.toBe('#/environments/1');
    await click(q('[data-testid="env-row"]'));
    expect(window.location.hash).toBe('#/environments/1');
  });
});

// Issue #11 item 7 and "also expected": select the whole filtered set, sort by a header, bulk actions.
describe('Environment list selection, sort and bulk actions', () => {
  const doc = (sel: string) => document.querySelector(sel);

  it('"select all N matching" selects every matching row, also the rows never rendered, and says how many', async () => {
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(q('[data-testid="env-select-all"]')?.textContent).toBe('Select all 10,000 matching'));
    // The count is on screen before anything is selected.
    expect(q('[data-testid="env-selected-count"]')?.textContent).toBe('0 selected');
    const rendered = view.container.querySelectorAll('[data-testid="env-row"]').length;
    expect(rendered).toBeLessThan(100);
    await click(q('[data-testid="env-select-all"]'));
    await waitFor(() => expect(q('[data-testid="env-selected-count"]')?.textContent).toBe('10,000 selected'));
    const pages = calls('environments:list').filter((c) => c.limit === 1000);
    expect(pages.map((c) => c.start)).toEqual([1, 1001, 2001, 3001, 4001, 5001, 6001, 7001, 8001, 9001]);
    const { useEnvList } = await import('../../../src-renderer/features/environments/envListStore');
    expect(useEnvList.getState().selected.has(TOTAL)).toBe(true);
    // The "rows in view" box still selects only those, and says how many that is.
    expect(q('[data-testid="env-select-loaded"]')?.closest('div')?.parentElement?.textContent).toMatch(/Select the \d+ rows in view/);
  }, 120_000);

  it('the platform, agent version and connection filters go to the server as the contract takes them', async () => {
    transport.override('environments:agentVersions', ok({ versions: ['2.21.5', '2.23.0'] }));
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(q('[data-testid="env-row"]')).not.toBeNull());
    const lastList = () => calls('environments:list').at(-1)!;
    const pick = async (testId: string, label: string) => {
      await click(q(`[data-testid="${testId}"]`));
      const option = await waitFor(() => {
        const o = [...document.querySelectorAll('[role="option"]')].find((x) => x.textContent === label);
        expect(o).toBeDefined();
        return o!;
      });
      await click(option);
    };
    await pick('env-filter-platform', 'Kubernetes');
    await waitFor(() => expect(lastList()).toMatchObject({ platform: 'kubernetes' }));
    await waitFor(() => expect((q('[data-testid="env-filter-agent"]') as HTMLInputElement).disabled).toBe(false));
    await pick('env-filter-agent', '2.21.5');
    await waitFor(() => expect(lastList()).toMatchObject({ platform: 'kubernetes', agentVersions: ['2.21.5'] }));
    const lost = [...view.container.querySelectorAll('label')].find((l) => l.textContent === 'Lost')!;
    await click(lost);
    await waitFor(() => expect(lastList()).toMatchObject({ platform: 'kubernetes', agentVersions: ['2.21.5'], state: 'lost' }));
  }, 60_000);

  it('sorts by a column header click, the other way on a second click, with aria-sort', async () => {
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(q('[data-testid="env-row"]')).not.toBeNull());
    const name = q('[data-testid="env-col-name"]')!;
    const checkin = q('[data-testid="env-col-checkin"]')!;
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(checkin.getAttribute('aria-sort')).toBe('none');
    await click(q('[data-testid="env-sort-checkin"]'));
    await waitFor(() => expect(checkin.getAttribute('aria-sort')).toBe('descending'));
    expect(name.getAttribute('aria-sort')).toBe('none');
    await click(q('[data-testid="env-sort-name"]'));
    await click(q('[data-testid="env-sort-name"]'));
    await waitFor(() => expect(name.getAttribute('aria-sort')).toBe('descending'));
    const sorts = calls('environments:list').map((c) => `${c.sort} ${c.order}`);
    expect(sorts).toContain('LastCheckIn desc');
    expect(sorts.at(-1)).toBe('Name desc');
  }, 120_000);

  it('bulk group change: confirms the exact changes, reports each failure, sends nothing before the confirm', async () => {
    transport.override('groups:list', ok({ groups: [{ id: 1, name: 'Unassigned', description: '', tagIds: [] }, { id: 2, name: 'shops', description: '', tagIds: [] }] }));
    transport.override('environments:update', (payload) => {
      const req = payload as { id: number; groupId?: number };
      if (req.id === 2) return { ok: false, error: { code: 'conflict', message: 'The server refused: environment 2 is locked.' } };
      return ok({ ...detail(req.id), environment: env(req.id, { groupId: req.groupId ?? 1 }) });
    });
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(view!.container.querySelectorAll('[data-testid="env-row-select"]').length).toBeGreaterThan(3));
    const boxes = [...view.container.querySelectorAll('[data-testid="env-row-select"]')] as HTMLInputElement[];
    for (const b of boxes.slice(0, 3)) await click(b);
    await click(q('[data-testid="env-bulk-group-tags"]'));
    const { useBulk } = await import('../../../src-renderer/features/environments/bulkStore');
    await waitFor(() => expect(doc('[data-testid="bulk-review"]')).not.toBeNull());
    act(() => useBulk.getState().setChange({ groupId: 2 }));
    await click(doc('[data-testid="bulk-review"]'));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="bulk-item"]').length).toBe(3));
    expect([...document.querySelectorAll('[data-testid="bulk-item"]')].map((e) => e.textContent)).toEqual([
      'env-00001group Unassigned → shops',
      'env-00002group Unassigned → shops',
      'env-00003group Unassigned → shops',
    ]);
    expect(calls('environments:update')).toEqual([]);
    await click(doc('[data-testid="bulk-confirm"]'));
    await waitFor(() => expect(doc('[data-testid="bulk-dialog"]')?.getAttribute('data-stage') ?? doc('[data-stage]')?.getAttribute('data-stage')).toBe('done'));
    expect(doc('[data-testid="bulk-progress"]')?.textContent).toBe('3 of 3 handled: 2 done, 1 failed');
    expect(doc('[data-testid="bulk-failure"]')?.textContent).toContain('The server refused: environment 2 is locked.');
    expect(calls('environments:update').map((c) => c.id).sort()).toEqual([1, 2, 3]);
    expect(calls('environments:update')[0]).toEqual({ id: 1, groupId: 2 });
  }, 120_000);
});

describe('Environment list: a pinned server that presents another certificate', () => {
  it('shows the refusal with both fingerprints from the error data, whatever the wording', async () => {
    const pinned = Array(32).fill('AA').join(':');
    const presented = Array(32).fill('BB').join(':');
    transport.override('environments:list', { ok: false, error: { code: 'unauthorized', message: 'Refused: certificate changed.', field: 'tls', pinMismatch: { pinned, presented } } as never });
    view = await render(<EnvironmentList />);
    await waitFor(() => expect(view!.container.querySelector('[data-testid="tls-changed"]')).not.toBeNull());
    expect(view.container.querySelector('[data-testid="tls-old-fingerprint"]')?.textContent).toBe(pinned);
    expect(view.container.querySelector('[data-testid="tls-new-fingerprint"]')?.textContent).toBe(presented);
  });
});
