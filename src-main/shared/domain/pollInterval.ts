/**
 * The one rule for an Edge environment's poll (check-in) interval, wherever it is typed: the add
 * and edit forms, the install page, `edgedeck env --poll`, `edgedeck install --poll`, the devices
 * CSV. Whole seconds; 0 means "the server's default" (Portainer stores 0 and the agent then gets
 * Settings.EdgeAgentCheckinInterval); at most a week (a longer gap is not a heartbeat any more).
 * Nothing is clamped: a value outside the rule is refused with POLL_RULE_TEXT.
 */
export const POLL_MAX_SECONDS = 7 * 24 * 3600;

export const POLL_RULE_TEXT = `whole seconds from 1 to ${POLL_MAX_SECONDS.toLocaleString('en-US')} (a week), or 0 for the server's default`;

/** Why `value` is not a poll interval, or undefined when it is one. `what` names the field (a label or a flag). */
export function pollIntervalProblem(value: number, what = 'The poll interval'): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value > POLL_MAX_SECONDS) return `${what} is ${POLL_RULE_TEXT}; ${Number.isFinite(value) ? `${value} is not` : 'that is not'}.`;
  return undefined;
}

/** Reads typed text ("30", "30s", "30 s") as seconds; the problem in words when it is no poll interval. */
export function parsePollText(text: string, what = 'The poll interval'): { seconds: number } | { problem: string } {
  return parseSecondsText(text, what, POLL_RULE_TEXT, pollIntervalProblem);
}

/** Typed whole seconds ("30", "30s", "30 s") checked by a rule (`problemOf`, whose words are `ruleText`). */
export function parseSecondsText(text: string, what: string, ruleText: string, problemOf: (seconds: number, what: string) => string | undefined): { seconds: number } | { problem: string } {
  const m = /^(\d+)\s*s?$/i.exec(text.trim());
  if (!m) return { problem: `${what} is ${ruleText}; "${text}" is not.` };
  const seconds = Number(m[1]);
  const problem = problemOf(seconds, what);
  return problem ? { problem } : { seconds };
}
