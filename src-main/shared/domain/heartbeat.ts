import { invalidInput } from '../contract/errors';

/**
 * Portainer's heartbeat rule (portainer-edge.md §2.6): an Edge environment is up while
 * now - LastCheckInDate <= 2 * interval + 20 seconds. All times are unix seconds.
 */
const GRACE_SECONDS = 20;

function checkInterval(intervalSec: number): void {
  if (!Number.isFinite(intervalSec) || intervalSec <= 0) {
    throw invalidInput('intervalSec', `The check-in interval must be a positive number of seconds, but it is ${String(intervalSec)}; Portainer's default is 5.`);
  }
}

export function lostAfterSeconds(intervalSec: number): number {
  checkInterval(intervalSec);
  return 2 * intervalSec + GRACE_SECONDS;
}

/** A LastCheckInDate of 0 means the agent never checked in, which Portainer shows as down. */
export function isHeartbeatAlive(nowSec: number, lastCheckInSec: number, intervalSec: number): boolean {
  return lastCheckInSec > 0 && nowSec - lastCheckInSec <= lostAfterSeconds(intervalSec);
}

/** Seconds left before the environment shows as down; 0 when it already is. */
export function secondsUntilLost(nowSec: number, lastCheckInSec: number, intervalSec: number): number {
  if (lastCheckInSec <= 0) return 0;
  return Math.max(0, lastCheckInSec + lostAfterSeconds(intervalSec) - nowSec);
}

export interface PollBudget {
  /** Average poll requests the server receives per second from `agents` agents. */
  requestsPerSecond: number;
  /** Worst-case delay before a dead agent shows as down. */
  detectOfflineSeconds: number;
}

export function pollBudget(agents: number, intervalSec: number): PollBudget {
  if (!Number.isInteger(agents) || agents < 0) {
    throw invalidInput('agents', `The number of agents must be a whole number of 0 or more, but it is ${String(agents)}.`);
  }
  const detectOfflineSeconds = lostAfterSeconds(intervalSec);
  return { requestsPerSecond: agents / intervalSec, detectOfflineSeconds };
}
