import { PasswordInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { CopyIconButton } from './CopyIconButton';

/**
 * A read-only secret, hidden until revealed, with a copy button.
 * PasswordInput owns its right section (the reveal toggle), so the copy button sits on the left.
 *
 * `reveal`: the secret is not in the page at all until the user asks for it; the first click on
 * the reveal toggle fetches it (e.g. `sim:revealPassword`), then copy works too. `value` is then
 * left out.
 */
export function SecretField({
  label,
  value,
  reveal,
  description,
  testId,
}: {
  label: string;
  value?: string | undefined;
  reveal?: () => Promise<string>;
  description?: string;
  testId?: string;
}) {
  const [fetched, setFetched] = useState<string | undefined>(undefined);
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  // A new fetcher (another server) forgets what the last one revealed.
  useEffect(() => {
    setFetched(undefined);
    setVisible(false);
    setError(undefined);
  }, [reveal]);
  const text = (reveal ? fetched : value) ?? '';
  const onVisibilityChange = (show: boolean) => {
    if (!show || !reveal || fetched !== undefined) return setVisible(show);
    reveal().then(
      (secret) => {
        setFetched(secret);
        setError(undefined);
        setVisible(true);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <PasswordInput
      label={label}
      description={description}
      value={text}
      placeholder={reveal && fetched === undefined ? 'hidden: click the eye to reveal' : '—'}
      readOnly
      error={error}
      visible={visible}
      onVisibilityChange={onVisibilityChange}
      data-testid={testId}
      visibilityToggleButtonProps={{ 'aria-label': `Show or hide ${label.toLowerCase()}`, ...(testId ? { 'data-testid': `${testId}-reveal` } : {}) }}
      leftSection={<CopyIconButton value={text} label={`Copy ${label.toLowerCase()}`} />}
      leftSectionPointerEvents="all"
    />
  );
}
