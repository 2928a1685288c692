/**
 * The error shape that crosses every boundary (IPC, web bridge, CLI).
 * `field` names the input a user must fix, so forms can show the message inline.
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
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }

  toInfo(): ErrorInfo {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Shorthand for the commonest case: a user input that must be corrected. */
export function invalidInput(field: string, message: string): AppError {
  return new AppError('invalid_input', message, field);
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorInfo };

/** Turns an error envelope back into a typed AppError, or returns the data. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.data;
  throw new AppError(envelope.error.code, envelope.error.message, envelope.error.field);
}
