import { AppError, type PinMismatch } from '../../src-main/shared/contract/errors';
import { notifyError } from './notify';

/**
 * Routes a failed call to the form: an AppError naming one of `fields` goes inline on that field
 * (returned as {field: message}); anything else becomes a notification titled `title`.
 */
export function routeError(err: unknown, fields: readonly string[], title: string): Record<string, string> {
  if (err instanceof AppError && err.field) {
    const top = err.field.split('.')[0]!;
    const hit = fields.includes(err.field) ? err.field : fields.includes(top) ? top : undefined;
    if (hit) return { [hit]: err.message };
  }
  notifyError(title, err);
  return {};
}

/** A pinned certificate that no longer matches: main sends both fingerprints (AppError.pinMismatch, services/portainer/errors.ts). */
export interface TlsChange extends PinMismatch {
  message: string;
}

export function tlsChangeOf(err: { message: string; pinMismatch?: PinMismatch } | undefined | null): TlsChange | undefined {
  if (!err?.pinMismatch) return undefined;
  return { pinned: err.pinMismatch.pinned, presented: err.pinMismatch.presented, message: err.message };
}
