import { AppError } from '../../src-main/shared/contract/errors';
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

/** A pinned certificate that no longer matches: "Pinned: X. Presented now: Y." (see services/portainer/errors.ts). */
export interface TlsChange {
  pinned: string;
  presented: string;
  message: string;
}

export function tlsChangeOf(err: { message: string; field?: string } | undefined | null): TlsChange | undefined {
  if (!err) return undefined;
  const m = /Pinned: ([0-9A-Fa-f:]+)\.?\s+Presented now: ([0-9A-Fa-f:]+)/.exec(err.message);
  if (!m) return undefined;
  return { pinned: m[1]!, presented: m[2]!, message: err.message };
}
