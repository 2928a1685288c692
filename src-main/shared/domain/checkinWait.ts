import { parseSecondsText } from './pollInterval';

/**
 * How long an install waits for a host's first check-in once its agent runs: the one rule, wherever
 * it is set (`edgedeck install --checkin-timeout`, the Install screen's "Check-in wait", the
 * ssh:install call, a resumed run). Without a value the wait is 2 × the environment's check-in
 * interval + 20 s + 15 s: the agent's first poll comes up to 5 s after its poll loop starts (a
 * ticker, not at once), a failed poll adds up to one interval of jitter before the next, the next
 * comes an interval later (portainer-edge.md §3.1), and the container's own start takes a few seconds. A busy or slow host can
 * need longer than that; the user then sets the wait. Nothing is clamped: a value outside the rule
 * is refused with CHECKIN_WAIT_RULE_TEXT.
 */
export const CHECKIN_WAIT_MIN_SECONDS = 10;
export const CHECKIN_WAIT_MAX_SECONDS = 24 * 3600;

export const CHECKIN_WAIT_RULE_TEXT = `whole seconds from ${CHECKIN_WAIT_MIN_SECONDS} to ${CHECKIN_WAIT_MAX_SECONDS.toLocaleString('en-US')} (a day)`;

/** The wait when none is set: 2 × the check-in interval + 20 s + 15 s of start time. */
export function defaultCheckinWaitSeconds(intervalS: number): number {
  return 2 * intervalS + 20 + 15;
}

/** Why `value` is not a check-in wait, or undefined when it is one. `what` names the field (a label or a flag). */
export function checkinWaitProblem(value: number, what = 'The check-in wait'): string | undefined {
  if (!Number.isInteger(value) || value < CHECKIN_WAIT_MIN_SECONDS || value > CHECKIN_WAIT_MAX_SECONDS) {
    return `${what} is ${CHECKIN_WAIT_RULE_TEXT}; ${Number.isFinite(value) ? `${value} is not` : 'that is not'}.`;
  }
  return undefined;
}

/** Reads typed text ("120", "120s", "120 s") as seconds; the problem in words when it is no check-in wait. */
export function parseCheckinWaitText(text: string, what = 'The check-in wait'): { seconds: number } | { problem: string } {
  return parseSecondsText(text, what, CHECKIN_WAIT_RULE_TEXT, checkinWaitProblem);
}
