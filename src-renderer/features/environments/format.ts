import { agoText, durationText } from '../../../src-main/shared/domain/durationText';
import type { EnvironmentState, TunnelStateView } from '../../../src-main/shared/schemas/portainer';

// The core's one duration formatter, re-exported for the views that import it from here.
export { agoText, durationText };

/** Portainer's poll frequency choices (GH#3843), in seconds; 0 = the server default. */
export const pollChoices: { value: number; label: string }[] = [5, 10, 30, 300, 3600, 86400].map((value) => ({ value, label: durationText(value) }));

export function pollOptions(serverDefault: number | undefined): { value: string; label: string }[] {
  return [
    { value: '0', label: `Use the server default${serverDefault ? ` (${durationText(serverDefault)})` : ''}` },
    ...pollChoices.map((c) => ({ value: String(c.value), label: c.label })),
  ];
}

export function pollText(checkinInterval: number, serverDefault?: number): string {
  if (checkinInterval > 0) return `every ${durationText(checkinInterval)}`;
  return `server default${serverDefault ? ` (${durationText(serverDefault)})` : ''}`;
}

export const stateLabels: Record<EnvironmentState, string> = {
  alive: 'heartbeat alive',
  lost: 'heartbeat lost',
  never: 'never checked in',
};

export const stateColors: Record<EnvironmentState, string> = { alive: 'green', lost: 'red', never: 'gray' };

const closedBecause: Record<NonNullable<TunnelStateView['reason']>, string> = {
  idle: 'closed after 4 min 30 s without use',
  dropped: "dropped: the agent's tunnel connection ended",
  unreachable: 'closed: the agent did not come within 2 × its check-in interval',
  'port-in-use': 'moved: its port was in use on the server',
  removed: 'closed (environment changed)',
  stopped: 'closed (server stopped)',
};

/** One line for the tunnel's state, e.g. "verified on port 61234, 12 s ago" (times from unix seconds). */
export function tunnelText(t: TunnelStateView, nowSec: number): string {
  if (t.status === 'verified') return `verified on port ${t.port}, ${agoText(t.since, nowSec)}`;
  if (t.status === 'open') return t.waitingForIdle ? `opening on port ${t.port}: the agent must see IDLE once first` : `open on port ${t.port}, waiting for the agent since ${agoText(t.since, nowSec)}`;
  if (!t.reason) return 'closed (the server answers IDLE)';
  return `${closedBecause[t.reason]} ${agoText(t.since, nowSec)}`;
}
