import { Alert, Code, Stack, Text } from '@mantine/core';
import { IconShieldX } from '@tabler/icons-react';
import type { TlsChange } from './fieldErrors';

/** The loud refusal when a pinned server presents another certificate. */
export function TlsChangedAlert({ change, serverName }: { change: TlsChange; serverName?: string }) {
  return (
    <Alert color="red" variant="filled" icon={<IconShieldX size={22} />} title="REFUSED: the server's certificate changed" data-testid="tls-changed" role="alert">
      <Stack gap={6}>
        <Text size="sm">
          {serverName ? `"${serverName}"` : 'The server'} no longer presents the certificate you pinned. Nothing was sent to it. If the certificate was replaced on
          purpose, check the new fingerprint on the server itself and pin it again (Settings → Portainer servers → Edit); otherwise someone may be intercepting the
          connection.
        </Text>
        <Text size="sm" fw={700}>
          Pinned (old):
        </Text>
        <Code block data-testid="tls-old-fingerprint" style={{ color: 'var(--mantine-color-black)', background: 'var(--mantine-color-white)' }}>
          {change.pinned}
        </Code>
        <Text size="sm" fw={700}>
          Presented now (new):
        </Text>
        <Code block data-testid="tls-new-fingerprint" style={{ color: 'var(--mantine-color-black)', background: 'var(--mantine-color-white)' }}>
          {change.presented}
        </Code>
      </Stack>
    </Alert>
  );
}
