import { FAILURE_FIXES, failure as failureFor, isFailureReason, type Failure, type FailureReason } from '../domain/failures';

/**
 * The error shape that crosses every boundary (IPC, web bridge, CLI).
 * `field` names the input a user must fix, so forms can show the message inline.
 * `reason` and `fix`, when set, say why in a stable code and what to do (shared/domain/failures.ts).
 * `created`, when set, names what the failed call had created before it failed (still on the
 * server), so a form can say so without reading the message (see withCreated). `pinMismatch`, when
 * set, holds both fingerprints of a pinned server that presented another certificate.
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
  created?: string[];
  pinMismatch?: PinMismatch;
}

/** SHA-256 fingerprints (AA:BB:…) of the pinned certificate and of the one the server presented. */
export interface PinMismatch {
  pinned: string;
  presented: string;
}

/** The structured parts of an error besides its code, message and field. */
export type ErrorDetails = Partial<Failure> & { created?: string[]; pinMismatch?: PinMismatch };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly reason?: FailureReason;
  readonly fix?: string;
  readonly created?: string[];
  readonly pinMismatch?: PinMismatch;

  constructor(code: ErrorCode, message: string, field?: string, failure?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (failure?.reason !== undefined) {
      this.reason = failure.reason;
      this.fix = failure.fix ?? FAILURE_FIXES[failure.reason];
    } else if (failure?.fix !== undefined) this.fix = failure.fix;
    if (failure?.created?.length) this.created = [...failure.created];
    if (failure?.pinMismatch) this.pinMismatch = { pinned: failure.pinMismatch.pinned, presented: failure.pinMismatch.presented };
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.field !== undefined) info.field = this.field;
    if (this.reason !== undefined) info.reason = this.reason;
    if (this.fix !== undefined) info.fix = this.fix;
    if (this.created !== undefined) info.created = this.created;
    if (this.pinMismatch !== undefined) info.pinMismatch = this.pinMismatch;
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
  const { code, message, field, reason, fix, created, pinMismatch } = envelope.error;
  throw new AppError(code, message, field, { ...(isFailureReason(reason) ? { reason } : {}), ...(fix !== undefined ? { fix } : {}), ...(created?.length ? { created } : {}), ...(pinMismatch ? { pinMismatch } : {}) });
}

/** The sentence withCreated adds to a message: what is still on the server. */
export function createdSentence(created: readonly string[]): string {
  return `Created before this failure (still on the server): ${created.join(', ')}.`;
}

/**
 * `e` as an AppError that names what the call created before it failed (`group "Shops"`, `tag
 * "berlin"`): in its message for the CLI and logs, and in `created` for forms. No change when
 * nothing was created.
 */
export function withCreated(e: unknown, created: readonly string[]): unknown {
  if (!created.length) return e;
  const base = e instanceof AppError ? e : new AppError('internal', e instanceof Error ? e.message : String(e));
  const details: ErrorDetails = { created: [...created], ...(base.reason ? { reason: base.reason } : {}), ...(base.fix !== undefined ? { fix: base.fix } : {}), ...(base.pinMismatch ? { pinMismatch: base.pinMismatch } : {}) };
  return new AppError(base.code, `${base.message} ${createdSentence(created)}`, base.field, details);
}
