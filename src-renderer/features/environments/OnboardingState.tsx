import { Button, Code, Stepper, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import { tunnelHostPort, urlPort } from '../../../src-main/shared/domain/hostPort';
import { agoText, durationText, tunnelText } from './format';

export type OnboardingPhase = 'created' | 'waiting' | 'associated' | 'alive' | 'lost' | 'tunnel-verified';

/**
 * Where an environment is in created → first poll → associated → heartbeat → tunnel. "Tunnel
 * verified" holds only while the server says so now (the local server tells; a dropped tunnel
 * goes back to "heartbeat alive").
 */
export function phaseOf(view: EnvironmentDetailView): OnboardingPhase {
  const tunnelVerified = view.environment.tunnel?.status === 'verified';
  const env = view.environment;
  if (env.lastCheckIn === 0) return 'waiting';
  // Disassociated (or not bound yet): the next agent that polls claims it.
  if (!env.edgeId && !view.edgeId.bound) return 'waiting';
  if (!view.heartbeat.alive) return 'lost';
  return tunnelVerified ? 'tunnel-verified' : 'alive';
}

const phaseLabel: Record<OnboardingPhase, string> = {
  created: 'Created',
  waiting: 'Waiting for the first poll',
  associated: 'Associated',
  alive: 'Heartbeat alive',
  lost: 'Heartbeat lost',
  'tunnel-verified': 'Tunnel verified',
};

/** The onboarding sequence as a stepper, with a live countdown to "considered lost". */
export function OnboardingState({
  view,
  fetchedAt,
  localServer,
  onVerifyTunnel,
  verifying,
}: {
  view: EnvironmentDetailView;
  fetchedAt: number;
  localServer: boolean;
  /** The local server's "verify tunnel" (opens it on demand); absent for other servers. */
  onVerifyTunnel?: () => void;
  verifying?: boolean;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const env = view.environment;
  const hb = view.heartbeat;
  const elapsed = Math.max(0, Math.floor((now - fetchedAt) / 1000));
  const nowSec = env.queryDate + elapsed;
  const lostIn = Math.max(0, hb.lostInSeconds - elapsed);
  const alive = hb.alive && lostIn > 0;
  const polled = env.lastCheckIn > 0;
  const associated = polled && (view.edgeId.bound || !!env.edgeId);
  const phase = phaseOf(view);
  const tunnel = env.tunnel;
  const tunnelVerified = phase === 'tunnel-verified';

  // The hints name this server's own ports, from the join token, never Portainer's defaults.
  const apiPort = view.key ? urlPort(view.key.fields.portainerUrl) : undefined;
  const tunnelPort = view.key ? tunnelHostPort(view.key.fields.tunnelAddress)?.port : undefined;
  const urlHint = view.key ? `${view.key.fields.portainerUrl}${apiPort !== undefined ? ` (port ${apiPort})` : ''}` : 'the Portainer URL of the join token and its port';
  const tunnelPortText = tunnelPort !== undefined ? `port ${tunnelPort}` : 'the port of the join token’s tunnel address';

  // The first step not done is the active one.
  const active = !polled ? 1 : !associated ? 2 : !alive ? 3 : tunnelVerified ? 5 : 4;

  return (
    <div data-testid="env-state" data-phase={phase} aria-live="polite">
      <Text fw={600} mb="xs" data-testid="env-state-summary">
        {phaseLabel[phase]}
      </Text>
      <Stepper active={active} orientation="vertical" size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Created" description={`Environment ${env.id}, join token issued`} />
        <Stepper.Step
          label="Waiting for the first poll"
          loading={active === 1}
          description={
            polled
              ? `First poll seen (agent polls every ${durationText(hb.intervalSeconds)})`
              : `Install the agent with the command below. It polls every ${durationText(hb.intervalSeconds)}; the first poll follows within seconds of its start. Nothing yet? From the host, check that ${urlHint} answers, and EDGE_INSECURE_POLL for a self-signed certificate.`
          }
        />
        <Stepper.Step
          label="Associated"
          description={
            associated ? (
              <>
                Edge ID <Code>{env.edgeId ?? view.edgeId.value}</Code>
                {view.agentVersion ? `, agent ${view.agentVersion}` : ''}. Another agent with a different Edge ID gets 403 “invalid Edge identifier”.
              </>
            ) : (
              'The first agent that polls binds its Edge ID to this environment.'
            )
          }
        />
        <Stepper.Step
          label={polled && !alive ? 'Heartbeat lost' : 'Heartbeat alive'}
          color={polled && !alive ? 'red' : undefined}
          icon={polled && !alive ? <IconAlertTriangle size={16} /> : undefined}
          completedIcon={polled && !alive ? <IconAlertTriangle size={16} /> : undefined}
          description={
            !polled ? (
              `Portainer shows it up while the last poll is at most ${durationText(hb.lostAfterSeconds)} old (2 × ${durationText(hb.intervalSeconds)} + 20 s).`
            ) : alive ? (
              <span data-testid="env-heartbeat">
                Last check-in {agoText(env.lastCheckIn, nowSec)}; considered lost in <b data-testid="env-lost-in">{durationText(lostIn)}</b> without another poll.
              </span>
            ) : (
              <span data-testid="env-heartbeat">
                Last check-in {agoText(env.lastCheckIn, nowSec)}: more than {durationText(hb.lostAfterSeconds)} ago, so Portainer shows it down. Is the agent running? Its log names
                the cause (“invalid Edge identifier”, “x509”, “context deadline exceeded”).
              </span>
            )
          }
        />
        <Stepper.Step
          label="Tunnel verified"
          description={
            <>
              {tunnelVerified
                ? `The server reached the agent through the reverse tunnel (${tunnelPortText}): the environment is usable, not only “green”.`
                : localServer
                  ? 'The local server opens the tunnel after the first poll, and again whenever it needs the agent (up to 2 × the check-in interval), and checks it end to end.'
                  : `A green heartbeat does not prove the tunnel: open the environment in Portainer to check that ${tunnelPortText} (the tunnel) is reachable from the host.`}
              {tunnel ? (
                <Text size="xs" c="dimmed" data-testid="env-tunnel" data-status={tunnel.status}>
                  Tunnel {tunnelText(tunnel, nowSec)}
                </Text>
              ) : null}
              {onVerifyTunnel && polled ? (
                <Button size="compact-xs" variant="light" mt={4} loading={verifying} onClick={onVerifyTunnel} data-testid="env-verify-tunnel">
                  Verify tunnel
                </Button>
              ) : null}
            </>
          }
        />
      </Stepper>
    </div>
  );
}
