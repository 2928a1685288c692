import { TextInput } from '@mantine/core';
import { CopyIconButton } from './CopyIconButton';

/** A read-only value with a copy button (URLs, addresses, fingerprints, keys). */
export function CopyField({ label, value, description, testId }: { label: string; value: string | undefined; description?: string; testId?: string }) {
  const text = value ?? '';
  return (
    <TextInput
      label={label}
      description={description}
      value={text}
      placeholder="—"
      readOnly
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      data-testid={testId}
      rightSection={<CopyIconButton value={text} label={`Copy ${label.toLowerCase()}`} />}
    />
  );
}
