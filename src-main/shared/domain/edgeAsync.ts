/**
 * Edge agent async mode (Portainer Business Edition only): instead of polling for a tunnel the
 * agent pings, sends snapshots and fetches commands on three intervals. The choices are the ones
 * Portainer's own form offers (docs/portainer-versions.md, "Async mode"): -1 "use the server's
 * default", 0 "disabled", 1 minute, 1 hour, 1 day, 1 week. Nothing else is accepted, as upstream's
 * form validation accepts nothing else.
 */

export const ASYNC_USE_DEFAULT = -1;

export const ASYNC_INTERVAL_CHOICES: ReadonlyArray<{ value: number; label: string }> = [
  { value: ASYNC_USE_DEFAULT, label: 'Use default interval' },
  { value: 0, label: 'disabled' },
  { value: 60, label: '1 minute' },
  { value: 3600, label: '1 hour' },
  { value: 86_400, label: '1 day' },
  { value: 604_800, label: '1 week' },
];

export interface AsyncIntervals {
  /** Seconds between the agent's pings (its heartbeat); -1 = the server's default. */
  ping: number;
  /** Seconds between snapshots of the host; -1 = the server's default. */
  snapshot: number;
  /** Seconds between fetches of pending commands; -1 = the server's default. */
  command: number;
}

export const ASYNC_DEFAULTS: AsyncIntervals = { ping: ASYNC_USE_DEFAULT, snapshot: ASYNC_USE_DEFAULT, command: ASYNC_USE_DEFAULT };

export const ASYNC_INTERVAL_NAMES: Record<keyof AsyncIntervals, string> = { ping: 'Ping interval', snapshot: 'Snapshot interval', command: 'Command interval' };

const ALLOWED = new Set(ASYNC_INTERVAL_CHOICES.map((c) => c.value));

export const ASYNC_RULE_TEXT = `one of ${ASYNC_INTERVAL_CHOICES.map((c) => `${c.value} (${c.label})`).join(', ')}`;

/** Why `value` is not an async interval, or undefined when it is one. */
export function asyncIntervalProblem(value: number, what = 'The interval'): string | undefined {
  return ALLOWED.has(value) ? undefined : `${what} is ${ASYNC_RULE_TEXT} seconds; ${value} is not.`;
}

/** A label for a stored interval, with the server's default spelled out when it is known. */
export function asyncIntervalLabel(value: number, serverDefault?: number): string {
  if (value === ASYNC_USE_DEFAULT) return serverDefault === undefined ? 'Use default interval' : `Use default interval (${asyncIntervalLabel(serverDefault)})`;
  return ASYNC_INTERVAL_CHOICES.find((c) => c.value === value)?.label ?? `${value} seconds`;
}

/** Why async mode cannot be asked of this server, or undefined when it can. */
export function asyncModeProblem(edition: 'ce' | 'be' | undefined): string | undefined {
  if (edition === 'be') return undefined;
  return edition === 'ce'
    ? 'Async mode exists only in Portainer Business Edition; this server is Community Edition, whose agents poll in standard mode.'
    : 'Async mode exists only in Portainer Business Edition, and this server did not say which edition it is.';
}
