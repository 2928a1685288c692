import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

export interface CoalescedFileOptions {
  /** Mode of the written file (a folder it has to create gets 0700). */
  mode?: number;
  /** fsync before the rename: for data that must survive a power cut, not for logs. */
  durable?: boolean;
  /** A write started by the timer failed; the content stays dirty, so the next write retries it. */
  onError?: (e: unknown) => void;
}

/**
 * One file rewritten whole from an in-memory value, off the event loop.
 *
 * WHY: the local server's data file, the install transcripts and a fleet run's summary change many
 * times a second during a fleet install. Writing each change synchronously blocked the main
 * process for seconds per run (ext4 flushes a truncated file's dirty pages when it is reopened
 * with O_TRUNC, several ms each under load) and let a reader catch a half-written file. Here
 * changes are coalesced (at most one write per `markDirty` delay), each write goes to a temp file
 * that is renamed over the old one (readers see the old or the new content, never a part), and
 * `flush()`/`close()` write what is pending now. What may be lost in a crash: the last delay's
 * worth of changes.
 */
export class CoalescedFile {
  private timer: NodeJS.Timeout | undefined;
  /** When the pending write fires (ms since epoch). */
  private timerDue = 0;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private closed = false;
  private folderReady = false;

  constructor(
    readonly file: string,
    private readonly render: () => string,
    private readonly options: CoalescedFileOptions = {},
  ) {}

  /** The value changed: write it within `delayMs` (a pending earlier write stays earlier). */
  markDirty(delayMs: number): void {
    this.dirty = true;
    if (this.closed) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((e: unknown) => this.options.onError?.(e));
    }, delayMs);
    this.timer.unref?.();
  }

  /** Writes now if anything changed (after a write in progress). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // A failed earlier write left `dirty` set: this flush retries it, so its error is not ours.
    while (this.writing) await this.writing.catch(() => undefined);
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = this.write().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  /** Writes what is pending; later changes are kept in memory only. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async write(): Promise<void> {
    const text = this.render();
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      if (!this.folderReady) {
        await fsp.mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
        this.folderReady = true;
      }
      const handle = await fsp.open(tmp, 'w', this.options.mode ?? 0o600);
      try {
        await handle.writeFile(text);
        if (this.options.durable) await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, this.file);
    } catch (e) {
      this.dirty = true;
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
  }
}
