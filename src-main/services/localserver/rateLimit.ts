/**
 * Portainer's `/api/auth` limiter (security.NewRateLimiter(10, 1s, 1h)): more than `max` hits
 * within `windowMs` from one client IP bans that IP for `banMs`; banned requests get 403
 * `Access denied`. The clock is injected.
 */
export class RateLimiter {
  private readonly clients = new Map<string, { hits: number[]; bannedUntil: number }>();

  constructor(
    private readonly now: () => number,
    private readonly max = 10,
    private readonly windowMs = 1000,
    private readonly banMs = 3_600_000,
    private readonly maxClients = 10_000,
  ) {}

  /** Counts a hit; false when the client is (now) banned. */
  allow(ip: string): boolean {
    const now = this.now();
    let c = this.clients.get(ip);
    if (!c) {
      if (this.clients.size >= this.maxClients) this.prune(now);
      c = { hits: [], bannedUntil: 0 };
      this.clients.set(ip, c);
    }
    if (c.bannedUntil > now) return false;
    const since = now - this.windowMs;
    let drop = 0;
    while (drop < c.hits.length && c.hits[drop]! <= since) drop++;
    if (drop) c.hits.splice(0, drop);
    c.hits.push(now);
    if (c.hits.length > this.max) {
      c.bannedUntil = now + this.banMs;
      c.hits.length = 0;
      return false;
    }
    return true;
  }

  isBanned(ip: string): boolean {
    const c = this.clients.get(ip);
    return !!c && c.bannedUntil > this.now();
  }

  private prune(now: number): void {
    for (const [ip, c] of this.clients) {
      if (c.bannedUntil <= now && (c.hits.length === 0 || c.hits[c.hits.length - 1]! <= now - this.windowMs)) this.clients.delete(ip);
    }
    // Still full (a flood of distinct addresses): forget the oldest entries rather than grow.
    if (this.clients.size >= this.maxClients) {
      let n = this.clients.size - this.maxClients + 1;
      for (const [ip, c] of this.clients) {
        if (n-- <= 0) break;
        if (c.bannedUntil <= now) this.clients.delete(ip);
      }
    }
  }
}
