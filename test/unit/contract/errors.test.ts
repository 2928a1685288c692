import { describe, expect, it } from 'vitest';
import { AppError, unwrap, withCreated } from '../../../src-main/shared/contract/errors';

describe('withCreated: what a failed call left on the server', () => {
  it('adds the list to the message and to `created`, keeping code, field, reason and fix', () => {
    const e = withCreated(new AppError('unavailable', 'The server did not answer.', 'name', { reason: 'server' }), ['group "G" (ID 3)', 'tag "t" (ID 4)']) as AppError;
    expect(e).toBeInstanceOf(AppError);
    expect(e.message).toBe('The server did not answer. Created before this failure (still on the server): group "G" (ID 3), tag "t" (ID 4).');
    expect([e.code, e.field, e.reason, e.created]).toEqual(['unavailable', 'name', 'server', ['group "G" (ID 3)', 'tag "t" (ID 4)']]);
    expect(e.fix).toMatch(/Portainer server refused/);
  });

  it('leaves the error alone when nothing was created; wraps a plain Error as internal otherwise', () => {
    const plain = new Error('socket hang up');
    expect(withCreated(plain, [])).toBe(plain);
    const e = withCreated(plain, ['tag "t" (ID 4)']) as AppError;
    expect([e.code, e.message, e.created]).toEqual(['internal', 'socket hang up Created before this failure (still on the server): tag "t" (ID 4).', ['tag "t" (ID 4)']]);
  });

  it('`created` crosses the envelope (toInfo, then unwrap on the other side)', () => {
    const info = (withCreated(new AppError('conflict', 'x', 'name'), ['group "G" (ID 3)']) as AppError).toInfo();
    expect(info.created).toEqual(['group "G" (ID 3)']);
    expect(() => unwrap({ ok: false, error: info })).toThrow(expect.objectContaining({ created: ['group "G" (ID 3)'], field: 'name' }));
  });
});
