import { environmentChanged, type ServerContext } from './context';
import { badRequest, conflict, notFound, optString, routeId, sendEmpty, sendJson } from './http';
import type { TagRecord } from './model';
import type { Router } from './router';

/** Tag JSON uses `ID` (no json tag in Portainer); Endpoints/EndpointGroups maps are derived. */
export function tagsJson(ctx: ServerContext, tags: TagRecord[]) {
  const endpoints = new Map<number, Record<string, boolean>>();
  const groups = new Map<number, Record<string, boolean>>();
  for (const t of tags) {
    endpoints.set(t.ID, {});
    groups.set(t.ID, {});
  }
  for (const env of ctx.store.doc.environments) for (const id of env.TagIds) { const m = endpoints.get(id); if (m) m[String(env.Id)] = true; }
  for (const g of ctx.store.doc.groups) for (const id of g.TagIds) { const m = groups.get(id); if (m) m[String(g.Id)] = true; }
  return tags.map((t) => ({ ID: t.ID, Name: t.Name, EndpointGroups: groups.get(t.ID)!, Endpoints: endpoints.get(t.ID)! }));
}

export function registerTagRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  router.add('GET', '/api/tags', 'authenticated', (rc) => sendJson(rc.res, tagsJson(ctx, store.doc.tags)));

  router.add('POST', '/api/tags', 'admin', async (rc) => {
    const body = await rc.json();
    const name = optString(body, 'Name') ?? '';
    if (!name.trim()) throw badRequest('Invalid request payload', 'Invalid tag name');
    if (store.doc.tags.some((t) => t.Name === name)) throw conflict('This name is already associated to a tag', 'This name is already associated to a tag');
    const tag: TagRecord = { ID: store.nextId('tag'), Name: name };
    store.doc.tags.push(tag);
    store.markDirty();
    sendJson(rc.res, tagsJson(ctx, [tag])[0]);
  });

  router.add('DELETE', '/api/tags/:id', 'admin', (rc) => {
    const id = routeId(rc.params.id!, 'tag');
    const i = store.doc.tags.findIndex((t) => t.ID === id);
    if (i < 0) throw notFound('Unable to find a tag with the specified identifier inside the database', 'Object not found inside the database');
    store.doc.tags.splice(i, 1);
    for (const env of store.doc.environments) {
      const j = env.TagIds.indexOf(id);
      if (j >= 0) {
        env.TagIds.splice(j, 1);
        environmentChanged(ctx, env, false);
      }
    }
    for (const g of store.doc.groups) {
      const j = g.TagIds.indexOf(id);
      if (j >= 0) g.TagIds.splice(j, 1);
    }
    store.markDirty();
    sendEmpty(rc.res);
  });
}
