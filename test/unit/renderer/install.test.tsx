// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sshInstallRequest, type TaskPromptView, type TaskView } from '../../../src-main/shared/schemas/install';
import { InstallPage, environmentFromHash } from '../../../src-renderer/features/install/InstallPage';
import { buildRequest, logLinesOf, useInstall, validate } from '../../../src-renderer/features/install/installStore';
import { FAILURE_FIXES } from '../../../src-main/shared/domain/failures';
import type { HostRecord } from '../../../src-main/shared/schemas/run';
import { click, errorOf, hostRecord, ok, render, runSummary, typeInto, waitFor, type FakeTransport, type Rendered } from './harness';
import { byTestId, cleanUpInstallPage, taskViews, useInstallApi } from './installFixture';

let transport: FakeTransport;
let view: Rendered | undefined;

const TASK = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const RUN = '20261128T210000-abcdef';
const task = taskViews({ id: TASK, title: 'Install the Edge agent on 2 hosts', createdAt: '2026-11-28T21:00:00.000Z' });

/** What main's ssh:run answers while the run goes: the summary.json it rewrites per host change. */
let summaryHosts: HostRecord[] = [];
let taskLog: string[] = [];
let taskView: TaskView = task();

beforeEach(() => {
  transport = useInstallApi({ groups: [{ id: 1, name: 'Unassigned', description: '', tagIds: [] }], tags: [{ id: 3, name: 'edge' }] });
  summaryHosts = [];
  taskLog = [];
  taskView = task();
  transport.override('ssh:install', ok({ taskId: TASK, runId: RUN }));
  transport.override('tasks:get', () => ok({ ...taskView, log: [...taskLog] }));
  transport.override('ssh:run', () => ok({ summary: runSummary({ runId: RUN, hosts: summaryHosts }) }));
  transport.override('tasks:answer', ok({ answered: true }));
  transport.override('tasks:cancel', () => ok(task({ status: 'cancelling' })));
});
afterEach(() => {
  cleanUpInstallPage(view);
  view = undefined;
});

const q = byTestId;
const calls = (channel: string) => transport.log.filter((c) => c.channel === channel);
const emit = async (event: string, payload: unknown) => {
  await act(async () => {
    transport.emit(event, payload);
  });
};
const row = (target: string) => document.querySelector(`[data-testid="install-host-row"][data-target="${target}"]`);

async function startTwoHosts(): Promise<void> {
  view = await render(<InstallPage />);
  await typeInto(q('install-target-input'), 'ubuntu@10.0.0.5');
  await click(q('install-target-add'));
  await typeInto(q('install-target-input'), 'nobody@127.0.0.1:1');
  await click(q('install-target-add'));
  await click(q('install-start'));
  await waitFor(() => expect(q('install-run')).not.toBeNull());
}

describe('targets', () => {
  it('adds, validates inline and removes targets in the page; a pasted list shows its bad lines', async () => {
    view = await render(<InstallPage />);
    await typeInto(q('install-target-input'), 'bad host');
    await click(q('install-target-add'));
    expect(errorOf(q('install-target-input')!)).toBe('A target has no spaces; write one user@host[:port] per line.');
    await typeInto(q('install-target-input'), 'ubuntu@10.0.0.5');
    await click(q('install-target-add'));
    expect(document.querySelectorAll('[data-testid="install-target-row"]')).toHaveLength(1);
    await click(q('install-paste-toggle'));
    await typeInto(q('install-paste'), 'a@h1\nb@h2:70000\nubuntu@10.0.0.5');
    await click(q('install-paste-add'));
    expect(useInstall.getState().targets).toEqual(['ubuntu@10.0.0.5', 'a@h1']);
    expect(q('install-bad-lines')?.textContent).toContain('Line 2: b@h2:70000 — "70000" is not a port (1-65535).');
    expect(q('install-bad-lines')?.textContent).toContain('Line 3: ubuntu@10.0.0.5 — Already in the list.');
    await click(document.querySelector('[aria-label="Remove a@h1"]'));
    expect(useInstall.getState().targets).toEqual(['ubuntu@10.0.0.5']);
  });
});

