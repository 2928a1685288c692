import { SegmentedControl, Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props<T extends string> {
  /** The label's element id (the control is aria-labelledby it). */
  id: string;
  label: string;
  /** A dimmed line under the label. */
  hint?: ReactNode;
  data: ReadonlyArray<{ value: T; label: string }>;
  value: T;
  onChange(value: T): void;
  /** A message under the control (an AppError naming this field). */
  error?: ReactNode;
  'data-testid'?: string;
}

/** A few mutually exclusive choices with a visible label that names them for screen readers too. */
export function LabelledChoice<T extends string>({ id, label, hint, data, value, onChange, error, ...rest }: Props<T>) {
  return (
    <div>
      <Text size="sm" fw={500} mb={hint ? 0 : 4} id={id}>
        {label}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed" mb={6}>
          {hint}
        </Text>
      ) : null}
      <SegmentedControl aria-labelledby={id} data={[...data]} value={value} onChange={(v) => onChange(v as T)} data-testid={rest['data-testid']} />
      {error ? (
        <Text size="xs" c="red" mt={4}>
          {error}
        </Text>
      ) : null}
    </div>
  );
}
