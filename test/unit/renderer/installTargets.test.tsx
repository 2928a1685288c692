// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_FIXES } from '../../../src-main/shared/domain/failures';
import { InstallPage } from '../../../src-renderer/features/install/InstallPage';
import { useInstall } from '../../../src-renderer/features/install/installStore';
import { targetForConfigHost } from '../../../src-renderer/features/install/TargetsPanel';
import { click, ok, render, runSummary, typeInto, waitFor, type FakeTransport, type Rendered } from './harness';
import { byTestId, cleanUpInstallPage, taskViews, useInstallApi } from './installFixture';

let transport: FakeTransport;
let view: Rendered | undefined;
const TASK = '2b4e28ba-2fa1-41d2-883f-0016d3cca428';
const RUN = '20261128T220000-abc123';
const task = taskViews({ id: TASK, title: 'Test the connection to 2 hosts', createdAt: '2026-11-28T22:00:00.000Z' });

beforeEach(() => {
  transport = useInstallApi({ groups: [], tags: [] });
});
afterEach(() => {
  cleanUpInstallPage(view);
  view = undefined;
});

const q = byTestId;
const calls = (channel: string) => transport.log.filter((c) => c.channel === channel);

describe('import from ~/.ssh/config', () => {
  it('lists the config hosts in a modal with checkboxes; the chosen ones are added by alias', async () => {
    transport.override(
      'ssh:configHosts',
      ok({
        hosts: [
          { alias: 'edge-one', hostName: '10.0.0.5', user: 'ubuntu', port: 2222 },
          { alias: 'edge+two', hostName: '10.0.0.6', user: 'pi' },
          { alias: 'bastion', hostName: 'jump.example', proxyJump: 'me@gw' },
        ],
      }),
    );
    view = await render(<InstallPage />);
    await click(q('install-sshconfig'));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="install-sshconfig-host"]')).toHaveLength(3));
    expect(calls('ssh:configHosts')).toHaveLength(1);
    const box = (alias: string) => document.querySelector(`[data-testid="install-sshconfig-host"][data-alias="${alias}"]`)!;
    const input = (alias: string) => (box(alias).tagName === 'INPUT' ? box(alias) : box(alias).querySelector('input'))! as HTMLInputElement;
    expect(document.body.textContent).toContain('user ubuntu · 10.0.0.5:2222');
    // An alias that is not a valid target ('+') is added as user@hostName.
    expect(document.body.textContent).toContain('pi@10.0.0.6');
    await click(input('edge-one'));
    await click(input('edge+two'));
    await click(q('install-sshconfig-add'));
    expect(useInstall.getState().targets).toEqual(['edge-one', 'pi@10.0.0.6']);
    await waitFor(() => expect(document.querySelectorAll('[data-testid="install-target-row"]')).toHaveLength(2));
    // Opening again: the added ones are disabled as already in the list.
    await click(q('install-sshconfig'));
    await waitFor(() => expect(input('edge-one').disabled).toBe(true));
    expect(input('bastion').disabled).toBe(false);
  });

  it('targetForConfigHost: alias when valid, else user@host[:port], else nothing', () => {
    expect(targetForConfigHost({ alias: 'web01' })).toBe('web01');
    expect(targetForConfigHost({ alias: 'web+01', hostName: 'fe80::1', user: 'root', port: 2200 })).toBe('root@[fe80::1]:2200');
    expect(targetForConfigHost({ alias: 'web+01' })).toBeUndefined();
  });
});

describe('test connection', () => {
  it('runs mode connect over the targets and shows per host: connected / the reason and the fix', async () => {
    let taskView = task();
    transport.override('ssh:install', ok({ taskId: TASK, runId: RUN }));
    transport.override('tasks:get', () => ok({ ...taskView, log: [] }));
    view = await render(<InstallPage />);
    for (const t of ['ubuntu@10.0.0.5', 'nobody@127.0.0.1:1']) {
      await typeInto(q('install-target-input'), t);
      await click(q('install-target-add'));
    }
    await click(q('install-test-connection'));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="install-conn-result"][data-status="testing"]')).toHaveLength(2));
    const req = calls('ssh:install')[0]!.payload as Record<string, unknown>;
    expect(req).toMatchObject({ mode: 'connect', targets: ['ubuntu@10.0.0.5', 'nobody@127.0.0.1:1'], environment: { mode: 'create', nameTemplate: '{host}' } });
    taskView = task({
      status: 'succeeded',
      progress: 1,
      result: runSummary({
        runId: RUN,
        createdAt: '2026-11-28T22:00:00.000Z',
        finished: true,
        hosts: [
          {
            target: 'ubuntu@10.0.0.5',
            status: 'succeeded',
            attempts: 1,
            detail: {
              outcome: 'connected',
              privilege: 'sudo-password',
              checks: [
                { id: 'connection', title: 'SSH connection', status: 'pass', found: 'logged in as ubuntu in 80 ms; host key SHA256:abc' },
                { id: 'privileges', title: 'Privileges', status: 'warn', found: 'ubuntu: sudo needs a password', fix: 'The install will ask for the sudo password.' },
              ],
            },
          },
          // The fix comes from main with the reason code; the screen shows it as given.
          { target: 'nobody@127.0.0.1:1', status: 'failed', reason: 'connect ECONNREFUSED 127.0.0.1:1 (connection refused)', reasonCode: 'ssh-refused', fix: FAILURE_FIXES['ssh-refused'], attempts: 1 },
        ],
      }),
    });
    await act(async () => {
      transport.emit('task:update', taskView);
    });
    const res = (t: string) => document.querySelector(`[data-testid="install-conn-result"][data-target="${t}"]`)!;
    await waitFor(() => expect(res('ubuntu@10.0.0.5').getAttribute('data-status')).toBe('warn'));
    expect(res('ubuntu@10.0.0.5').textContent).toContain('connected');
    expect(res('ubuntu@10.0.0.5').textContent).toContain('Privileges: ubuntu: sudo needs a password');
    expect(res('ubuntu@10.0.0.5').querySelector('[data-testid="install-conn-fix"]')!.textContent).toContain('The install will ask for the sudo password.');
    expect(res('nobody@127.0.0.1:1').getAttribute('data-status')).toBe('failed');
    expect(res('nobody@127.0.0.1:1').textContent).toContain('ECONNREFUSED');
    expect(res('nobody@127.0.0.1:1').querySelector('[data-testid="install-conn-fix"]')!.textContent).toMatch(/Nothing accepts SSH at that address and port/);
    // The connection test is not an install run: the page stays on the form.
    expect(q('install-run')).toBeNull();
    await click(document.querySelector('[aria-label="Show the connection checks of ubuntu@10.0.0.5"]'));
    expect(document.querySelector('[data-testid="install-preflight-table"][data-target="ubuntu@10.0.0.5"]')!.textContent).toContain('SSH connection');
  });
});