describe('options', () => {
  it('builds the ssh:install request the contract accepts, and refuses what it would refuse', () => {
    const form = { ...useInstall.getState().form, canaryMode: 'first' as const, jump: 'me@bastion:2200', identityFile: ' ~/.ssh/id_ed25519 ', tagIds: [3], pollSeconds: 10 };
    expect(buildRequest(form, ['a@h1', 'b@h2'])).toEqual({
      environment: { mode: 'create', nameTemplate: '{host}', tagIds: [3], pollSeconds: 10 },
      platform: 'standalone',
      insecurePoll: true,
      targets: ['a@h1', 'b@h2'],
      jump: 'me@bastion:2200',
      identityFile: '~/.ssh/id_ed25519',
      concurrency: 10,
      canary: 1,
      maxFailPct: 100,
      hostKeyPolicy: 'ask',
      mode: 'install',
      replaceExisting: 'ask',
    });
    // Passwords never go into the request: they stay in memory and answer prompts.
    expect(JSON.stringify(buildRequest({ ...form, password: 'pw1', sudoPassword: 'pw2' }, ['a@h1']))).not.toMatch(/pw1|pw2/);
    const errs = validate({ ...form, envMode: 'existing', environmentId: 4, jump: 'bad host', concurrency: 0 }, ['a@h1', 'b@h2']);
    expect(errs.environmentId).toMatch(/One environment holds one agent/);
    expect(errs.jump).toMatch(/^Jump host: /);
    expect(errs.concurrency).toBe('Run 1 to 200 hosts at a time.');
  });

  it('the push-image option: off by default, from this computer\'s engine or an archive path; the contract takes it; an empty path and Kubernetes are refused', async () => {
    const form = useInstall.getState().form;
    expect(buildRequest(form, ['a@h1'])).not.toHaveProperty('pushImage');
    const engine = buildRequest({ ...form, pushImage: 'engine' }, ['a@h1']);
    expect(engine.pushImage).toEqual({ from: 'engine' });
    const archive = buildRequest({ ...form, pushImage: 'archive', imageArchive: ' /srv/agent.tar ' }, ['a@h1']);
    expect(archive.pushImage).toEqual({ from: 'archive', path: '/srv/agent.tar' });
    expect(sshInstallRequest.parse(archive).pushImage).toEqual({ from: 'archive', path: '/srv/agent.tar' });
    expect(validate({ ...form, pushImage: 'archive', imageArchive: ' ' }, ['a@h1']).imageArchive).toMatch(/^Give the path of the image archive/);
    expect(validate({ ...form, pushImage: 'engine', platform: 'kubernetes' }, ['a@h1']).imageArchive).toMatch(/Turn it off for Kubernetes/);
    view = await render(<InstallPage />);
    expect(q('install-push-image')).not.toBeNull();
    expect(q('install-image-archive')).toBeNull();
    act(() => useInstall.getState().setForm({ pushImage: 'archive' }));
    await waitFor(() => expect(q('install-image-archive')).not.toBeNull());
  });

  it('the check-in wait: typed in the Fleet options, checked by the core rule inline, sent as checkinTimeoutSeconds', async () => {
    view = await render(<InstallPage />);
    await typeInto(q('install-target-input'), 'a@h1');
    await click(q('install-target-add'));
    await typeInto(q('install-checkin-timeout'), '5');
    await click(q('install-start'));
    await waitFor(() => expect(errorOf(q('install-checkin-timeout')!)).toBe('The check-in wait is whole seconds from 10 to 86,400 (a day); 5 is not.'));
    expect(calls('ssh:install')).toHaveLength(0);
    await typeInto(q('install-checkin-timeout'), '180');
    await click(q('install-start'));
    await waitFor(() => expect(calls('ssh:install')).toHaveLength(1));
    expect(sshInstallRequest.parse(calls('ssh:install')[0]!.payload).checkinTimeoutSeconds).toBe(180);
  });

  it('shows platforms main cannot install over SSH as disabled, with the reason', async () => {
    view = await render(<InstallPage />);
    const k8s = q('install-platform-kubernetes')!.querySelector('input') ?? q('install-platform-kubernetes');
    expect((k8s as HTMLInputElement).disabled).toBe(false);
    const nomad = q('install-platform-nomad')!.querySelector('input') ?? q('install-platform-nomad');
    expect((nomad as HTMLInputElement).disabled).toBe(true);
    expect(q('install-platform')!.textContent).toContain('Not over SSH (and removed from Portainer 2.20)');
  });

  it('preselects the environment from #/install?environment=<id>', async () => {
    expect(environmentFromHash('#/install?environment=12')).toBe(12);
    expect(environmentFromHash('#/install?environment=x')).toBeUndefined();
    transport.override('environments:get', () => ok({ environment: { id: 12, name: 'edge-12' } }));
    location.hash = '#/install?environment=12';
    view = await render(<InstallPage />);
    await waitFor(() => expect(useInstall.getState().form).toMatchObject({ envMode: 'existing', environmentId: 12 }));
    await waitFor(() => expect((q('install-env-select') as HTMLInputElement).value).toBe('edge-12 (#12)'));
    location.hash = '';
  });

  it('puts a field error of ssh:install inline and anything else in a notification', async () => {
    transport.override('ssh:install', { ok: false, error: { code: 'invalid_input', message: 'targets.0: bad', field: 'targets.0' } });
    view = await render(<InstallPage />);
    await typeInto(q('install-target-input'), 'a@h1');
    await click(q('install-target-add'));
    await click(q('install-start'));
    await waitFor(() => expect(errorOf(q('install-target-input')!)).toBe('targets.0: bad'));
    expect(q('install-run')).toBeNull();
  });
});

