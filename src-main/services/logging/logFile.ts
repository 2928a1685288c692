import { closeSync, fstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../platform/privateFiles';

export interface SessionLogOptions {
  /** The OS's log folder (shared/domain/platformPaths.ts logFolder; Electron's app.getPath('logs')). */
  dir: string;
  /** What runs: 'main' (desktop app), 'serve'… — the file name's prefix. */
  scope: string;
  /** Size at which the session's file rolls over to `<name>.1` (default 5 MiB). */
  maxBytes?: number;
  /** Files of this scope kept in the folder, rolled parts included (default 10): the oldest go first. */
  maxFiles?: number;
  now?: Date;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * One log file per session, `<scope>-<YYYYMMDD-HHMMSS>-<pid>.log`, 0600 in a private folder.
 * Lines arrive already redacted (the logger runs them through the Redactor first). Past
 * `maxBytes` the file is renamed to `.1` (then `.2`…) and a new one started; the folder keeps
 * at most `maxFiles` files of the scope. Writes are synchronous so the last lines before a crash
 * are on disk; a failing disk never throws into the caller (the line still reaches stderr).
 */
export class SessionLogFile {
  readonly path: string;
  private fd: number | undefined;
  private size = 0;
  private rolled = 0;
  private readonly maxBytes: number;
  private readonly maxFiles: number;

  constructor(private readonly o: SessionLogOptions) {
    this.maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
    this.maxFiles = o.maxFiles ?? 10;
    this.path = join(o.dir, `${o.scope}-${stamp(o.now ?? new Date())}-${process.pid}.log`);
    ensurePrivateDir(o.dir);
    this.open();
    this.prune();
  }

  /** Opens the session's file, or says why not and returns undefined (an unwritable log folder must not stop the app). */
  static tryOpen(o: SessionLogOptions, onError: (message: string) => void): SessionLogFile | undefined {
    try {
      return new SessionLogFile(o);
    } catch (e) {
      onError(`no log file in ${o.dir} (${(e as Error).message}); messages go to the terminal only`);
      return undefined;
    }
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', PRIVATE_FILE_MODE);
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(line.endsWith('\n') ? line : line + '\n', 'utf8');
    try {
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.roll();
      writeSync(this.fd, bytes);
      this.size += bytes.length;
    } catch {
      /* the log is a help, not a duty: a full disk must not stop the app */
    }
  }

  private roll(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    this.rolled++;
    renameSync(this.path, `${this.path}.${this.rolled}`);
    this.open();
    this.prune();
  }

  /** Keeps the newest `maxFiles` files of this scope (this session's current file always stays). */
  private prune(): void {
    const mine = readdirSync(this.o.dir)
      .filter((n) => n.startsWith(`${this.o.scope}-`) && /\.log(\.\d+)?$/.test(n))
      .map((n) => join(this.o.dir, n))
      .filter((p) => p !== this.path)
      .map((p) => ({ p, t: statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.t - a.t || b.p.localeCompare(a.p));
    for (const { p } of mine.slice(Math.max(0, this.maxFiles - 1))) rmSync(p, { force: true });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
