import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { defaultCheckinWaitSeconds } from '../../shared/domain/checkinWait';
import { durationText } from '../../shared/domain/durationText';
import { failWithAgentLogs } from './agentLogs';
import { CheckinPoller } from './checkinPoller';
import { checkinInterval, type HostOutcome } from './hostPlan';
import type { SshForVerify } from './sshForVerify';
import type { HostContext, InstallStrategy } from './strategy';

/**
 * Through the Portainer API only (the run's shared poller): the first check-in since `sinceEpoch`,
 * within the run's check-in wait (o.checkinTimeoutS, else shared/domain/checkinWait.ts's default),
 * then the tunnel. A host that does not check in fails with its agent's logs (`strategy.logsCommand`);
 * when the agent runs all the same (`strategy.runningProbe`), the failure says so and names the option.
 */
export async function waitForCheckin(h: HostContext, ssh: SshForVerify, strategy: Pick<InstallStrategy, 'logsCommand' | 'runningProbe'>, sinceEpoch: number): Promise<Pick<HostOutcome, 'checkedIn' | 'tunnel'>> {
  const { o, t, plan, now } = h;
  if (!o.probe) {
    t.note('no Portainer connection given: check-in not verified');
    return { checkedIn: false, tunnel: 'unknown' };
  }
  const poller = o.checkins ?? new CheckinPoller(o.probe, { ...(o.pollMs !== undefined ? { fastMs: Math.min(500, o.pollMs), slowMs: o.pollMs } : {}), now });
  const interval = checkinInterval(plan);
  const budgetS = o.checkinTimeoutS ?? defaultCheckinWaitSeconds(interval);
  const deadline = now() + budgetS * 1000;
  const why = o.checkinTimeoutS !== undefined ? 'the check-in wait set for this run' : `2 × ${durationText(interval)} interval + 20 s + 15 s of start time`;
  t.note(`waiting up to ${durationText(budgetS)} (${why}) for the first check-in of environment ${plan.environmentId}`);
  // Set by the poller's callback (TypeScript cannot see that, hence the explicit read-backs below).
  const seen: { checkedIn: boolean; tunnel: NonNullable<HostOutcome['tunnel']>; otherEdgeId?: string } = { checkedIn: false, tunnel: 'unknown' };
  await poller.wait(
    plan.environmentId,
    deadline,
    (e) => {
      if (e && e.lastCheckIn >= sinceEpoch && (!e.edgeId || e.edgeId === plan.edgeId)) {
        if (!seen.checkedIn) t.note(`checked in (last check-in ${new Date(e.lastCheckIn * 1000).toISOString()}, Edge ID ${e.edgeId ?? plan.edgeId})`);
        seen.checkedIn = true;
        // Where the server can open the tunnel on demand, that comes next (below), not a wait here.
        if (e.tunnelVerified === undefined || (o.probe?.verifyTunnel && !e.tunnelVerified)) return true;
        if (e.tunnelVerified) {
          seen.tunnel = 'verified';
          t.note('tunnel verified: the server reached the agent through the tunnel');
          return true;
        }
        seen.tunnel = 'not-verified';
      } else if (e?.edgeId && e.edgeId !== plan.edgeId) {
        seen.otherEdgeId = e.edgeId;
        return true;
      }
      return undefined;
    },
    o.signal,
  );
  const { checkedIn, otherEdgeId } = seen;
  let tunnel = seen.tunnel;
  const logsCommand = strategy.logsCommand(h);
  if (otherEdgeId) await failWithAgentLogs(h, ssh, logsCommand, `environment ${plan.environmentId} is associated with another Edge ID (${otherEdgeId})`);
  if (!checkedIn) {
    const probe = strategy.runningProbe?.(h);
    const whenRunning = probe && { ...probe, why: `the agent ${plan.platform === 'swarm' ? 'service' : 'container'} is running but had not checked in after ${budgetS} s`, reason: 'checkin-wait' as const };
    await failWithAgentLogs(h, ssh, logsCommand, `no check-in within ${budgetS} s`, 'no-checkin', whenRunning);
  }
  let tunnelWhy = `the tunnel was not verified within ${budgetS} s`;
  if (tunnel !== 'verified' && o.probe.verifyTunnel) {
    t.note(`opening the tunnel on demand and checking it end to end (up to 2 × the ${durationText(interval)} check-in interval)`);
    try {
      await o.probe.verifyTunnel(plan.environmentId, o.signal);
      tunnel = 'verified';
      t.note('tunnel verified: the server reached the agent through the tunnel');
    } catch (e) {
      if (o.signal?.aborted) throw e;
      tunnel = 'not-verified';
      tunnelWhy = e instanceof Error ? e.message : String(e);
    }
  }
  if (tunnel === 'not-verified') await failWithAgentLogs(h, ssh, logsCommand, `the agent checks in, but ${tunnelWhy} (tunnel address ${decodeEdgeKey(plan.edgeKey).tunnelAddress})`);
  return { checkedIn, tunnel };
}
