import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { privateAclArgv, type Argv } from '../../shared/domain/platformPaths';

/**
 * Files that may hold secrets (profiles, known hosts, prestaged join tokens, run transcripts, the
 * local server's data) are readable by their owner only: 0600 in 0700 folders on POSIX; on
 * Windows, where modes mean nothing, an ACL for the current user only (icacls, run without a
 * shell). Existing files are tightened too, since earlier versions created them with the umask.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export interface PrivacyOptions {
  platform?: string;
  /** Runs one command without a shell (Windows ACLs); replaced in tests. */
  run?: (argv: Argv) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

function runArgv(argv: Argv): void {
  execFileSync(argv.command, argv.args, { stdio: 'ignore', windowsHide: true, timeout: 15_000 });
}

/** The current user as icacls names it: USERDOMAIN\USERNAME when both are known. */
function windowsAccount(env: Readonly<Record<string, string | undefined>>): { user: string; domain?: string } {
  const user = env.USERNAME || userInfo().username;
  return env.USERDOMAIN ? { user, domain: env.USERDOMAIN } : { user };
}

/** Gives `path` an ACL for the current user only (Windows); a folder's entry is inherited by what is created in it. */
function restrictOnWindows(path: string, folder: boolean, o: PrivacyOptions): void {
  const { user, domain } = windowsAccount(o.env ?? process.env);
  (o.run ?? runArgv)(privateAclArgv(path, user, domain ? { domain, folder } : { folder }));
}

/** Creates `dir` (with parents) private to the user, and tightens it when it already exists. */
export function ensurePrivateDir(dir: string, o: PrivacyOptions = {}): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((o.platform ?? process.platform) === 'win32') restrictOnWindows(dir, true, o);
  else chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes one existing file private to the user (no-op when it does not exist). */
export function makeFilePrivate(file: string, o: PrivacyOptions = {}): void {
  if (!existsSync(file)) return;
  if ((o.platform ?? process.platform) === 'win32') restrictOnWindows(file, false, o);
  else chmodSync(file, PRIVATE_FILE_MODE);
}

/**
 * Tightens what earlier versions left: every folder under `root` to 0700 and every file to 0600
 * (symbolic links are not followed). On Windows, the root's ACL is replaced and `/T`-style
 * propagation is left to icacls' inheritance: the entries under it inherit the user-only entry.
 * Only `entries` of the root are walked when given (the data folder may share its root with
 * Electron's own caches on macOS and Windows).
 */
export function tightenTree(root: string, o: PrivacyOptions & { entries?: string[] } = {}): void {
  if (!existsSync(root)) return;
  ensurePrivateDir(root, o);
  if ((o.platform ?? process.platform) === 'win32') {
    // Children created before the ACL change keep their inherited entries: reset them to inherit the new one.
    for (const name of o.entries ?? readdirSync(root)) {
      const path = join(root, name);
      if (existsSync(path)) (o.run ?? runArgv)({ command: 'icacls', args: [path, '/reset', '/T', '/Q'] });
    }
    return;
  }
  const walk = (path: string) => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      chmodSync(path, PRIVATE_DIR_MODE);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (st.isFile()) {
      chmodSync(path, PRIVATE_FILE_MODE);
    }
  };
  for (const name of o.entries ?? readdirSync(root)) walk(join(root, name));
}
