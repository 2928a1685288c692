import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../../api';

/**
 * "Forget this host's key", asked twice: a changed key can be an attack, so the first click only
 * says what forgetting does. `onForgotten` runs after main dropped the keys.
 */
export function ForgetHostKey({ name, onForgotten, compact }: { name: string; onForgotten?: () => void; compact?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string>();
  const forget = async () => {
    setBusy(true);
    try {
      const r = await api.knownHosts.forget({ host: name });
      const files = r.inFiles.map((f) => ` It is also in ${f.file} (line ${f.line}), which Edgedeck does not edit: ${f.command}`).join('');
      setSaid(`${r.removed ? `Forgot the key${r.removed === 1 ? '' : 's'} of ${r.name}: the next connection asks about its key again.` : `Edgedeck had no key of ${r.name}.`}${files}`);
      setConfirming(false);
      onForgotten?.();
    } catch (e) {
      setSaid(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  if (said) return <Text size="sm" data-testid="forget-host-key-result">{said}</Text>;
  if (!confirming) {
    return (
      <Button size={compact ? 'compact-xs' : 'xs'} variant="light" color="red" onClick={() => setConfirming(true)} data-testid="forget-host-key" aria-label={`Forget the host key of ${name}`}>
        Forget host key
      </Button>
    );
  }
  return (
    <Group gap="xs" data-testid="forget-host-key-confirm">
      <Text size="sm">
        Forget every key of {name}? Do this only after checking the new fingerprint out of band: the next connection trusts whatever key you then accept.
      </Text>
      <Button size="compact-xs" color="red" loading={busy} onClick={() => void forget()} data-testid="forget-host-key-yes">
        Forget
      </Button>
      <Button size="compact-xs" variant="default" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </Group>
  );
}
