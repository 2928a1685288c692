import { Button } from '@mantine/core';
import { IconCheck, IconCopy, IconX } from '@tabler/icons-react';
import { useCopy } from './copy';

/**
 * A labelled copy button. `text` is the value, or a function that fetches it on the user's click
 * (a secret that reaches the page only then). "Copied" only when the copy really happened.
 */
export function CopyTextButton({ text, label, disabled, testId }: { text: string | (() => Promise<string | undefined>); label: string; disabled?: boolean; testId?: string }) {
  const { copied, failed, copy } = useCopy();
  return (
    <Button
      onClick={() => void copy(text)}
      disabled={disabled}
      color={copied ? 'teal' : failed ? 'red' : undefined}
      leftSection={copied ? <IconCheck size={16} /> : failed ? <IconX size={16} /> : <IconCopy size={16} />}
      data-testid={testId}
    >
      {copied ? 'Copied' : failed ? 'Copy failed' : label}
    </Button>
  );
}
