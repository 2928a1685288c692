import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS, plan, type Values } from '../../../src-main/cli/commands/install/options';
import { failWithAgentLogs } from '../../../src-main/services/install/agentLogs';
import { dockerStrategy } from '../../../src-main/services/install/dockerStrategy';
import { HostFailure } from '../../../src-main/services/install/hostFailure';
import type { SshForVerify } from '../../../src-main/services/install/sshForVerify';
import type { HostContext } from '../../../src-main/services/install/strategy';
import { Redactor } from '../../../src-main/services/logging/redact';
import { CHECKIN_WAIT_RULE_TEXT, checkinWaitProblem, defaultCheckinWaitSeconds, parseCheckinWaitText } from '../../../src-main/shared/domain/checkinWait';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { FAILURE_FIXES } from '../../../src-main/shared/domain/failures';
import { sshInstallRequest } from '../../../src-main/shared/schemas/install';
import { runOptionsSchema } from '../../../src-main/shared/schemas/run';
import { buildRequest, resetInstall, useInstall, validate } from '../../../src-renderer/features/install/installStore';

const dir = mkdtempSync(join(tmpdir(), 'edt-checkin-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Issue #14 item 5: the check-in wait was fixed at 2 × interval + 35 s, with no way for a user to
// give a slow host longer. One rule in the core, the same words in the CLI, the call and the form.
describe('the check-in wait rule', () => {
  it('is whole seconds from 10 to a day; the default is 2 × interval + 35 s', () => {
    expect(CHECKIN_WAIT_RULE_TEXT).toBe('whole seconds from 10 to 86,400 (a day)');
    for (const ok of [10, 45, 120, 3600, 86_400]) expect(checkinWaitProblem(ok)).toBeUndefined();
    for (const bad of [0, 9, 10.5, 86_401, -5, Number.NaN]) expect(checkinWaitProblem(bad)).toContain(CHECKIN_WAIT_RULE_TEXT);
    expect(checkinWaitProblem(5, '--checkin-timeout')).toBe('--checkin-timeout is whole seconds from 10 to 86,400 (a day); 5 is not.');
    expect(parseCheckinWaitText('120 s')).toEqual({ seconds: 120 });
    expect(parseCheckinWaitText('2m')).toEqual({ problem: `The check-in wait is ${CHECKIN_WAIT_RULE_TEXT}; "2m" is not.` });
    expect(defaultCheckinWaitSeconds(5)).toBe(45);
    expect(defaultCheckinWaitSeconds(3600)).toBe(7235);
  });

  it('the ssh:install call and the run options refuse what the rule refuses, with its words', () => {
    const req = (checkinTimeoutSeconds: number) => sshInstallRequest.safeParse({ environment: { mode: 'create' }, platform: 'standalone', targets: ['u@h'], checkinTimeoutSeconds });
    expect(req(120).success).toBe(true);
    const bad = req(100_000);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['checkinTimeoutSeconds'], message: checkinWaitProblem(100_000) });
    expect(runOptionsSchema.safeParse({ checkinTimeoutSeconds: 120 }).success).toBe(true);
    expect(runOptionsSchema.safeParse({ checkinTimeoutSeconds: 3 }).success).toBe(false);
  });
});

describe('edgedeck install --checkin-timeout', () => {
  const values = (extra: Partial<Values>): Values => ({ ...Object.fromEntries(Object.entries(OPTIONS).filter(([, v]) => 'default' in v).map(([k, v]) => [k, (v as { default: unknown }).default])), ...extra }) as Values;
  const fresh = { platform: 'standalone', create: true, target: ['a@b'], data: dir };

  it('goes into the plan; absent, the plan leaves the default to the installer', () => {
    expect(plan(values({ ...fresh, 'checkin-timeout': '180' })).checkinTimeoutS).toBe(180);
    expect(plan(values(fresh)).checkinTimeoutS).toBeUndefined();
  });

  it('a value outside the rule is refused naming the flag and the range, never clamped', () => {
    for (const v of ['5', '86401', '2m', '-1']) {
      expect(() => plan(values({ ...fresh, 'checkin-timeout': v }))).toThrow(/--checkin-timeout is whole seconds from 10 to 86,400 \(a day\)/);
    }
  });

  it('a resumed run keeps the run’s wait unless given again', () => {
    const runsDir = join(dir, 'runs');
    mkdirSync(join(runsDir, 'r1'), { recursive: true });
    const now = new Date().toISOString();
    const counts = { pending: 0, running: 0, succeeded: 0, unchanged: 0, failed: 1, cancelled: 0, skipped: 0 };
    const options = { platform: 'standalone', insecurePoll: true, environment: { mode: 'create', nameTemplate: '{host}' }, mode: 'install', checkinTimeoutSeconds: 150 };
    writeFileSync(join(runsDir, 'r1', 'summary.json'), JSON.stringify({ runId: 'r1', createdAt: now, updatedAt: now, finished: true, options, hosts: [{ target: 'a@b', status: 'failed', attempts: 1 }], counts }));
    expect(plan(values({ resume: 'r1', 'runs-dir': runsDir, data: dir })).checkinTimeoutS).toBe(150);
    expect(plan(values({ resume: 'r1', 'runs-dir': runsDir, data: dir, 'checkin-timeout': '300' })).checkinTimeoutS).toBe(300);
  });
});

