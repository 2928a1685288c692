/**
 * The few YAML pieces the export writes, by hand (no YAML library is installed). Every scalar
 * that comes from user data is written as a JSON double-quoted string: JSON strings are valid
 * YAML 1.1 and 1.2 flow scalars, so no value can change the document's structure.
 */
export function yq(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A YAML literal block (`|`) of `text` indented by `indent` spaces; the text must not be empty. */
export function yamlBlock(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const chomp = text.endsWith('\n') ? '' : '-';
  return `|${chomp}\n` + body.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n');
}
