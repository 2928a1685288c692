import { LOGIN_BAN_MS } from '../portainer/errors';

/** A client address the limiter refuses until `until` (ms). */
export interface LoginBan {
  ip: string;
  until: number;
}

/**
 * Portainer's `/api/auth` limiter (security.NewRateLimiter(10, 1s, 1h)): more than `max` hits
 * within `windowMs` from one client IP bans that IP for `banMs`; banned requests get 403
 * `Access denied`. The clock is injected. Kept as strict as Portainer's for fidelity; the app's
 * own session never meets it (it uses the server's per-start internal API key, and API-key
 * requests never pass through POST /api/auth, as in Portainer).
 */
export class RateLimiter {
  private readonly clients = new Map<string, { hits: number[]; bannedUntil: number }>();
  /** Told when an address is banned (the app says so and until when). */
  onBan?: (ban: LoginBan) => void;

  constructor(
    private readonly now: () => number,
    private readonly max = 10,
    private readonly windowMs = 1000,
    private readonly banMs = LOGIN_BAN_MS,
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
      try {
        this.onBan?.({ ip, until: c.bannedUntil });
      } catch {
        // A listener's failure must not turn a refused login into a 500.
      }
      return false;
    }
    return true;
  }

  /** The addresses banned now, soonest end first. */
  bans(): LoginBan[] {
    const now = this.now();
    return [...this.clients]
      .filter(([, c]) => c.bannedUntil > now)
      .map(([ip, c]) => ({ ip, until: c.bannedUntil }))
      .sort((a, b) => a.until - b.until);
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
