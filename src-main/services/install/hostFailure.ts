import { AppError } from '../../shared/contract/errors';
import type { FailureReason } from '../../shared/domain/failures';
import type { Diagnosis } from './logSignatures';

/** A host-level failure with its code (shared/domain/failures.ts); an agent-log diagnosis's fix wins over the generic one. */
export class HostFailure extends AppError {
  constructor(
    message: string,
    readonly diagnoses?: Diagnosis[],
    reason: FailureReason = 'remote-command',
  ) {
    super('unavailable', message, undefined, { reason, ...(diagnoses?.[0] ? { fix: diagnoses[0].fix } : {}) });
  }
}
