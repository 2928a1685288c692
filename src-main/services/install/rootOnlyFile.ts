import { randomBytes } from 'node:crypto';
import { shellQuote } from '../../shared/domain/shellQuote';
import { HostFailure } from './hostFailure';
import type { RemoteHost } from './remoteHost';
import { removalScript, type SecretFiles } from './secretFiles';

/**
 * Files that hold secrets on the target (the env file, the Kubernetes manifest): staged over SFTP
 * so the content never travels on a command line, then moved into a root-only folder.
 */

/** Written to stderr by moveIntoPlace()'s script when the file could not be put into place. */
export const MOVE_FAILED = 'edgedeck: could not install the file into its root-only folder';

/**
 * Stages `content` for a root-only file: SFTP into a fresh /tmp/edgedeck-env.<random> created
 * exclusively (O_CREAT|O_EXCL, mode 0600: what mktemp does, without an exec for it). The content
 * only ever travels inside the SFTP channel, never on a command line. The caller moves it into
 * place with moveIntoPlace() in a privileged command, which also removes the temp file.
 */
export async function stageFile(host: RemoteHost, secrets: SecretFiles, content: string): Promise<string> {
  const tmpPath = `/tmp/edgedeck-env.${randomBytes(8).toString('hex')}`;
  secrets.written(tmpPath);
  try {
    await host.conn.writeFile(tmpPath, content, 0o600, { exclusive: true });
  } catch (e) {
    throw new HostFailure(`could not create a private temp file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return tmpPath;
}

/**
 * Shell text (run privileged): creates `dir` (0700 root:root), installs `tmp` as `path` (0600
 * root:root), removes `tmp` whatever happened (and `path` on failure), saying which removals
 * held (secretFiles.ts), and stops with install's exit code on failure.
 */
export function moveIntoPlace(dir: string, tmp: string, path: string): string {
  return `install -d -m 0700 -o root -g root ${shellQuote(dir)} && install -m 0600 -o root -g root ${shellQuote(tmp)} ${shellQuote(path)}; rc=$?; ${removalScript([tmp])}; if [ $rc -ne 0 ]; then ${removalScript([path])}; echo '${MOVE_FAILED}' >&2; exit $rc; fi`;
}

/** Puts `content` at `path` with mode 0600 in a 0700 root-only folder: one SFTP write and one privileged command. */
export async function uploadRootOnly(host: RemoteHost, secrets: SecretFiles, dir: string, path: string, content: string, goneNote: string): Promise<void> {
  const tmpPath = await stageFile(host, secrets, content);
  secrets.written(path, goneNote);
  let r;
  try {
    r = await host.run(moveIntoPlace(dir, tmpPath, path), { privileged: true });
    r.stdout = secrets.read(r.stdout);
  } finally {
    if (!r || r.code === null) await secrets.removePending(host);
  }
  if (r.code !== 0) throw new HostFailure(`could not install the env file into ${dir}: ${(r.stderr || r.stdout).replace(MOVE_FAILED, '').trim()}`);
}
