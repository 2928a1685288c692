import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time launch codes. The address handed to a browser opener (xdg-open, open, explorer) is
 * visible in that program's argv to every local user (ps, /proc/PID/cmdline), so it carries a code
 * instead of the session token: the bridge exchanges it once for the token cookie, and a code
 * that was used or is older than its lifetime is worth nothing.
 */
export class LaunchCodes {
  private readonly codes = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh code, good for one exchange within `ttlMs`. */
  issue(ttlMs: number): string {
    this.prune();
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, this.now() + ttlMs);
    return code;
  }

  /** True once per issued, unexpired code; the code is spent either way. */
  redeem(candidate: string): boolean {
    this.prune();
    const given = Buffer.from(candidate);
    for (const [code] of this.codes) {
      const known = Buffer.from(code);
      if (known.length === given.length && timingSafeEqual(known, given)) {
        this.codes.delete(code);
        return true;
      }
    }
    return false;
  }

  private prune(): void {
    const now = this.now();
    for (const [code, expires] of this.codes) if (expires <= now) this.codes.delete(code);
  }
}
