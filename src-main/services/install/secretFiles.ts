import { shellQuote } from '../../shared/domain/shellQuote';
import type { RemoteHost } from './remoteHost';
import type { HostTranscript } from './transcript';

/**
 * The files of one install that hold secrets on the target (the staged temp file, agent.env, the
 * Kubernetes manifest), from the moment they may exist until the host confirms they are gone.
 * The removal's answer comes from the host itself (removalScript: `rm -f`, then a test that the
 * path is gone), so the transcript never claims a clean-up that failed (an append-only or
 * immutable folder, a read-only file system, a lost connection). What stays is reported in the
 * host's record (HostRecord.secretFilesLeft) and retried by the next run that reaches the host
 * (leftoverSecretFiles.ts).
 */
const MARK = '@@edgedeck secret-file';
const LINE = new RegExp(`^${MARK} (gone|left) (.*)\\n?`, 'gm');

/** Shell text: removes each path, then prints whether it is gone (one marker line each, stdout). */
export function removalScript(paths: string[]): string {
  return paths
    .map((p) => {
      const q = shellQuote(p);
      return `rm -f -- ${q}; if [ -e ${q} ] || [ -L ${q} ]; then echo '${MARK} left '${q}; else echo '${MARK} gone '${q}; fi`;
    })
    .join('; ');
}

interface Pending {
  /** What to say once it is gone (undefined: nothing, e.g. the staged temp file). */
  goneNote?: string;
  /** The host said the removal failed (else: not asked yet, or no answer). */
  refused: boolean;
}

export class SecretFiles {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly t: HostTranscript) {}

  /** From now on `path` may hold secrets on the host. `goneNote` is said when its removal is confirmed. */
  written(path: string, goneNote?: string): void {
    this.pending.set(path, { ...(goneNote ? { goneNote } : {}), refused: false });
  }

  /** The paths not confirmed gone. */
  get left(): string[] {
    return [...this.pending.keys()];
  }

  /**
   * Files an earlier run could not remove from this host: removed first (privileged), before this
   * run writes anything. Whatever still stays is reported again with this run.
   */
  async removeLeftovers(host: RemoteHost, paths: string[]): Promise<void> {
    if (!paths.length) return;
    this.t.note(`an earlier run could not remove ${paths.join(', ')} from this host; removing now`);
    for (const p of paths) this.written(p, 'left over by an earlier run; no copy of the secrets stays there now.');
    await this.removePending(host);
  }

  /**
   * Reads the marker lines of a command that ran removalScript(); answers the output without them.
   * A path reported gone is done; one reported left is said so in the transcript.
   */
  read(stdout: string): string {
    for (const m of stdout.matchAll(LINE)) {
      const path = m[2]!;
      if (m[1] === 'gone') {
        const note = this.pending.get(path)?.goneNote;
        this.pending.delete(path);
        if (note) this.t.note(`removed ${path}: ${note}`);
      } else {
        this.pending.set(path, { ...this.pending.get(path), refused: true });
        this.t.note(`could NOT remove ${path}: it still exists on the host (the rm error is in the command's output), so a copy of the secrets may remain there (0600, root-only). The next run that reaches this host tries again; to remove it now, lift what protects the folder (lsattr -d, chattr -a/-i, a read-only mount) and delete the file as root.`);
      }
    }
    return stdout.replace(LINE, '');
  }

  /**
   * Removes what is neither confirmed gone nor refused by the host yet, in one privileged exec
   * (after a command that did not run to its end). A failed exec leaves them listed and says so.
   */
  async removePending(host: RemoteHost): Promise<void> {
    const paths = [...this.pending].filter(([, p]) => !p.refused).map(([path]) => path);
    if (!paths.length) return;
    try {
      const r = await host.run(removalScript(paths), { privileged: true });
      this.read(r.stdout);
    } catch (e) {
      this.t.note(`could not check the removal of ${paths.join(', ')} (${e instanceof Error ? e.message : String(e)}): a copy of the secrets may remain there; the next run that reaches this host tries again.`);
    }
  }
}