describe('the Install screen’s check-in wait', () => {
  it('is checked by the same rule and sent as checkinTimeoutSeconds; empty sends nothing', () => {
    resetInstall();
    const form = useInstall.getState().form;
    expect(form.checkinTimeout).toBeUndefined();
    expect(buildRequest(form, ['u@h'])).not.toHaveProperty('checkinTimeoutSeconds');
    expect(validate({ ...form, checkinTimeout: 5 }, ['u@h']).checkinTimeout).toBe(checkinWaitProblem(5));
    expect(validate({ ...form, checkinTimeout: 120 }, ['u@h']).checkinTimeout).toBeUndefined();
    expect(buildRequest({ ...form, checkinTimeout: 120 }, ['u@h']).checkinTimeoutSeconds).toBe(120);
  });
});

describe('a check-in wait that ran out', () => {
  const key = encodeEdgeKey({ portainerUrl: 'https://portainer.example:9443', tunnelAddress: 'portainer.example:8000', tunnelFingerprint: 'aa:bb', environmentId: 7 });
  const notes: string[] = [];
  const h = (platform: 'standalone' | 'swarm') =>
    ({ o: { redactor: new Redactor() }, plan: { edgeKey: key, platform }, t: { note: (l: string) => notes.push(l) }, runtime: 'docker', names: { agent: 'portainer_edge_agent' } }) as unknown as HostContext;
  /** The host answers the logs command with `logs` and the running probe with `state`. */
  const ssh = (logs: string, state: string): SshForVerify =>
    ({ withHost: (fn: (host: unknown) => Promise<unknown>) => fn({ run: async (cmd: string) => ({ code: 0, stdout: / logs /.test(cmd) ? logs : state, stderr: '' }) }) }) as unknown as SshForVerify;
  const fail = async (platform: 'standalone' | 'swarm', state: string): Promise<HostFailure> => {
    const hc = h(platform);
    const s = dockerStrategy(platform);
    const probe = s.runningProbe!(hc);
    const e = await failWithAgentLogs(hc, ssh('2026-12-03T10:00:00Z start delayed 40 s\n', state), s.logsCommand(hc), 'no check-in within 45 s', 'no-checkin', { ...probe, why: 'the agent container is running but had not checked in after 45 s', reason: 'checkin-wait' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostFailure);
    return e as HostFailure;
  };

  it('with the container running: says so, and the fix names the option', async () => {
    const e = await fail('standalone', 'true\n');
    expect(e.message).toBe('the agent container is running but had not checked in after 45 s. Last log line: 2026-12-03T10:00:00Z start delayed 40 s');
    expect(e.toInfo()).toMatchObject({ reason: 'checkin-wait', fix: FAILURE_FIXES['checkin-wait'] });
    expect(FAILURE_FIXES['checkin-wait']).toMatch(/--checkin-timeout SECONDS.*Check-in wait/);
  });

  it('with the container stopped (or gone): the plain no-check-in failure', async () => {
    for (const state of ['false\n', '']) {
      const e = await fail('standalone', state);
      expect(e.message).toMatch(/^no check-in within 45 s\./);
      expect(e.toInfo().reason).toBe('no-checkin');
    }
  });

  it('Swarm: a running task counts as running', async () => {
    expect((await fail('swarm', 'Running 12 seconds ago\n')).toInfo().reason).toBe('checkin-wait');
    expect((await fail('swarm', 'Preparing 2 seconds ago\n')).toInfo().reason).toBe('no-checkin');
  });
});
