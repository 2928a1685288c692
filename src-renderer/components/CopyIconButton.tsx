import { ActionIcon, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconX } from '@tabler/icons-react';
import { useCopy } from './copy';

/** A small copy button for a value shown next to it: "Copied" only when the copy really happened. */
export function CopyIconButton({ value, label = 'Copy', testId }: { value: string; label?: string; testId?: string }) {
  const { copied, failed, copy } = useCopy();
  const shown = copied ? 'Copied' : failed ? 'Copy failed' : label;
  return (
    <Tooltip label={shown} withArrow>
      <ActionIcon
        variant="subtle"
        color={copied ? 'teal' : failed ? 'red' : 'gray'}
        onClick={() => void copy(value)}
        aria-label={shown}
        data-testid={testId}
        disabled={value === ''}
      >
        {copied ? <IconCheck size={16} /> : failed ? <IconX size={16} /> : <IconCopy size={16} />}
      </ActionIcon>
    </Tooltip>
  );
}
