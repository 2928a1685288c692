import { Alert } from '@mantine/core';
import { IconWifiOff } from '@tabler/icons-react';
import { useConnection } from '../transport/connection';

/** "Connection lost — retrying" while the web bridge's event socket is down (never shown in Electron). */
export function ConnectionBanner() {
  const state = useConnection((s) => s.state);
  const everOpen = useConnection((s) => s.everOpen);
  const retryInMs = useConnection((s) => s.retryInMs);
  if (state !== 'retrying' && !(state === 'connecting' && everOpen)) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconWifiOff size={18} />} role="status" data-testid="connection-lost" py={6}>
      Connection lost — retrying{state === 'retrying' && retryInMs !== undefined ? ` in ${Math.max(1, Math.round(retryInMs / 1000))} s` : '…'}. Live updates
      resume when <code>edgedeck serve</code> answers again.
    </Alert>
  );
}
