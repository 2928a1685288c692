import { Badge } from '@mantine/core';
import { hrefOf } from '../route';
import { useSimulator } from '../features/simulator/simulatorStore';

/** The header badge: which server the app talks to. For now only the local simulator. */
export function ServerBadge() {
  const status = useSimulator((s) => s.status);
  const known = useSimulator((s) => s.statusKnown);
  if (!known) return null;
  const running = status?.running ?? false;
  const label = !running ? 'No server connected' : status?.embedded ? 'Local simulator — not a production server' : 'Local simulator running';
  return (
    <Badge
      component="a"
      href={hrefOf('simulator')}
      color={running ? 'orange' : 'gray'}
      variant="light"
      size="lg"
      style={{ textTransform: 'none' }}
      data-testid="server-badge"
      title={running && status?.url ? `${status.url} (Portainer ${status.version}) — open the Simulator page` : 'Open the Simulator page'}
    >
      {label}
    </Badge>
  );
}
