import { describe, expect, it } from 'vitest';
import { parseDevicesCsv } from '../../../src-main/services/prestage/devicesCsv';
import { createLogger } from '../../../src-main/services/logging/logger';
import { createDispatcher, type Handlers } from '../../../src-main/services/rpc/dispatcher';
import { callNames } from '../../../src-main/shared/contract/calls';
import { NAME_MAX_LENGTH, NAME_RULE_TEXT, nameProblem } from '../../../src-main/shared/domain/names';
import { environmentsCreateRequest, environmentsUpdateRequest } from '../../../src-main/shared/schemas/portainer';

// Issue #11 item 13: over the limit the raw schema text showed ("Too big: expected string to have
// <=256 characters"). Now one rule in the core says the limit in words, wherever a name is typed.
describe('the name rule', () => {
  const long = 'n'.repeat(NAME_MAX_LENGTH + 1);

  it('says the limit in words and how long the name is', () => {
    expect(NAME_RULE_TEXT).toBe('at most 256 characters');
    expect(nameProblem('edge-1')).toBeUndefined();
    expect(nameProblem(`  ${'n'.repeat(NAME_MAX_LENGTH)}  `)).toBeUndefined();
    expect(nameProblem(long)).toBe('Name: at most 256 characters; this one has 257. Shorten it.');
    expect(nameProblem('   ')).toBe('Name is required.');
  });

  it('is what the contract answers, with no schema jargon and no path in front', async () => {
    const messageOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;
    expect(messageOf(environmentsCreateRequest.safeParse({ name: long }))).toBe(nameProblem(long));
    expect(messageOf(environmentsUpdateRequest.safeParse({ id: 1, name: long }))).toBe(nameProblem(long));
    expect(messageOf(environmentsCreateRequest.safeParse({ name: 'ok', tagNames: [long] }))).toBe(nameProblem(long, 'Tag name'));
    const handlers = Object.fromEntries(callNames.map((n) => [n, () => ({})])) as unknown as Handlers;
    const d = createDispatcher(handlers, createLogger({ sink: () => {} }));
    const r = await d.invoke('environments:create', { name: long });
    expect(r).toEqual({ ok: false, error: { code: 'invalid_input', field: 'name', message: 'Name: at most 256 characters; this one has 257. Shorten it.' } });
    expect(JSON.stringify(r)).not.toMatch(/Too big|<=/);
  });

  it('is the devices CSV limit too', () => {
    const plan = parseDevicesCsv(`name\n${long}\n`);
    const text = JSON.stringify(plan);
    expect(text).toContain(NAME_RULE_TEXT);
    expect(text).toContain('257 characters');
  });
});
