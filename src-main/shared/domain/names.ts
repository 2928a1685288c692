/**
 * The one rule for the names people type: environments, groups, tags, Edge groups and server
 * profiles. Surrounding spaces do not count (they are trimmed before sending); the length limit
 * keeps a name usable in lists, commands and file names. Every form, the CLI and the contract's
 * schemas read NAME_MAX_LENGTH and nameProblem from here, so the limit and its wording are one.
 */
export const NAME_MAX_LENGTH = 256;

/** The limit in words, for a field's description. */
export const NAME_RULE_TEXT = `at most ${NAME_MAX_LENGTH} characters`;

/** Why `raw` is not a usable name, or undefined when it is one. `what` names the field. */
export function nameProblem(raw: string, what = 'Name'): string | undefined {
  const name = raw.trim();
  if (name === '') return `${what} is required.`;
  if (name.length > NAME_MAX_LENGTH) return `${what}: ${NAME_RULE_TEXT}; this one has ${name.length}. Shorten it.`;
  return undefined;
}
