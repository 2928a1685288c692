import { environmentChanged, type ServerContext } from './context';
import { assignDefined, badRequest, CiObject, conflict, forbidden, notFound, optFields, optIntArray, optString, routeId, sendEmpty, sendJson } from './http';
import type { GroupRecord } from './model';
import type { Router } from './router';

export function groupJson(g: GroupRecord) {
  return { Id: g.Id, Name: g.Name, Description: g.Description, UserAccessPolicies: {}, TeamAccessPolicies: {}, TagIds: g.TagIds };
}

export function registerGroupRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  const find = (raw: string) => {
    const id = routeId(raw, 'environment group');
    const g = store.group(id);
    if (!g) throw notFound('Unable to find an environment group with the specified identifier inside the database', 'Object not found inside the database');
    return g;
  };
  const checkTags = (ids: number[]) => {
    for (const id of ids) if (!store.tag(id)) throw notFound('Unable to find a tag inside the database', `tag ${id} does not exist`);
  };
  // Extension: Portainer CE accepts duplicate group names; we answer 409 so names stay a usable key.
  const checkName = (name: string, self?: GroupRecord) => {
    if (store.doc.groups.some((g) => g !== self && g.Name === name)) throw conflict('Environment group name must be unique', 'Environment group name must be unique');
  };

  router.add('GET', '/api/endpoint_groups', 'authenticated', (rc) => sendJson(rc.res, store.doc.groups.map(groupJson)));
  router.add('GET', '/api/endpoint_groups/:id', 'admin', (rc) => sendJson(rc.res, groupJson(find(rc.params.id!))));

  router.add('POST', '/api/endpoint_groups', 'admin', async (rc) => {
    const body = await rc.json();
    const name = optString(body, 'Name') ?? '';
    if (!name.trim()) throw badRequest('Invalid request payload', 'Invalid environment group name');
    const tagIds = optIntArray(body, 'TagIDs') ?? [];
    const associated = optIntArray(body, 'AssociatedEndpoints') ?? [];
    checkTags(tagIds);
    checkName(name);
    const group: GroupRecord = { Id: store.nextId('group'), Name: name, Description: optString(body, 'Description') ?? '', TagIds: [...new Set(tagIds)] };
    store.doc.groups.push(group);
    for (const id of associated) {
      const env = store.envById.get(id);
      if (env && env.GroupId === 1) {
        env.GroupId = group.Id;
        environmentChanged(ctx, env, false);
      }
    }
    store.markDirty();
    sendJson(rc.res, groupJson(group));
  });

  router.add('PUT', '/api/endpoint_groups/:id', 'admin', async (rc) => {
    const group = find(rc.params.id!);
    const body: CiObject = await rc.json();
    const f = optFields(body, { Name: 'string', Description: 'string', TagIDs: '[]int' });
    if (f.Name !== undefined && f.Name !== '') checkName(f.Name, group);
    if (f.TagIDs !== undefined) checkTags(f.TagIDs);
    // Checked before any change, so a refused update leaves the group as it was; an empty name keeps the old one.
    assignDefined(group, { Name: f.Name || undefined, Description: f.Description, TagIds: f.TagIDs && [...new Set(f.TagIDs)] });
    store.markDirty();
    sendJson(rc.res, groupJson(group));
  });

  router.add('DELETE', '/api/endpoint_groups/:id', 'admin', (rc) => {
    const group = find(rc.params.id!);
    if (group.Id === 1) throw forbidden('Unable to remove the default \'Unassigned\' group', 'Permission denied');
    store.doc.groups.splice(store.doc.groups.indexOf(group), 1);
    for (const env of store.doc.environments) {
      if (env.GroupId === group.Id) {
        env.GroupId = 1;
        environmentChanged(ctx, env, false);
      }
    }
    store.markDirty();
    sendEmpty(rc.res);
  });

  router.add('PUT', '/api/endpoint_groups/:id/endpoints/:endpointId', 'admin', (rc) => {
    const group = find(rc.params.id!);
    const env = store.envById.get(routeId(rc.params.endpointId!, 'environment'));
    if (!env) throw notFound('Unable to find an environment with the specified identifier inside the database');
    env.GroupId = group.Id;
    environmentChanged(ctx, env);
    sendEmpty(rc.res);
  });

  router.add('DELETE', '/api/endpoint_groups/:id/endpoints/:endpointId', 'admin', (rc) => {
    find(rc.params.id!);
    const env = store.envById.get(routeId(rc.params.endpointId!, 'environment'));
    if (!env) throw notFound('Unable to find an environment with the specified identifier inside the database');
    env.GroupId = 1;
    environmentChanged(ctx, env);
    sendEmpty(rc.res);
  });
}
