import { Alert, Anchor, Text } from '@mantine/core';
import { useState } from 'react';
import { useSimulator } from './simulatorStore';

/**
 * The local server could not have its kept ports back (another program took one) and moved: says
 * so on every page until dismissed, with the environments whose join token was reissued, because
 * agents installed with their old token can no longer reach it.
 */
export function ServerMovedAlert() {
  const moved = useSimulator((s) => (s.status?.running ? s.status.moved : undefined));
  const url = useSimulator((s) => s.status?.url);
  const tunnel = useSimulator((s) => s.status?.tunnelAddress);
  const [dismissed, setDismissed] = useState<string>();
  if (!moved || dismissed === `${moved.previousUrl}→${url}`) return null;
  const envs = moved.environments;
  return (
    <Alert
      color="orange"
      mb="md"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={() => setDismissed(`${moved.previousUrl}→${url}`)}
      title="The local server moved to new ports"
      data-testid="sim-moved"
    >
      <Text size="sm">
        Its kept ports were taken by another program, so it now listens on {url} (tunnel {tunnel}) instead of {moved.previousUrl} (tunnel {moved.previousTunnelAddress}).
        {envs.length === 0 ? ' No join token named the old ports.' : ` New join tokens were issued for ${envs.length === 1 ? 'this environment' : `these ${envs.length} environments`}; agents installed with the old token must be given the new one:`}
      </Text>
      {envs.length ? (
        <Text size="sm" data-testid="sim-moved-environments">
          {envs.map((e, i) => (
            <span key={e.id}>
              {i ? ', ' : ''}
              <Anchor href={`#/environments/${e.id}`}>{e.name}</Anchor>
            </span>
          ))}
        </Text>
      ) : null}
    </Alert>
  );
}
