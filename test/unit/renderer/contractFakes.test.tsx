// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createRawApi } from '../../../src-main/shared/contract/client';
import { ContractDriftError, hostRecord, ok, runSummary, takeDrifts, useFakeApi } from './harness';

const TASK = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

/**
 * The renderer's fakes are checked against the same zod schemas main's answers are typed by
 * (shared/schemas/run.ts, contract/calls.ts responseSchema, contract/events.ts eventSchemas).
 */
describe('test fakes follow the contract', () => {
  it('a run summary as main writes it is accepted', () => {
    const t = useFakeApi();
    expect(() => t.override('ssh:run', ok({ summary: runSummary({ hosts: [hostRecord({ target: 'a@h', status: 'failed', reasonCode: 'ssh-refused', fix: 'x' })] }) }))).not.toThrow();
  });

  it('a canned answer that drifts fails at once, naming where', () => {
    const t = useFakeApi();
    // The shape the Install tests used before the contract was typed: no updatedAt, options or attempts.
    const old = { summary: { runId: 'r', createdAt: 'x', finished: true, hosts: [{ target: 'a@h', status: 'failed' }], counts: { failed: 1 } } };
    expect(() => t.override('ssh:run', ok(old))).toThrow(ContractDriftError);
    expect(() => t.override('ssh:run', ok({ summary: runSummary({ hosts: [{ ...hostRecord({ target: 'a@h', status: 'failed' }), status: 'done' as never }] }) }))).toThrow(/answer of ssh:run drifts from the contract at summary\.hosts\.0\.status/);
    expect(() => t.override('ssh:run', ok({ summary: runSummary({ hosts: [hostRecord({ target: 'a@h', status: 'failed', reasonCode: 'connection refused' as never })] }) }))).toThrow(/reasonCode/);
    expect(() => t.override('ssh:transcript', ok({ transcript: { target: 'a@h', attempt: 1, startedAt: 'x', steps: [] } }))).toThrow(/transcript\.runId/);
  });

  it('an answer computed per call that drifts fails the call (and is reported after the test)', async () => {
    const t = useFakeApi();
    t.override('tasks:get', () => ok({ id: TASK, kind: 'ssh:install', title: 't', status: 'finished', progress: 1, createdAt: 'x', pendingPrompts: [], log: [] }));
    const api = createRawApi(t);
    await expect(api.tasks.get({ taskId: TASK })).rejects.toThrow(/answer of tasks:get drifts from the contract at status/);
    // Kept for after the test too, where a UI that swallowed the failed call would not hide it.
    expect(takeDrifts()).toEqual([expect.stringMatching(/tasks:get drifts/)]);
    t.override('tasks:get', () => ok({ id: TASK, kind: 'ssh:install', title: 't', status: 'succeeded', progress: 1, createdAt: 'x', pendingPrompts: [], log: [] }));
    await expect(api.tasks.get({ taskId: TASK })).resolves.toMatchObject({ ok: true });
  });

  it('an emitted event that drifts fails', () => {
    const t = useFakeApi();
    expect(() => t.emit('task:update', { id: TASK, kind: 'ssh:install', title: 't', status: 'running', progress: 0.5, createdAt: 'x', pendingPrompts: [], result: { runId: 'r', hosts: [] } })).toThrow(/event task:update drifts from the contract at result/);
    expect(() => t.emit('task:prompt', { taskId: TASK, prompt: { id: 'p', kind: 'password', target: 'a@h', message: 'Password' } })).toThrow(/prompt\.secret/);
    expect(() => t.emit('task:log', { taskId: TASK, line: 'a@h: == connect' })).not.toThrow();
  });
});
