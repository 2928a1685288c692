import { apiKeyDigest, newRawApiKey } from './auth';
import { nowSec, type ServerContext } from './context';
import { badRequest, forbidden, notFound, optString, routeId, sendEmpty, sendJson } from './http';
import { ROLE_ADMIN, type ApiKeyRecord, type UserRecord } from './model';
import { verifyPassword } from './passwords';
import type { Router } from './router';

export function userJson(u: UserRecord) {
  return { Id: u.Id, Username: u.Username, Role: u.Role, TokenIssueAt: u.tokenIssueAt, ThemeSettings: { color: '' }, UseCache: true };
}

export function apiKeyJson(k: ApiKeyRecord) {
  return { id: k.id, userId: k.userId, description: k.description, prefix: k.prefix, dateCreated: k.dateCreated, lastUsed: k.lastUsed, digest: k.digest };
}

export function registerUserRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  const findUser = (raw: string) => {
    const id = routeId(raw, 'user');
    const user = store.doc.users.find((u) => u.Id === id);
    if (!user) throw notFound('Unable to find a user with the specified identifier inside the database', 'Object not found inside the database');
    return user;
  };
  const ownOrAdmin = (rc: { user?: { id: number; role: number } }, userId: number, what: string) => {
    if (!rc.user || (rc.user.id !== userId && rc.user.role !== ROLE_ADMIN)) throw forbidden(`Permission denied to ${what}`, 'Permission denied');
  };

  router.add('GET', '/api/users/me', 'authenticated', (rc) => {
    const user = store.doc.users.find((u) => u.Id === rc.user!.id);
    if (!user) throw notFound('Unable to find a user with the specified identifier inside the database');
    sendJson(rc.res, userJson(user));
  });

  router.add('GET', '/api/users/:id', 'authenticated', (rc) => {
    const user = findUser(rc.params.id!);
    ownOrAdmin(rc, user.Id, 'retrieve user');
    sendJson(rc.res, userJson(user));
  });

  router.add('GET', '/api/users', 'admin', (rc) => {
    sendJson(rc.res, store.doc.users.map(userJson));
  });

  router.add('POST', '/api/users/:id/tokens', 'authenticated', async (rc) => {
    const user = findUser(rc.params.id!);
    // Portainer only lets users create their own tokens.
    if (rc.user!.id !== user.Id) throw forbidden('Permission denied to create user access token', 'Permission denied');
    const body = await rc.json();
    const password = optString(body, 'password') ?? '';
    const description = optString(body, 'description') ?? '';
    if (!description.trim()) throw badRequest('Invalid request payload', 'invalid description. cannot be empty');
    if (description.length > 128) throw badRequest('Invalid request payload', 'invalid description: cannot be longer than 128 characters');
    if (!password) throw badRequest('Invalid request payload', 'invalid password: cannot be empty');
    if (!(await verifyPassword(password, user.passwordHash))) throw forbidden('Current password doesn\'t match', 'Current password doesn\'t match');
    const raw = newRawApiKey();
    const key: ApiKeyRecord = {
      id: store.nextId('apiKey'),
      userId: user.Id,
      description,
      prefix: raw.slice(0, 7),
      dateCreated: nowSec(ctx),
      lastUsed: 0,
      digest: apiKeyDigest(raw),
    };
    store.doc.apiKeys.push(key);
    store.markDirty();
    sendJson(rc.res, { rawAPIKey: raw, apiKey: apiKeyJson(key) }, 201);
  });

  router.add('GET', '/api/users/:id/tokens', 'authenticated', (rc) => {
    const user = findUser(rc.params.id!);
    ownOrAdmin(rc, user.Id, 'list API keys');
    sendJson(rc.res, store.doc.apiKeys.filter((k) => k.userId === user.Id).map(apiKeyJson));
  });

  router.add('DELETE', '/api/users/:id/tokens/:keyId', 'authenticated', (rc) => {
    const user = findUser(rc.params.id!);
    ownOrAdmin(rc, user.Id, 'remove API key');
    const keyId = routeId(rc.params.keyId!, 'API Key');
    const i = store.doc.apiKeys.findIndex((k) => k.id === keyId && k.userId === user.Id);
    if (i < 0) throw notFound('API Key not found');
    store.doc.apiKeys.splice(i, 1);
    store.markDirty();
    sendEmpty(rc.res);
  });
}
