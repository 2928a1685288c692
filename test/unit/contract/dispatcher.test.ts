import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../src-main/services/rpc/dispatcher';
import { AppError, invalidInput, unwrap } from '../../../src-main/shared/contract/errors';
import { createRawApi } from '../../../src-main/shared/contract/client';
import { callNames } from '../../../src-main/shared/contract/calls';
import { createLogger } from '../../../src-main/services/logging/logger';

// Handlers for every call: each records that it ran; a few misbehave on purpose.
function handlers(log: string[]): Handlers {
  const all = Object.fromEntries(callNames.map((name) => [name, () => { log.push(name); return {}; }])) as unknown as Handlers;
  all['key:decode'] = ({ key }) => {
    if (key === 'boom') throw new Error('secret internals');
    throw invalidInput('edgeKey', 'not a key');
  };
  return all;
}

describe('dispatcher', () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => lines.push(l) });

  it('validates before the handler runs and names the field', async () => {
    const ran: string[] = [];
    const d = createDispatcher(handlers(ran), logger);
    const r = await d.invoke('key:encode', { portainerUrl: 'https://p', tunnelAddress: 'p:8000', tunnelFingerprint: '', environmentId: -1 });
    expect(r).toEqual({ ok: false, error: { code: 'invalid_input', field: 'environmentId', message: 'environmentId: The environment ID cannot be negative.' } });
    expect(ran).toEqual([]);
  });

  it('refuses unknown calls and extra fields on strict requests', async () => {
    const d = createDispatcher(handlers([]), logger);
    expect(await d.invoke('fs:read', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await d.invoke('app:info', { sneaky: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('turns AppErrors into envelopes and hides unexpected errors behind a generic message', async () => {
    const d = createDispatcher(handlers([]), logger);
    expect(await d.invoke('key:decode', { key: 'x' })).toEqual({ ok: false, error: { code: 'invalid_input', field: 'edgeKey', message: 'not a key' } });
    const r = await d.invoke('key:decode', { key: 'boom' });
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain('secret internals');
    expect(lines.join('\n')).toContain('secret internals');
  });

  it('drives a namespaced, frozen client whose errors unwrap to AppError with the field', async () => {
    const d = createDispatcher(handlers([]), logger);
    const api = createRawApi({ invoke: (c, p) => d.invoke(c, p), subscribe: () => () => undefined });
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.key)).toBe(true);
    const envelope = await api.key.decode({ key: 'x' });
    const thrown = (() => {
      try {
        unwrap(envelope);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).field).toBe('edgeKey');
  });
});
