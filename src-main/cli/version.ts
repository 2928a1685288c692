import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths';

/** The version in package.json, the one source of truth (the CLI, `serve`'s app:info). */
export function packageVersion(root = packageRoot): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`${join(root, 'package.json')} has no version.`);
  return pkg.version;
}
