/**
 * A host-key question left open against a real OpenSSH sshd (issue #11, item 1): time spent
 * deciding is not the host's silence, a host that gives up waiting (its LoginGraceTime) ends the
 * question with "not answered in time", and the late answer is ignored without ending the process.
 * A second target that accepts TCP but never speaks SSH (an "unreachable" host) runs in the same
 * fleet run; its own handshake budget still expires.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection } from '../../../src-main/services/ssh/connection';
import { AppKnownHosts, HostKeyDatabase } from '../../../src-main/services/ssh/knownHosts';
import type { HostKeyAnswer, Prompter, PromptOptions } from '../../../src-main/services/ssh/prompter';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { NO_SERVER, runFleetInstall } from '../../../src-main/services/install/fleetInstall';
import { TaskManager, type TaskEvent } from '../../../src-main/services/tasks/taskManager';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { startLateAnswerBed, type LateAnswerBed } from '../../fixtures/ssh/lateAnswerBed';

const GRACE_S = 2;
const BUDGET_MS = 1000;

let bed: LateAnswerBed;
const open: SshConnection[] = [];

/** Anything the process would die of (Node's default for an unhandled rejection) lands here instead. */
const fatal: unknown[] = [];
const onFatal = (e: unknown) => fatal.push(e);

// patient: the default LoginGraceTime (120 s); impatient: gives up while the question is still open.
beforeAll(async () => {
  bed = await startLateAnswerBed({ patientGraceS: 120, impatientGraceS: GRACE_S });
}, 60_000);

afterAll(async () => {
  for (const c of open) c.close();
  await bed?.stop();
});

beforeEach(() => {
  fatal.length = 0;
  process.on('unhandledRejection', onFatal);
  process.on('uncaughtException', onFatal);
});
afterEach(() => {
  process.off('unhandledRejection', onFatal);
  process.off('uncaughtException', onFatal);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers the host-key question after `delayMs`, and records whether the question was withdrawn first. */
function slowPrompter(delayMs: number, answer: HostKeyAnswer): Prompter & { asked: number; withdrawnBeforeAnswer: boolean } {
  const p = {
    asked: 0,
    withdrawnBeforeAnswer: false,
    hostKey: async (_q: unknown, o?: PromptOptions) => {
      p.asked++;
      await sleep(delayMs);
      p.withdrawnBeforeAnswer = o?.withdrawn?.aborted === true;
      return answer;
    },
    secret: async () => undefined,
    confirm: async () => false,
  };
  return p;
}

const fresh = () => new HostKeyDatabase({ app: new AppKnownHosts(new MemoryStore()) });

describe('a host-key question answered late (real sshd)', () => {
  it('time spent in the prompt does not count as the host being silent: an answer after the handshake budget still connects', async () => {
    const prompter = slowPrompter(BUDGET_MS * 2.5, 'once');
    const started = Date.now();
    const c = await connectSsh({
      endpoint: { host: '127.0.0.1', port: bed.patient.port, user: bed.users.key.name },
      auth: { agentSocket: null, identityFiles: [bed.key.path] },
      prompter,
      hostKeys: fresh(),
      hostKeyPolicy: 'ask',
      timeoutMs: BUDGET_MS,
    });
    open.push(c);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUDGET_MS * 2.5);
    expect((await c.exec('id -un')).stdout.trim()).toBe(bed.users.key.name);
    expect(prompter.asked).toBe(1);
    c.close();
    expect(fatal).toEqual([]);
  }, 30_000);

  it('a host that stops waiting ends the question "not answered in time"; the late answer is ignored and nothing is remembered', async () => {
    const prompter = slowPrompter((GRACE_S + 2) * 1000, 'remember');
    const hostKeys = fresh();
    const lines: string[] = [];
    const err = await connectSsh({
      endpoint: { host: '127.0.0.1', port: bed.impatient.port, user: bed.users.key.name },
      auth: { agentSocket: null, identityFiles: [bed.key.path] },
      prompter,
      hostKeys,
      hostKeyPolicy: 'ask',
      timeoutMs: BUDGET_MS,
      log: (l) => lines.push(l),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/host-key question for .* was not answered in time/);
    expect(err?.message).not.toMatch(/did not answer|Timed out connecting/);
    // Let the late answer arrive, on a connection that no longer exists.
    await sleep((GRACE_S + 3) * 1000 - BUDGET_MS);
    expect(prompter.withdrawnBeforeAnswer).toBe(true);
    expect(hostKeys.app.all()).toEqual({});
    expect(fatal).toEqual([]);
  }, 30_000);

  it('in a fleet run beside a silent host: the prompt is shown, the silent host times out, the question is withdrawn when sshd gives up, a late answer is refused, the process lives on', async () => {
    const events: TaskEvent[] = [];
    const tasks = new TaskManager({ emit: (e) => events.push(e) });
    const keyTarget = `${bed.users.key.name}@127.0.0.1:${bed.impatient.port}`;
    const silentTarget = `${bed.users.key.name}@127.0.0.1:${bed.silentPort}`;
    let summary: Awaited<ReturnType<typeof runFleetInstall>> | undefined;
    const taskId = tasks.create('ssh:install', 'Test the connection to 2 hosts', async (ctx) => {
      summary = await runFleetInstall(
        fleetTestOptions(
          { root: bed.root, users: bed.users, keyPath: bed.key.path, server: NO_SERVER },
          { targets: [keyTarget, silentTarget], prompter: ctx.prompter, redactor: ctx.redactor, hostKeyPolicy: 'ask', mode: 'connect', connectTimeoutMs: BUDGET_MS, signal: ctx.signal },
        ),
      );
      return summary;
    });
    // The question reaches the UI.
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.name === 'task:prompt') && Date.now() < deadline) await sleep(50);
    const prompt = events.find((e): e is Extract<TaskEvent, { name: 'task:prompt' }> => e.name === 'task:prompt');
    expect(prompt?.payload.prompt).toMatchObject({ kind: 'host-key', target: keyTarget });
    // Nobody answers; sshd's LoginGraceTime ends the wait and the question is taken away.
    while (tasks.get(taskId).status === 'running' && Date.now() < deadline + 10_000) await sleep(100);
    expect(tasks.get(taskId).status).toBe('succeeded');
    expect(tasks.get(taskId).pendingPrompts).toEqual([]);
    // The late answer: refused with a message, not applied, and nothing crashes.
    expect(() => tasks.answer(taskId, prompt!.payload.prompt.id, 'remember')).toThrow(/already answered or withdrawn/);
    const [k, s] = summary!.hosts;
    expect(k!.status).toBe('failed');
    expect(k!.reason).toMatch(/host-key question for .* was not answered in time/);
    expect(s!.status).toBe('failed');
    expect(s!.reason).toMatch(/did not complete the SSH handshake within 1 s/);
    await sleep(500);
    expect(fatal).toEqual([]);
  }, 40_000);
});
