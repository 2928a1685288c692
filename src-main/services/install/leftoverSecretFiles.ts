import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir } from '../platform/privateFiles';
import { writeFileAtomic } from '../stores/atomicFile';

/**
 * Secret files that a run could not remove from a host (secretFiles.ts), kept beside the runs
 * (<runsDir>/secret-files-left.json) so that the next run that reaches the same host removes them
 * first. Keyed by the SSH endpoint (host:port after ssh config), not by the target text: another
 * user on the same machine reaches the same files. Holds paths only, never a secret.
 */
export const LEFTOVERS_FILE = 'secret-files-left.json';

interface Entry {
  paths: string[];
  /** The run that last left them. */
  runId: string;
  target: string;
}

export class LeftoverSecretFiles {
  constructor(private readonly file: string) {}

  private read(): Record<string, Entry> {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Entry>;
    } catch {
      // A damaged list must not stop installs; the hosts' records still name what was left.
      return {};
    }
  }

  /** What an earlier run left on this endpoint. */
  on(endpoint: string): string[] {
    return this.read()[endpoint]?.paths ?? [];
  }

  /**
   * What this run leaves on the endpoint after its removals (none: the entry goes). Read and
   * written in one synchronous step, so hosts finishing at once in one process do not lose entries.
   */
  record(endpoint: string, paths: string[], runId: string, target: string): void {
    const all = this.read();
    if (paths.length) all[endpoint] = { paths: [...new Set(paths)], runId, target };
    else if (all[endpoint]) delete all[endpoint];
    else return;
    ensurePrivateDir(dirname(this.file));
    writeFileAtomic(this.file, JSON.stringify(all, null, 2) + '\n', 0o600);
  }
}
