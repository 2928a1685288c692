import { notifications } from '@mantine/notifications';
import { AppError } from '../../src-main/shared/contract/errors';

/** Shows a failed call as a notification. The message already says what to do. */
export function notifyError(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  notifications.show({
    color: 'red',
    title,
    message,
    autoClose: err instanceof AppError && err.code === 'invalid_input' ? 6000 : 10_000,
  });
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
export const errorField = (err: unknown): string | undefined => (err instanceof AppError ? err.field : undefined);
