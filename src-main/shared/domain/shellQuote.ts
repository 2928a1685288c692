/**
 * Quoting for the install command text. Values that bash (or PowerShell) would read back as
 * themselves stay untouched, so ordinary commands remain byte-identical to Portainer's.
 */

// Conservative: no glob, tilde, brace, quote, expansion, redirection or separator characters.
// It still covers base64 keys (+ / =), UUIDs, URLs without '?' or '&', and versions.
const SHELL_SAFE = /^[A-Za-z0-9_\-.,/:@%+=^]+$/;

/** True iff bash reads `value`, unquoted inside a word, as exactly itself. The empty string is not safe on its own. */
export function isShellSafe(value: string): boolean {
  return SHELL_SAFE.test(value);
}

/** A POSIX shell word that yields exactly `value`. */
export function shellQuote(value: string): string {
  if (isShellSafe(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// Inside double quotes bash still expands $ ` \ and, interactively, ! (history); " ends the string.
const DOUBLE_QUOTE_SAFE = /^[^$`"\\!\0]*$/;

/**
 * A bash word for a value Portainer writes as "<value>": kept in double quotes when that is exact,
 * else single-quoted, so plain values stay identical to the upstream text.
 */
export function shellDoubleQuotedArg(value: string): string {
  if (DOUBLE_QUOTE_SAFE.test(value)) return `"${value}"`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// PowerShell argument mode also treats , ; ( ) { } @ $ ` ' " # < > | & and spaces specially.
const PS_SAFE = /^[A-Za-z0-9_\-./:=+%^]+$/;

export function isPsSafe(value: string): boolean {
  return PS_SAFE.test(value);
}

/** A PowerShell verbatim (single-quoted) string; the only escape there is a doubled quote. */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** psQuote only when needed. */
export function psQuoteIfNeeded(value: string): string {
  return isPsSafe(value) ? value : psQuote(value);
}
