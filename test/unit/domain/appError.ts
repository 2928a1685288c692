import { expect } from 'vitest';
import { AppError } from '../../../src-main/shared/contract/errors';

/** The AppError `fn` throws; fails the test when it throws something else or nothing. */
export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an error');
}
