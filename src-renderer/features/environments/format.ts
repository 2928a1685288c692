import type { EnvironmentState, TunnelStateView } from '../../../src-main/shared/schemas/portainer';

/** Portainer's poll frequency choices (GH#3843), in seconds; 0 = the server default. */
export const pollChoices: { value: number; label: string }[] = [
  { value: 5, label: '5 s' },
  { value: 10, label: '10 s' },
  { value: 30, label: '30 s' },
  { value: 300, label: '5 min' },
  { value: 3600, label: '1 h' },
  { value: 86400, label: '1 day' },
];

export function pollOptions(serverDefault: number | undefined): { value: string; label: string }[] {
  return [
    { value: '0', label: `Use the server default${serverDefault ? ` (${durationText(serverDefault)})` : ''}` },
    ...pollChoices.map((c) => ({ value: String(c.value), label: c.label })),
  ];
}

export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return s % 3600 === 0 ? `${s / 3600} h` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return s % 86400 === 0 ? `${s / 86400} day${s === 86400 ? '' : 's'}` : `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h`;
}

export function pollText(checkinInterval: number, serverDefault?: number): string {
  if (checkinInterval > 0) return `every ${durationText(checkinInterval)}`;
  return `server default${serverDefault ? ` (${durationText(serverDefault)})` : ''}`;
}

/** "never", "12 s ago", "3 min ago"… from unix seconds, relative to `nowSec`. */
export function agoText(unixSec: number, nowSec: number): string {
  if (!unixSec) return 'never';
  const d = Math.max(0, nowSec - unixSec);
  return d < 2 ? 'just now' : `${durationText(d)} ago`;
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
