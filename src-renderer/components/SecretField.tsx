import { PasswordInput } from '@mantine/core';
import { CopyIconButton } from './CopyIconButton';

/**
 * A read-only secret, hidden until revealed, with a copy button.
 * PasswordInput owns its right section (the reveal toggle), so the copy button sits on the left.
 */
export function SecretField({ label, value, description, testId }: { label: string; value: string | undefined; description?: string; testId?: string }) {
  const text = value ?? '';
  return (
    <PasswordInput
      label={label}
      description={description}
      value={text}
      placeholder="—"
      readOnly
      data-testid={testId}
      visibilityToggleButtonProps={{ 'aria-label': `Show or hide ${label.toLowerCase()}` }}
      leftSection={<CopyIconButton value={text} label={`Copy ${label.toLowerCase()}`} />}
      leftSectionPointerEvents="all"
    />
  );
}
