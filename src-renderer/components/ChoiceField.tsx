import { Input, SegmentedControl } from '@mantine/core';

export interface Choice<T extends string> {
  value: T;
  label: string;
}

/**
 * A labelled one-of-few choice: Mantine's SegmentedControl has no label or error of its own, so
 * Input.Wrapper gives it both, and the label doubles as its accessible name.
 */
export function ChoiceField<T extends string>(props: { label: string; data: Choice<T>[]; value: T; onChange: (value: T) => void; error?: string }) {
  return (
    <Input.Wrapper label={props.label} error={props.error}>
      {/* The div keeps the control at its own width instead of the wrapper's. */}
      <div>
        <SegmentedControl<T> data={props.data} value={props.value} onChange={props.onChange} aria-label={props.label} />
      </div>
    </Input.Wrapper>
  );
}
