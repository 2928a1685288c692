import { Scalar, stringify } from 'yaml';

/**
 * Scalars for the YAML the export writes (cloud-init, compose, Kubernetes, Ansible), quoted by
 * the `yaml` package: every string from user data becomes a double-quoted scalar (escapes for
 * quotes, backslashes, control characters; never folded, lineWidth 0), which YAML 1.1 and 1.2
 * readers (cloud-init's PyYAML, docker-compose, ansible, yamllint) read back as the same text,
 * so no value can change the document's structure. Numbers and booleans are written plainly.
 */
export function yq(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return stringify(s, { lineWidth: 0 }).replace(/\n$/, '');
}
