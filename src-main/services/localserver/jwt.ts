import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  id: number;
  username: string;
  role: number;
  scope: string;
  forceChangePassword: boolean;
  exp: number;
  iat: number;
  jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** HS256 JWTs with Portainer's claim names (id, username, role, scope, forceChangePassword). */
export class JwtService {
  constructor(private readonly secret: Buffer) {}

  sign(user: { id: number; username: string; role: number }, nowSec: number, ttlSec: number): { token: string; claims: TokenClaims } {
    const claims: TokenClaims = {
      id: user.id,
      username: user.username,
      role: user.role,
      scope: 'default',
      forceChangePassword: false,
      exp: nowSec + ttlSec,
      iat: nowSec,
      jti: randomUUID(),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createHmac('sha256', this.secret).update(`${HEADER}.${payload}`).digest('base64url');
    return { token: `${HEADER}.${payload}.${signature}`, claims };
  }

  /** The claims of a valid, unexpired token, or undefined. */
  verify(token: string, nowSec: number): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
      if (h.alg !== 'HS256') return undefined;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      if (typeof claims.id !== 'number' || typeof claims.exp !== 'number' || claims.exp <= nowSec) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}

/** Portainer's session length strings ("8h", "30m", "1h30m"). */
export function parseGoDuration(text: string, fallbackSec: number): number {
  const re = /(\d+(?:\.\d+)?)(h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
    matched += m[0];
  }
  return matched === text && total > 0 ? Math.floor(total) : fallbackSec;
}
