// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../../src-renderer/App';
import { clockTime } from '../../../src-main/shared/domain/clockTime';
import { resetSimulator, useSimulator } from '../../../src-renderer/features/simulator/simulatorStore';
import { listenToHash, parseHash } from '../../../src-renderer/route';
import { useConnection } from '../../../src-renderer/transport/connection';
import { usePreferences } from '../../../src-renderer/components/preferencesStore';
import { DEFAULT_UI_PREFERENCES } from '../../../src-main/shared/domain/uiPreferences';
import { render, useFakeApi, waitFor, type FakeTransport, type Rendered } from './harness';

let transport: FakeTransport;
let view: Rendered;
let unlisten: () => void;

beforeEach(() => {
  transport = useFakeApi();
  resetSimulator();
  window.location.hash = '';
  unlisten = listenToHash();
});
afterEach(() => {
  view?.unmount();
  unlisten();
});

const q = (sel: string) => view.container.querySelector(sel);

async function go(hash: string) {
  await act(async () => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
}

/** Opens the Simulator page over the canned sim:status, with its events subscribed (call the result to unsubscribe). */
async function openSimulator(): Promise<() => void> {
  transport.override('agents:list', { ok: true, data: { groups: [] } });
  const { subscribeSimulatorEvents } = await import('../../../src-renderer/features/simulator/simulatorStore');
  const off = subscribeSimulatorEvents();
  view = await render(<App />);
  await go('#/simulator');
  await waitFor(() => expect(q('[data-testid="sim-running"]')?.textContent).toBe('Running'));
  return off;
}

describe('App shell', () => {
  it('parses hash routes, falling back to Environments', () => {
    expect(parseHash('#/inspector')).toBe('inspector');
    expect(parseHash('#/commands?x=1')).toBe('commands');
    expect(parseHash('#inspector')).toBe('inspector');
    expect(parseHash('')).toBe('environments');
    expect(parseHash('#/nope')).toBe('environments');
  });

  it('has real links for every page and the tools, and marks the current one', async () => {
    view = await render(<App />);
    const links = [...view.container.querySelectorAll('a[data-testid^="nav-"]')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toEqual([
      ['Environments', '#/environments'],
      ['Waiting room', '#/waiting'],
      ['Install', '#/install'],
      ['Simulator', '#/simulator'],
      ['Export', '#/export'],
      ['Settings', '#/settings'],
      ['Join-token inspector', '#/inspector'],
      ['Command builder', '#/commands'],
    ]);
    expect(q('[data-testid="nav-environments"]')!.getAttribute('aria-current')).toBe('page');
    // The default page is the Environments list (loaded on first visit).
    await waitFor(() => expect(q('[data-testid="env-add"]')).not.toBeNull());
  });

  it('keeps the folded sidebar with main (preferences:update), not in the page’s localStorage', async () => {
    usePreferences.setState({ prefs: DEFAULT_UI_PREFERENCES });
    view = await render(<App />);
    const toggle = () => q('[data-testid="nav-toggle"]') as HTMLButtonElement;
    await waitFor(() => expect(transport.log.some((c) => c.channel === 'preferences:get')).toBe(true));
    expect(toggle().getAttribute('aria-expanded')).toBe('true');
    await act(async () => toggle().click());
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('false'));
    expect(transport.log.filter((c) => c.channel === 'preferences:update').map((c) => c.payload)).toEqual([{ navCollapsed: true }]);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('edgedeck'))).toEqual([]);
    view.unmount();

    // A new page (another serve port: nothing shared but main) reads it back from main.
    usePreferences.setState({ prefs: DEFAULT_UI_PREFERENCES });
    view = await render(<App />);
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('false'));
    expect(q('[data-testid="navbar"]')!.getAttribute('data-collapsed')).toBe('true');
    await act(async () => toggle().click());
    await waitFor(() => expect(toggle().getAttribute('aria-expanded')).toBe('true'));
    expect(transport.log.filter((c) => c.channel === 'preferences:update').at(-1)!.payload).toEqual({ navCollapsed: false });
  });

  it('switches pages on hashchange and keeps a page’s state when coming back', async () => {
    view = await render(<App />);
    await go('#/inspector');
    const input = await waitFor(() => {
      const el = q('[data-testid="inspector-input"]');
      expect(el).not.toBeNull();
      return el as HTMLTextAreaElement;
    });
    expect(q('[data-testid="nav-inspector"]')!.getAttribute('aria-current')).toBe('page');
    expect(document.title).toBe('Join-token inspector · Edgedeck');

    const { useInspector } = await import('../../../src-renderer/features/inspector/inspectorStore');
    act(() => useInspector.getState().setKey('still here'));
    expect(input.value).toBe('still here');

    await go('#/commands');
    await waitFor(() => expect(q('[data-testid="command-empty"]')).not.toBeNull());
    expect(q('[data-testid="inspector-input"]')).toBeNull();
    await go('#/inspector');
    await waitFor(() => expect((q('[data-testid="inspector-input"]') as HTMLTextAreaElement | null)?.value).toBe('still here'));
  });

  it('says "Local simulator — not a production server" when the embedded simulator runs', async () => {
    transport.override('sim:status', { ok: true, data: { running: true, embedded: true, https: true, version: '2.23.0', url: 'https://127.0.0.1:9443' } });
    view = await render(<App />);
    await act(() => useSimulator.getState().loadStatus());
    expect(q('[data-testid="server-badge"]')?.textContent).toBe('Local simulator — not a production server');
    // The switcher is a neutral control, not an orange warning badge: only its dot has the state's colour (issue #11 item 17).
    const picker = q('[data-testid="server-picker"]')!;
    expect(picker.getAttribute('data-variant')).toBe('default');
    expect(picker.querySelector('.mantine-Badge-root')).toBeNull();
    expect(q('[data-testid="server-state-dot"]')?.getAttribute('data-color')).toBe('orange');

    act(() => useSimulator.getState().onStatus({ running: false, embedded: true, https: true, version: '2.23.0' }));
    expect(q('[data-testid="server-badge"]')?.textContent).toBe('No server connected');
  });

  it('shows the "connection lost — retrying" banner only while the event socket is down', async () => {
    view = await render(<App />);
    expect(q('[data-testid="connection-lost"]')).toBeNull();
    act(() => useConnection.getState().set('open'));
    act(() => useConnection.getState().set('retrying', 2000));
    expect(q('[data-testid="connection-lost"]')?.textContent).toMatch(/Connection lost — retrying in 2 s/);
    act(() => useConnection.getState().set('open'));
    expect(q('[data-testid="connection-lost"]')).toBeNull();
  });

  // Issue #12 item 7: the Simulator page says who is banned from logging in, why and until when,
  // and that the app itself is not affected.
  it('says when the login limiter has banned an address and when the ban ends', async () => {
    const until = Date.parse('2026-12-03T18:02:00Z');
    const running = { running: true, embedded: true, https: true, version: '2.23.0', url: 'https://127.0.0.1:9443', tunnelAddress: '127.0.0.1:8000', username: 'admin', hasPassword: true };
    transport.override('sim:status', { ok: true, data: running });
    transport.override('sim:environments', { ok: true, data: { environments: [] } });
    const off = await openSimulator();
    expect(q('[data-testid="sim-login-ban"]')).toBeNull();
    act(() => transport.emit('sim:status', { ...running, loginBans: [{ ip: '127.0.0.1', until: new Date(until).toISOString() }] }));
    const ban = q('[data-testid="sim-login-ban"]')!.textContent!;
    expect(ban).toContain('127.0.0.1 sent more than 10 login requests in one second');
    expect(ban).toContain(`until ${clockTime(until)}, even with the right password`);
    expect(ban).toContain('login limiter');
    expect(ban).toContain('Edgedeck itself is not affected');
    off();
  });

  it('renders the Simulator page from main’s answers and live events', async () => {
    transport.override('sim:status', {
      ok: true,
      data: { running: true, embedded: false, https: true, version: '2.23.0', url: 'https://127.0.0.1:9443', tunnelAddress: '127.0.0.1:8000', username: 'admin', hasPassword: true, fingerprint: 'fp' },
    });
    transport.override('sim:revealPassword', { ok: true, data: { password: 's3cret-pass' } });
    transport.override('sim:environments', {
      ok: true,
      data: { environments: [{ id: 3, name: 'edge-3', edgeKey: 'k', checkinInterval: 5, lastCheckIn: 0, heartbeat: true, tunnelVerified: false, tunnel: { status: 'closed', port: 0, since: 0 } }] },
    });
    const off = await openSimulator();
    expect((q('[data-testid="sim-url"]') as HTMLInputElement).value).toBe('https://127.0.0.1:9443');
    // Issue #12 item 10: the password is not in the page until the user reveals it, and only
    // then is it asked for (sim:revealPassword), once.
    const password = q('[data-testid="sim-password"]') as HTMLInputElement;
    expect(password.type).toBe('password');
    expect(password.value).toBe('');
    expect(transport.log.some((c) => c.channel === 'sim:revealPassword')).toBe(false);
    // Mantine's visibility toggle acts on mousedown (it keeps the focus in the field).
    await act(async () => void q('[data-testid="sim-password-reveal"]')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true })));
    await waitFor(() => expect((q('[data-testid="sim-password"]') as HTMLInputElement).value).toBe('s3cret-pass'));
    expect((q('[data-testid="sim-password"]') as HTMLInputElement).type).toBe('text');
    expect(transport.log.filter((c) => c.channel === 'sim:revealPassword')).toHaveLength(1);
    await waitFor(() => expect(view.container.textContent).toContain('edge-3'));
    expect(view.container.textContent).toContain('Heartbeat');
    expect(view.container.textContent).toContain('Tunnel closed');

    act(() => {
      transport.emit('agents:groups', {
        groups: [{ id: 'grp-1', environmentId: 3, count: 2, startedAt: 0, states: { starting: 0, polling: 2, 'tunnel-up': 0, 'tunnel-verified': 0, error: 0, stopped: 0 }, polls: 9, notModified: 7, errors: 1, lastError: 'HTTP 403: invalid Edge identifier' }],
      });
      transport.emit('agents:polls', { samples: [{ groupId: 'grp-1', edgeId: 'sim-agent-1', at: 1_700_000_000_000, status: 403, latencyMs: 12 }] });
    });
    const groups = q('[data-testid="agent-groups"]')!;
    expect(groups.textContent).toContain('polling 2');
    expect(groups.textContent).toContain('HTTP 403: invalid Edge identifier');
    expect(q('[data-testid="poll-timeline"]')!.textContent).toContain('sim-agent-1');
    expect(q('[data-testid="poll-budget"]')!.textContent).toContain('200'); // 1000 agents / 5 s
    expect(q('[data-testid="poll-budget"]')!.textContent).toContain('30 s'); // 2 × 5 + 20
    off();
  });
});
