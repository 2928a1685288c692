import { FAILURE_FIXES, failure as failureFor, isFailureReason, type Failure, type FailureReason } from '../domain/failures';

/**
 * The error shape that crosses every boundary (IPC, web bridge, CLI).
 * `field` names the input a user must fix, so forms can show the message inline.
 * `reason` and `fix`, when set, say why in a stable code and what to do (shared/domain/failures.ts).
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'timeout'
  | 'cancelled'
  | 'unsupported'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  field?: string;
  reason?: FailureReason;
  fix?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly reason?: FailureReason;
  readonly fix?: string;

  constructor(code: ErrorCode, message: string, field?: string, failure?: Partial<Failure>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (failure?.reason !== undefined) {
      this.reason = failure.reason;
      this.fix = failure.fix ?? FAILURE_FIXES[failure.reason];
    } else if (failure?.fix !== undefined) this.fix = failure.fix;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.field !== undefined) info.field = this.field;
    if (this.reason !== undefined) info.reason = this.reason;
    if (this.fix !== undefined) info.fix = this.fix;
    return info;
  }
}

/** The failure an error stands for: its own reason and fix, 'cancelled' for a cancel, else 'unknown'. */
export function failureOf(e: unknown): Failure {
  if (e instanceof AppError && e.reason) return failureFor(e.reason, e.fix);
  if (e instanceof AppError && e.code === 'cancelled') return failureFor('cancelled');
  return failureFor('unknown');
}

/** Shorthand for the commonest case: a user input that must be corrected. */
export function invalidInput(field: string, message: string): AppError {
  return new AppError('invalid_input', message, field);
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorInfo };

/** Turns an error envelope back into a typed AppError, or returns the data. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.data;
  const { code, message, field, reason, fix } = envelope.error;
  throw new AppError(code, message, field, { ...(isFailureReason(reason) ? { reason } : {}), ...(fix !== undefined ? { fix } : {}) });
}
