import { Text, Tooltip, type TextProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A name on one line, cut with an ellipsis where its box ends; the whole name shows in a tooltip
 * on hover and on keyboard focus. Names may be up to 256 characters (domain/names.ts): without
 * this, one long name widens its table or page past the window.
 */
export function TruncatedName({ name, children, heading, ...props }: TextProps & { name: string; children?: ReactNode; heading?: 'h2' | 'h3'; 'data-testid'?: string; role?: string }) {
  return (
    <Tooltip label={name} multiline maw={480} openDelay={300} events={{ hover: true, focus: true, touch: true }} style={{ overflowWrap: 'anywhere' }}>
      <Text component={heading ?? 'p'} truncate="end" miw={0} {...props}>
        {children ?? name}
      </Text>
    </Tooltip>
  );
}
