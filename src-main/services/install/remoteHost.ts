import { AppError } from '../../shared/contract/errors';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { ExecResult, SshConnection } from '../ssh/connection';
import type { HostTranscript } from './transcript';

/** How privileged commands run on the target. */
export type Privilege = 'root' | 'sudo-nopasswd' | 'sudo-password' | 'none';

export interface RunOptions {
  privileged?: boolean;
  timeoutMs?: number;
  /**
   * Do not put stdout in the transcript (e.g. output that may hold secrets); a summary is kept.
   * A function gets the stdout and returns what to record (e.g. one section blanked out).
   */
  quietStdout?: string | ((stdout: string) => string);
}

/**
 * A connection plus the privilege decision and the transcript. Privileged commands run as
 * root directly, via `sudo -n`, or via `sudo -k -S -p ''` with the password on stdin: the
 * password never reaches a command line (-k makes sudo always read it, so it cannot leak into
 * the command's own stdin from a cached timestamp).
 */
export class RemoteHost {
  privilege: Privilege = 'none';
  private sudoPassword?: string;

  constructor(
    readonly conn: SshConnection,
    readonly transcript: HostTranscript,
    readonly signal?: AbortSignal,
  ) {}

  setSudoPassword(pw: string): void {
    this.sudoPassword = pw;
  }

  wrap(command: string, privileged: boolean): { command: string; stdin?: string; sudo: boolean } {
    if (!privileged || this.privilege === 'root') return { command, sudo: false };
    if (this.privilege === 'sudo-nopasswd') return { command: `sudo -n -- sh -c ${shellQuote(command)}`, sudo: true };
    if (this.privilege === 'sudo-password') {
      if (this.sudoPassword === undefined) throw new AppError('unauthorized', 'sudo needs a password and none was given.', 'sudoPassword', { reason: 'sudo-password' });
      return { command: `sudo -k -S -p '' -- sh -c ${shellQuote(command)}`, stdin: this.sudoPassword + '\n', sudo: true };
    }
    throw new AppError('forbidden', 'This command needs root, and the user is neither root nor allowed to sudo.', 'privileges', { reason: 'no-root' });
  }

  async run(command: string, o: RunOptions = {}): Promise<ExecResult> {
    if (this.signal?.aborted) throw new AppError('cancelled', 'Cancelled.');
    const w = this.wrap(command, o.privileged ?? false);
    const res = await this.conn.exec(w.command, { ...(w.stdin !== undefined ? { stdin: w.stdin } : {}), timeoutMs: o.timeoutMs ?? 60_000, ...(this.signal ? { signal: this.signal } : {}) });
    // The transcript shows the command as intended; the sudo wrapper is marked, not spelled out.
    this.transcript.command({
      command,
      sudo: w.sudo,
      exitCode: res.code,
      stdout: typeof o.quietStdout === 'function' ? o.quietStdout(res.stdout) : (o.quietStdout ?? res.stdout),
      stderr: res.stderr,
      ms: res.durationMs,
      ...(res.timedOut ? { timedOut: true } : {}),
    });
    if (this.signal?.aborted) throw new AppError('cancelled', 'Cancelled.');
    if (this.conn.isClosed && res.code === null) {
      throw new AppError('unavailable', `The SSH connection to ${this.conn.label} was lost (${this.conn.closeReason ?? 'closed'}) while running: ${command.split(' ').slice(0, 3).join(' ')}…`, undefined, { reason: 'connection-lost' });
    }
    return res;
  }
}
