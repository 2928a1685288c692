import { Badge, Tooltip } from '@mantine/core';
import { hrefOf } from '../route';
import { useSimulator } from '../features/simulator/simulatorStore';

/** The header badge: which server the app talks to. For now only the local simulator. */
export function ServerBadge() {
  const status = useSimulator((s) => s.status);
  const known = useSimulator((s) => s.statusKnown);
  if (!known) return null;
  if (!status) {
    return (
      <Badge color="gray" variant="light" data-testid="server-badge">
        No server connected
      </Badge>
    );
  }
  const label = !status.running ? 'No server connected' : status.embedded ? 'Local simulator — not a production server' : 'Local simulator running';
  return (
    <Tooltip label={status.running && status.url ? `${status.url} (Portainer ${status.version})` : 'Open the Simulator page'} withArrow>
      <Badge
        component="a"
        href={hrefOf('simulator')}
        color={status.running ? 'orange' : 'gray'}
        variant="light"
        size="lg"
        style={{ cursor: 'pointer', textTransform: 'none' }}
        data-testid="server-badge"
      >
        {label}
      </Badge>
    </Tooltip>
  );
}
