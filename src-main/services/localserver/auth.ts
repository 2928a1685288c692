import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { nowSec, type ServerContext } from './context';
import { badRequest, forbidden, HttpError, optString, sendEmpty, sendJson } from './http';
import { parseGoDuration } from './jwt';
import { ROLE_ADMIN } from './model';
import { verifyPassword } from './passwords';
import type { AuthUser, RequestContext, Router } from './router';

export const API_KEY_HEADER = 'x-api-key';
export const AUTH_COOKIE = 'portainer_api_key';

export function apiKeyDigest(raw: string): string {
  return createHash('sha256').update(raw).digest('base64');
}

/** `ptr_` + base64 of 32 random bytes, as Portainer's apikey service makes them. */
export function newRawApiKey(): string {
  return `ptr_${randomBytes(32).toString('base64')}`;
}

const unauthorized = (details: string) => new HttpError(401, 'Unauthorized', details);

/**
 * Portainer's bouncer order: API key (X-API-KEY header, or a case-insensitive `x-api-key` query
 * parameter), then bearer JWT (Authorization header, or the `token` query parameter). Sending
 * both headers is refused with 403. The `portainer_api_key` cookie is not accepted (CSRF is not
 * emulated; see the report's deviations).
 */
export function authenticate(ctx: ServerContext, req: IncomingMessage, query: URLSearchParams): AuthUser {
  const headerKey = req.headers[API_KEY_HEADER];
  const authHeader = req.headers.authorization;
  if (headerKey !== undefined && authHeader !== undefined) {
    throw forbidden('api key and auth header are not allowed at the same time');
  }
  let apiKey = typeof headerKey === 'string' ? headerKey : undefined;
  if (apiKey === undefined) {
    for (const [k, v] of query) {
      if (k.toLowerCase() === API_KEY_HEADER) {
        apiKey = v;
        break;
      }
    }
  }
  const store = ctx.store;
  if (apiKey !== undefined && apiKey !== '') {
    const internal = internalKeyUser(ctx, apiKey);
    if (internal) return internal;
    const digest = apiKeyDigest(apiKey);
    const key = store.doc.apiKeys.find((k) => k.digest === digest);
    const user = key && store.doc.users.find((u) => u.Id === key.userId);
    if (!key || !user) throw unauthorized('Invalid API key');
    const now = nowSec(ctx);
    if (now - key.lastUsed >= 60) {
      key.lastUsed = now;
      store.markDirty();
    }
    return { id: user.Id, username: user.Username, role: user.Role, via: 'apikey' };
  }
  let token = typeof authHeader === 'string' ? authHeader : '';
  if (token.startsWith('Bearer ')) token = token.slice(7);
  if (!token) token = query.get('token') ?? '';
  if (!token) throw unauthorized('Unauthorized');
  const claims = ctx.jwt.verify(token, nowSec(ctx));
  if (!claims || ctx.revoked.has(claims.jti)) throw unauthorized('Invalid JWT token');
  const user = store.doc.users.find((u) => u.Id === claims.id);
  if (!user) throw unauthorized('Invalid JWT token');
  return { id: user.Id, username: user.Username, role: user.Role, via: 'jwt', jti: claims.jti };
}

/**
 * The app's own per-start key: the admin, without a record in the store (never on disk, never
 * listed among the user's access tokens, gone when the server stops).
 */
function internalKeyUser(ctx: ServerContext, apiKey: string): AuthUser | undefined {
  const want = ctx.internalKeyDigest;
  if (!want) return undefined;
  if (!timingSafeEqual(createHash('sha256').update(apiKey).digest(), want)) return undefined;
  const admin = ctx.store.doc.users.find((u) => u.Role === ROLE_ADMIN);
  return admin ? { id: admin.Id, username: admin.Username, role: admin.Role, via: 'apikey' } : undefined;
}

export function requireAdmin(user: AuthUser | undefined): void {
  if (!user || user.role !== ROLE_ADMIN) throw forbidden('Access denied', 'Access denied to resource');
}

export function registerAuthRoutes(router: Router, ctx: ServerContext): void {
  router.add('POST', '/api/auth', 'public', async (rc) => {
    if (!ctx.authLimiter.allow(rc.ip)) throw forbidden('Access denied');
    const body = await rc.json();
    const username = optString(body, 'Username') ?? '';
    const password = optString(body, 'Password') ?? '';
    if (!username) throw badRequest('Invalid request payload', 'Invalid username');
    if (!password) throw badRequest('Invalid request payload', 'Invalid password');
    const user = ctx.store.doc.users.find((u) => u.Username.toLowerCase() === username.toLowerCase());
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, DUMMY_HASH);
    if (!user || !ok) throw new HttpError(422, 'Invalid credentials', 'Unauthorized');
    const ttl = parseGoDuration(ctx.store.doc.settings.UserSessionTimeout, 8 * 3600);
    const { token, claims } = ctx.jwt.sign({ id: user.Id, username: user.Username, role: user.Role }, nowSec(ctx), ttl);
    const secure = ctx.https ? '; Secure' : '';
    const expires = new Date(claims.exp * 1000).toUTCString();
    sendJson(rc.res, { jwt: token }, 200, {
      'Set-Cookie': `${AUTH_COOKIE}=${token}; Path=/; Expires=${expires}; HttpOnly; SameSite=Strict${secure}`,
    } as Record<string, string>);
  });

  router.add('POST', '/api/auth/logout', 'public', (rc: RequestContext) => {
    // Revoke the presented JWT (if any) and clear the cookie.
    try {
      const user = authenticate(ctx, rc.req, rc.query);
      if (user.jti) {
        const now = nowSec(ctx);
        for (const [jti, exp] of ctx.revoked) if (exp <= now) ctx.revoked.delete(jti);
        ctx.revoked.set(user.jti, now + 24 * 3600);
      }
    } catch {
      // Logout is public: nothing to revoke.
    }
    rc.res.setHeader('Set-Cookie', `${AUTH_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict`);
    sendEmpty(rc.res);
  });
}

// Verifying against a fixed hash for unknown users keeps the timing similar to a wrong password.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