describe('run', () => {
  it('starts a run and turns task events into host rows, progress, a per-host log and a summary', async () => {
    await startTwoHosts();
    const req = calls('ssh:install')[0]!.payload as { targets: string[]; environment: { mode: string } };
    expect(req.targets).toEqual(['ubuntu@10.0.0.5', 'nobody@127.0.0.1:1']);
    expect(req.environment.mode).toBe('create');
    expect(row('ubuntu@10.0.0.5')!.getAttribute('data-status')).toBe('pending');

    await emit('task:log', { taskId: TASK, line: 'nobody@127.0.0.1:1: == connect' });
    await emit('task:log', { taskId: TASK, line: 'ubuntu@10.0.0.5: == preflight' });
    await emit('task:log', { taskId: 'another-task', line: 'ubuntu@10.0.0.5: == verify' });
    expect(row('nobody@127.0.0.1:1')!.getAttribute('data-status')).toBe('running');
    expect(row('nobody@127.0.0.1:1')!.querySelector('[data-testid="install-host-step"]')!.textContent).toBe('connect');
    expect(row('ubuntu@10.0.0.5')!.querySelector('[data-testid="install-host-step"]')!.textContent).toBe('preflight');

    // Main's words for the failure can change; the fix rides with its reason code, so the row keeps it.
    const reason = 'Reworded: port 1 on 127.0.0.1 turned the SSH connection down';
    summaryHosts = [
      { target: 'ubuntu@10.0.0.5', status: 'running', attempts: 1 },
      { target: 'nobody@127.0.0.1:1', status: 'failed', reason, reasonCode: 'ssh-refused', fix: FAILURE_FIXES['ssh-refused'], attempts: 1 },
    ];
    await emit('task:update', task({ progress: 0.5, message: '1/2 hosts done' }));
    await waitFor(() => expect(row('nobody@127.0.0.1:1')!.getAttribute('data-status')).toBe('failed'));
    expect(row('nobody@127.0.0.1:1')!.querySelector('[data-testid="install-host-reason"]')!.textContent).toBe(reason);
    expect(row('nobody@127.0.0.1:1')!.querySelector('[data-testid="install-host-fix"]')!.textContent).toMatch(/^What to do: Nothing accepts SSH/);
    expect(q('install-progress-text')!.textContent).toContain('1/2 hosts done');
    expect(logLinesOf(useInstall.getState().run, 'ubuntu@10.0.0.5')).toEqual(['== preflight']);
    expect(logLinesOf(useInstall.getState().run, undefined)).toHaveLength(2);

    await emit(
      'task:update',
      task({
        status: 'succeeded',
        progress: 1,
        result: runSummary({
          runId: RUN,
          finished: true,
          hosts: [
            hostRecord({ target: 'ubuntu@10.0.0.5', status: 'succeeded', environmentId: 7, checkedIn: true }),
            hostRecord({ target: 'nobody@127.0.0.1:1', status: 'failed', reason }),
          ],
        }),
      }),
    );
    await waitFor(() => expect(q('install-summary')).not.toBeNull());
    expect(q('install-count-succeeded')!.textContent).toBe('1 succeeded');
    expect(q('install-count-failed')!.textContent).toBe('1 failed');
    expect(q('install-cancel')).toBeNull();
    expect(calls('ssh:runs').length).toBeGreaterThanOrEqual(2);

    // Retry failed and not-started → ssh:resume with the run id; the failed host is pending again.
    transport.override('ssh:resume', ok({ taskId: '2b4e28ba-2fa1-41d2-883f-0016d3cca427', runId: RUN }));
    await click(q('install-retry'));
    await waitFor(() => expect(calls('ssh:resume')).toHaveLength(1));
    expect(calls('ssh:resume')[0]!.payload).toEqual({ runId: RUN });
    await waitFor(() => expect(row('nobody@127.0.0.1:1')!.getAttribute('data-status')).toBe('pending'));
    expect(row('ubuntu@10.0.0.5')!.getAttribute('data-status')).toBe('succeeded');
    // Earlier lines stay; the retry is marked.
    expect(useInstall.getState().run!.logs.at(-1)).toMatch(/^--- retry of failed and not-started hosts/);
  });

  it('shows a host-key prompt as a modal with the fingerprint; the answer goes to tasks:answer', async () => {
    await startTwoHosts();
    const prompt: TaskPromptView = {
      id: '3b4e28ba-2fa1-41d2-883f-0016d3cca427',
      kind: 'host-key',
      target: 'ubuntu@10.0.0.5',
      message: 'Unknown host key for 10.0.0.5: ssh-ed25519 SHA256:abc',
      choices: ['once', 'remember', 'reject'],
      secret: false,
      fingerprint: 'SHA256:abcdefghijklmnop',
    };
    await emit('task:prompt', { taskId: TASK, prompt });
    await waitFor(() => expect(q('install-prompt-fingerprint')?.textContent).toBe('SHA256:abcdefghijklmnop'));
    expect(q('install-prompt-once')).not.toBeNull();
    expect(q('install-prompt-reject')).not.toBeNull();
    await click(q('install-prompt-remember'));
    await waitFor(() => expect(calls('tasks:answer')).toHaveLength(1));
    expect(calls('tasks:answer')[0]!.payload).toEqual({ taskId: TASK, promptId: prompt.id, answer: 'remember' });
    await waitFor(() => expect(q('install-prompt-fingerprint')).toBeNull());
    // main's next update still lists it until it settles: it is not shown again.
    await emit('task:update', task({ pendingPrompts: [prompt] }));
    expect(useInstall.getState().run!.prompts).toEqual([]);
  });

  it('asks for a sudo password in a masked input; a replace confirmation answers yes/no', async () => {
    await startTwoHosts();
    const sudo: TaskPromptView = { id: '4b4e28ba-2fa1-41d2-883f-0016d3cca427', kind: 'sudo', target: 'ubuntu@10.0.0.5', message: 'sudo password for ubuntu@10.0.0.5', secret: true };
    await emit('task:prompt', { taskId: TASK, prompt: sudo });
    const input = await waitFor(() => {
      const el = q('install-prompt-input');
      expect(el).not.toBeNull();
      return el as HTMLInputElement;
    });
    expect(input.type).toBe('password');
    await typeInto(input, 's3cret');
    await click(q('install-prompt-submit'));
    await waitFor(() => expect(calls('tasks:answer')).toHaveLength(1));
    expect(calls('tasks:answer')[0]!.payload).toEqual({ taskId: TASK, promptId: sudo.id, answer: 's3cret' });

    const confirm: TaskPromptView = { id: '5b4e28ba-2fa1-41d2-883f-0016d3cca427', kind: 'confirm', target: 'ubuntu@10.0.0.5', message: 'ubuntu@10.0.0.5 already runs a different Edge agent. Remove it, then install?', choices: ['yes', 'no'], secret: false };
    await emit('task:prompt', { taskId: TASK, prompt: confirm });
    await waitFor(() => expect(q('install-prompt-no')).not.toBeNull());
    await click(q('install-prompt-no'));
    await waitFor(() => expect(calls('tasks:answer')).toHaveLength(2));
    expect(calls('tasks:answer')[1]!.payload).toEqual({ taskId: TASK, promptId: confirm.id, answer: 'no' });
  });

  it('sends the SSH and sudo passwords to main once with the run, and answers no host prompt by itself', async () => {
    view = await render(<InstallPage />);
    await typeInto(q('install-target-input'), 'ubuntu@10.0.0.5');
    await click(q('install-target-add'));
    await typeInto(q('install-password'), 'pw-in-memory');
    await typeInto(q('install-sudo-password'), 'sudo-in-memory');
    await click(q('install-start'));
    await waitFor(() => expect(q('install-run')).not.toBeNull());
    expect(calls('ssh:install')).toHaveLength(1);
    expect(calls('ssh:install')[0]!.payload).toMatchObject({ targets: ['ubuntu@10.0.0.5'], sshPassword: 'pw-in-memory', sudoPassword: 'sudo-in-memory' });
    // A password question now means main's try failed (or none was given): the user is asked.
    const wrong: TaskPromptView = { id: '6b4e28ba-2fa1-41d2-883f-0016d3cca427', kind: 'password', target: 'ubuntu@10.0.0.5', message: 'Password for ubuntu@10.0.0.5 (wrong, try again)', secret: true };
    await emit('task:prompt', { taskId: TASK, prompt: wrong });
    await waitFor(() => expect(q('install-prompt-input')).not.toBeNull());
    expect(calls('tasks:answer')).toHaveLength(0);
  });

  it('cancel calls tasks:cancel and the run ends as cancelled', async () => {
    await startTwoHosts();
    await click(q('install-cancel'));
    await waitFor(() => expect(calls('tasks:cancel')).toHaveLength(1));
    expect(calls('tasks:cancel')[0]!.payload).toEqual({ taskId: TASK });
    expect(q('install-status')!.textContent).toBe('cancelling');
    await emit('task:update', task({ status: 'cancelled', progress: 1 }));
    await waitFor(() => expect(q('install-status')!.textContent).toBe('cancelled'));
    expect(row('ubuntu@10.0.0.5')!.getAttribute('data-status')).toBe('cancelled');
    expect(q('install-summary')).not.toBeNull();
  });

  it('a cancelled run does not stay "cancelling" when the final event is missed: main is asked until it has stopped', async () => {
    await startTwoHosts();
    await click(q('install-cancel'));
    await waitFor(() => expect(q('install-status')!.textContent).toBe('cancelling'));
    // main finished the run (summary written, task cancelled) but no task:update reaches this window.
    summaryHosts = [
      hostRecord({ target: 'ubuntu@10.0.0.5', status: 'cancelled', reason: 'cancelled', reasonCode: 'cancelled', fix: FAILURE_FIXES.cancelled }),
      hostRecord({ target: 'nobody@127.0.0.1:1', status: 'cancelled', reason: 'cancelled before it started', reasonCode: 'cancelled', fix: FAILURE_FIXES.cancelled }),
    ];
    taskView = task({ status: 'cancelled', progress: 1, result: runSummary({ runId: RUN, finished: true, stoppedBecause: 'cancelled', hosts: summaryHosts }) });
    await waitFor(() => expect(q('install-status')!.textContent).toBe('cancelled'), 4000);
    expect(q('install-cancel')).toBeNull();
    // The retry the hint names is there now, on this page.
    expect(q('install-retry')?.textContent).toContain('Retry failed and not-started (2)');
  });

  it('keeps the run while the page is away, and catches up with tasks:get on return', async () => {
    await startTwoHosts();
    await emit('task:log', { taskId: TASK, line: 'ubuntu@10.0.0.5: == connect' });
    view!.unmount();
    view = undefined;
    // Events keep arriving while another page is shown.
    await emit('task:log', { taskId: TASK, line: 'ubuntu@10.0.0.5: connected as ubuntu' });
    // And main's ring holds a line this window missed (e.g. sent while the socket reconnected).
    taskLog = ['ubuntu@10.0.0.5: == connect', 'ubuntu@10.0.0.5: connected as ubuntu', 'ubuntu@10.0.0.5: == preflight'];
    taskView = task({ progress: 0.25 });
    const before = calls('tasks:get').length;
    view = await render(<InstallPage />);
    // At least one catch-up read on return; the full CI saw 5 reads here (other refreshes of the shown page), so the count is not fixed.
    await waitFor(() => expect(calls('tasks:get').length).toBeGreaterThan(before));
    await waitFor(() => expect(row('ubuntu@10.0.0.5')!.querySelector('[data-testid="install-host-step"]')!.textContent).toBe('preflight'));
    expect(logLinesOf(useInstall.getState().run, 'ubuntu@10.0.0.5')).toEqual(['== connect', 'connected as ubuntu', '== preflight']);
    expect(q('install-cancel')).not.toBeNull();
  });

  it('re-attaches to a running install found with tasks:list after a reload', async () => {
    transport.override('tasks:list', () => ok({ tasks: [task({ progress: 0.5 })] }));
    transport.override('ssh:runs', ok({ runs: [{ runId: RUN, createdAt: '2026-11-28T21:00:00.000Z', finished: false, counts: runSummary({ hosts: [hostRecord({ target: 'a', status: 'running' }), hostRecord({ target: 'b', status: 'failed' })] }).counts }] }));
    summaryHosts = [
      { target: 'ubuntu@10.0.0.5', status: 'running', attempts: 1 },
      { target: 'nobody@127.0.0.1:1', status: 'failed', reason: 'Could not connect: connection refused', attempts: 1 },
    ];
    taskLog = ['ubuntu@10.0.0.5: == start agent'];
    view = await render(<InstallPage />);
    await waitFor(() => expect(row('nobody@127.0.0.1:1')?.getAttribute('data-status')).toBe('failed'));
    expect(useInstall.getState().run).toMatchObject({ taskId: TASK, runId: RUN });
    expect(row('ubuntu@10.0.0.5')!.querySelector('[data-testid="install-host-step"]')!.textContent).toBe('start agent');
    await emit('task:log', { taskId: TASK, line: 'ubuntu@10.0.0.5: == verify' });
    expect(row('ubuntu@10.0.0.5')!.querySelector('[data-testid="install-host-step"]')!.textContent).toBe('verify');
  });

  it('says so when main no longer knows the task', async () => {
    await startTwoHosts();
    view!.unmount();
    transport.override('tasks:get', { ok: false, error: { code: 'not_found', message: 'There is no task x.', field: 'taskId' } });
    view = await render(<InstallPage />);
    await waitFor(() => expect(q('install-lost')).not.toBeNull());
    expect(q('install-new')).not.toBeNull();
  });

  it('lists past runs and shows a host transcript', async () => {
    const past = runSummary({ runId: RUN, finished: true, hosts: [hostRecord({ target: 'a@h1', status: 'failed', reason: 'connection refused', transcript: 'hosts/a@h1.attempt1.json' })] });
    transport.override('ssh:runs', ok({ runs: [{ runId: RUN, createdAt: past.createdAt, finished: true, counts: past.counts }] }));
    transport.override('ssh:run', ok({ summary: past }));
    transport.override('ssh:transcript', ok({ transcript: { target: 'a@h1', runId: RUN, attempt: 1, startedAt: '2026-11-28T21:00:00.000Z', outcome: 'failed: connection refused', steps: [{ name: 'connect', startedAt: '2026-11-28T21:00:00.000Z', status: 'failed', notes: ['attempt 1 failed'], commands: [] }] } }));
    view = await render(<InstallPage />);
    await waitFor(() => expect(document.querySelectorAll('[data-testid="install-past-run"]')).toHaveLength(1));
    await click(q('install-past-run-open'));
    await waitFor(() => expect(q('install-transcript-open')).not.toBeNull());
    await click(q('install-transcript-open'));
    await waitFor(() => expect(document.body.textContent).toContain('outcome: failed: connection refused'));
    expect(calls('ssh:transcript')[0]!.payload).toEqual({ runId: RUN, target: 'a@h1' });
  });
});