describe('test connection: a host-key question that arrives before the start snapshot (issue #11)', () => {
  it('the snapshot fetched at the start, older than the live question, does not take the question off the screen', async () => {
    const prompt = { id: '7b4e28ba-2fa1-41d2-883f-0016d3cca427', kind: 'host-key' as const, target: 'ubuntu@10.0.0.5', message: 'Unknown host key for 10.0.0.5: ssh-ed25519 SHA256:abc', choices: ['once', 'remember', 'reject'], secret: false, fingerprint: 'SHA256:abc' };
    transport.override('ssh:install', ok({ taskId: TASK, runId: RUN }));
    // The question reaches the page over the event socket while the snapshot (taken before it) is on its way.
    transport.override('tasks:get', () => {
      transport.emit('task:prompt', { taskId: TASK, prompt });
      transport.emit('task:update', task({ pendingPrompts: [prompt] }));
      return ok({ ...task(), log: [] });
    });
    view = await render(<InstallPage />);
    for (const t of ['ubuntu@10.0.0.5', 'nobody@127.0.0.1:9']) {
      await typeInto(q('install-target-input'), t);
      await click(q('install-target-add'));
    }
    await click(q('install-test-connection'));
    await waitFor(() => expect(calls('tasks:get')).toHaveLength(1));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(useInstall.getState().connTest?.prompts.map((p) => p.id)).toEqual([prompt.id]);
    await waitFor(() => expect(document.querySelector('[data-testid="install-prompt-fingerprint"]')?.textContent).toBe('SHA256:abc'));
  });
});

describe('preflight table', () => {
  it('a preflight run shows each host\'s checks (pass / warn / fail, what was found, the fix) in an expandable row', async () => {
    const summary = runSummary({
      runId: RUN,
      createdAt: '2026-11-28T22:00:00.000Z',
      finished: true,
      hosts: [
        {
          target: 'a@h1',
          status: 'succeeded',
          attempts: 1,
          detail: {
            outcome: 'preflight-ok',
            checks: [
              { id: 'os', title: 'Operating system and architecture', status: 'pass', found: 'Ubuntu 24.04, x86_64' },
              { id: 'existing', title: 'Existing Edge agent', status: 'warn', found: 'portainer_edge_agent exists with Edge ID x → y', fix: 'Replacing removes the container.' },
            ],
          },
        },
        {
          target: 'b@h2',
          status: 'failed',
          attempts: 1,
          reason: 'preflight: Tunnel port: not reachable',
          detail: { outcome: 'failed', checks: [{ id: 'tunnel', title: 'Tunnel port h:8000', status: 'fail', found: 'not reachable: timed out', fix: 'Open the tunnel port from the target.' }] },
        },
      ],
    });
    transport.override('ssh:install', ok({ taskId: TASK, runId: RUN }));
    transport.override('tasks:get', () => ok({ ...task({ title: 'Install the Edge agent on 2 hosts', status: 'succeeded', progress: 1, result: summary }), log: [] }));
    transport.override('ssh:run', ok({ summary }));
    view = await render(<InstallPage />);
    await act(async () => {
      useInstall.getState().addList('a@h1\nb@h2');
      useInstall.getState().setForm({ mode: 'preflight-only' });
    });
    await click(q('install-start'));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="install-preflight-table"]')).toHaveLength(2));
    const table = (t: string) => document.querySelector(`[data-testid="install-preflight-table"][data-target="${t}"]`)!;
    const rows1 = [...table('a@h1').querySelectorAll('[data-testid="install-check-row"]')];
    expect(rows1.map((r) => r.getAttribute('data-status'))).toEqual(['pass', 'warn']);
    expect(rows1[1]!.textContent).toContain('portainer_edge_agent exists with Edge ID x → y');
    expect(rows1[1]!.textContent).toContain('Replacing removes the container.');
    expect(table('b@h2').textContent).toContain('not reachable: timed out');
    expect(table('b@h2').textContent).toContain('Open the tunnel port from the target.');
    // Collapsible per host.
    await click(document.querySelector('[aria-label="Hide the checks of a@h1"]'));
    expect(document.querySelector('[data-testid="install-preflight-table"][data-target="a@h1"]')).toBeNull();
    await click(document.querySelector('[aria-label="Show the checks of a@h1"]'));
    expect(document.querySelector('[data-testid="install-preflight-table"][data-target="a@h1"]')).not.toBeNull();
  });
});
