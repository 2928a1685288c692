/** Install targets from a file: the rules live in the core (shared/domain/sshTarget.ts); this names the file and line. */
import { invalidInput } from '../../../shared/contract/errors';
import { parseTargetsText } from '../../../shared/domain/sshTarget';

/**
 * A targets file: one user@host[:port] per line (blank lines and # comments skipped), or CSV whose
 * header has a "target" column (the rules of shared/domain/sshTarget.ts). Any bad line fails the
 * command, naming the file and line.
 */
export function parseTargetsFile(text: string, file = 'FILE'): string[] {
  const r = parseTargetsText(text);
  if (r.error) throw invalidInput('--targets', `${file}: ${r.error}`);
  const bad = r.bad[0];
  if (bad) throw invalidInput('--targets', bad.reason === 'Already in the list.' ? `The target ${bad.text} is listed twice (${file} line ${bad.line}).` : `${file} line ${bad.line}: ${JSON.stringify(bad.text)}: ${bad.reason}`);
  if (!r.targets.length) throw invalidInput('--targets', `${file} lists no targets (one user@host[:port] per line, or CSV with a "target" column).`);
  return r.targets;
}
