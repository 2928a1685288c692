import { describe, expect, it } from 'vitest';
import { AppError, failureOf, unwrap, type Envelope } from '../../../src-main/shared/contract/errors';
import { FAILURE_FIXES, FAILURE_REASONS, failure, isFailureReason } from '../../../src-main/shared/domain/failures';

describe('failure codes', () => {
  it('every code has a fix that says what to do', () => {
    for (const r of FAILURE_REASONS) expect(FAILURE_FIXES[r].length, r).toBeGreaterThan(40);
    expect(new Set(FAILURE_REASONS.map((r) => FAILURE_FIXES[r])).size).toBe(FAILURE_REASONS.length);
  });
  it('failure() takes the catalogue fix unless one is given', () => {
    expect(failure('dns')).toEqual({ reason: 'dns', fix: FAILURE_FIXES.dns });
    expect(failure('preflight', 'Open port 8000.')).toEqual({ reason: 'preflight', fix: 'Open port 8000.' });
    expect(isFailureReason('ssh-refused')).toBe(true);
    expect(isFailureReason('connection refused')).toBe(false);
  });
});

describe('errors carry their code and fix across the boundary', () => {
  it('toInfo → envelope → unwrap gives back the same reason and fix', () => {
    const e = new AppError('unavailable', 'Could not connect to h: whatever the words', undefined, { reason: 'ssh-refused' });
    const info = e.toInfo();
    expect(info).toEqual({ code: 'unavailable', message: 'Could not connect to h: whatever the words', reason: 'ssh-refused', fix: FAILURE_FIXES['ssh-refused'] });
    const env: Envelope<never> = { ok: false, error: info };
    let back: unknown;
    try {
      unwrap(env);
    } catch (err) {
      back = err;
    }
    expect(back).toBeInstanceOf(AppError);
    expect(back).toMatchObject({ reason: 'ssh-refused', fix: FAILURE_FIXES['ssh-refused'] });
  });
  it('an unknown code from the wire is dropped, not trusted', () => {
    expect(() => unwrap({ ok: false, error: { code: 'internal', message: 'x', reason: 'made-up' as never } })).toThrow(expect.objectContaining({ reason: undefined }));
  });
  it('failureOf: the error\'s own code, cancelled for a cancel, else unknown', () => {
    expect(failureOf(new AppError('forbidden', 'x', 'hostKey', { reason: 'host-key-changed', fix: 'Check it.' }))).toEqual({ reason: 'host-key-changed', fix: 'Check it.' });
    expect(failureOf(new AppError('cancelled', 'Cancelled.')).reason).toBe('cancelled');
    expect(failureOf(new Error('connection refused')).reason).toBe('unknown');
  });
});
