import { describe, expect, it } from 'vitest';
import { pollFlag } from '../../../src-main/cli/flags';
import { parseDevicesCsv } from '../../../src-main/services/prestage/devicesCsv';
import { POLL_MAX_SECONDS, POLL_RULE_TEXT, parsePollText, pollIntervalProblem } from '../../../src-main/shared/domain/pollInterval';
import { sshInstallRequest } from '../../../src-main/shared/schemas/install';
import { environmentsCreateRequest, environmentsUpdateRequest } from '../../../src-main/shared/schemas/portainer';
import { resetInstall, useInstall, validate } from '../../../src-renderer/features/install/installStore';

// Issue #11 item 11: the poll interval had four limits (add form ≤ 1 day, install page 1–3600
// clamped silently, CLI --poll 0 silently 5 s and 99999 accepted, CSV 0–604800). Now one rule
// in the core, one message, nothing clamped.
describe('the poll interval rule', () => {
  it('is 0 (server default) or 1 to a week, whole seconds', () => {
    expect(POLL_MAX_SECONDS).toBe(604_800);
    for (const ok of [0, 1, 5, 3600, 7200, 86_400, 604_800]) expect(pollIntervalProblem(ok)).toBeUndefined();
    for (const bad of [-1, 1.5, 604_801, 99_999_999, Number.NaN]) expect(pollIntervalProblem(bad)).toContain(POLL_RULE_TEXT);
    expect(parsePollText('30 s')).toEqual({ seconds: 30 });
    expect(parsePollText('soon')).toEqual({ problem: `The poll interval is ${POLL_RULE_TEXT}; "soon" is not.` });
  });

  it('is the same in every place that takes one, with the same words', () => {
    const week = POLL_MAX_SECONDS + 1;
    const messageOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;
    // Add and edit (environments:create / update).
    expect(messageOf(environmentsCreateRequest.safeParse({ name: 'a', pollSeconds: week }))).toBe(pollIntervalProblem(week));
    expect(messageOf(environmentsUpdateRequest.safeParse({ id: 1, pollSeconds: week }))).toBe(pollIntervalProblem(week));
    // The install request took 1–3600 only: 7200 is a valid interval everywhere else.
    const install = (pollSeconds: number) =>
      sshInstallRequest.safeParse({ environment: { mode: 'create', pollSeconds }, platform: 'standalone', targets: ['u@h'] });
    expect(install(7200).success).toBe(true);
    expect(messageOf(install(week))).toBe(pollIntervalProblem(week));
    // The install page refuses instead of clamping.
    resetInstall();
    const form = { ...useInstall.getState().form, envMode: 'create' as const };
    expect(validate({ ...form, pollSeconds: 99_999_999 }, ['u@h']).pollSeconds).toBe(pollIntervalProblem(99_999_999));
    expect(validate({ ...form, pollSeconds: 7200 }, ['u@h']).pollSeconds).toBeUndefined();
    // The CLI: --poll 0 is the server default, said so; 99999999 is refused naming the flag.
    expect(pollFlag('0', '--poll')).toBe(0);
    expect(() => pollFlag('99999999', '--poll')).toThrow(`--poll is ${POLL_RULE_TEXT}; 99999999 is not.`);
    // The devices CSV.
    const csv = parseDevicesCsv(`name,poll\ndev-1,${week}\ndev-2,7200\n`);
    expect(csv.errors[0]?.message).toContain(POLL_RULE_TEXT);
    expect(csv.rows.find((r) => r.name === 'dev-2')?.poll).toBe(7200);
  });
});
