/**
 * JSON text the way Go's encoders write it: object keys in the order given, no trailing newline,
 * and `<`, `>`, `&`, U+2028, U+2029 escaped (Go's default HTML-safe escaping).
 */
const GO_ESCAPE = /[<>&\u2028\u2029]/g;
const NEEDS_ESCAPE = /[<>&\u2028\u2029]/;
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

export function goJson(value: unknown): string {
  const text = JSON.stringify(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(GO_ESCAPE, (c) => GO_ESCAPES[c]!) : text;
}

/** Go-style JSON string literal (for the hand-built poll response). */
export function goString(s: string): string {
  return goJson(s);
}
