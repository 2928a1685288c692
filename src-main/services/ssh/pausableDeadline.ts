/**
 * A time budget that stops counting while a person is being asked something. The SSH handshake
 * budget measures the host's silence; minutes spent reading a host-key fingerprint or typing a
 * passphrase are not the host's, so every prompt runs inside `during()`. Nested or overlapping
 * pauses are counted: the clock runs again only when the last one ends.
 */
export class PausableDeadline {
  private remaining: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedAt = 0;
  private pauses = 0;
  private state: 'idle' | 'running' | 'expired' | 'stopped' = 'idle';

  constructor(
    readonly budgetMs: number,
    private readonly onExpire: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.remaining = budgetMs;
  }

  /** Starts the clock (a budget of 0 or less never expires, as ssh2's readyTimeout: 0). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    if (this.pauses === 0) this.arm();
  }

  get expired(): boolean {
    return this.state === 'expired';
  }

  /** Runs `work` with the clock stopped. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await work();
    } finally {
      this.resume();
    }
  }

  pause(): void {
    this.pauses++;
    if (this.pauses === 1 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remaining -= this.now() - this.armedAt;
    }
  }

  resume(): void {
    if (this.pauses === 0) return;
    this.pauses--;
    if (this.pauses === 0 && this.state === 'running') this.arm();
  }

  /** The work finished (or failed) on its own: the budget no longer matters. */
  stop(): void {
    if (this.state === 'running' || this.state === 'idle') this.state = 'stopped';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.budgetMs <= 0) return;
    this.armedAt = this.now();
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (this.state !== 'running') return;
        this.state = 'expired';
        this.onExpire();
      },
      Math.max(0, this.remaining),
    );
  }
}
