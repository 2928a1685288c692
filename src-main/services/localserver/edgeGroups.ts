import { environmentChanged, isEdge, type ServerContext } from './context';
import { badRequest, conflict, notFound, routeId, sendJson } from './http';
import type { EdgeGroupRecord, EnvironmentRecord } from './model';
import type { Router } from './router';

/** Portainer's Edge group JSON (static groups only: Dynamic false, no tags). */
export function edgeGroupJson(g: EdgeGroupRecord) {
  return { Id: g.Id, Name: g.Name, Dynamic: false, TagIds: [], Endpoints: [...g.Endpoints], PartialMatch: false, HasEdgeStack: false, HasEdgeJob: false, EndpointTypes: [] };
}

/**
 * Sets the Edge groups `env` belongs to: exactly `ids` (unknown ids dropped, as Portainer's
 * global-key handler drops them); returns the ids kept.
 */
export function setEdgeGroups(ctx: ServerContext, env: EnvironmentRecord, ids: readonly number[]): number[] {
  const kept: number[] = [];
  for (const g of ctx.store.doc.edgeGroups) {
    const want = ids.includes(g.Id);
    const i = g.Endpoints.indexOf(env.Id);
    if (want && i < 0) g.Endpoints.push(env.Id);
    if (!want && i >= 0) g.Endpoints.splice(i, 1);
    if (want) kept.push(g.Id);
  }
  ctx.store.markDirty();
  return kept;
}

/** The Edge groups an environment belongs to. */
export function edgeGroupsOf(ctx: ServerContext, envId: number): number[] {
  return ctx.store.doc.edgeGroups.filter((g) => g.Endpoints.includes(envId)).map((g) => g.Id);
}

export function registerEdgeGroupRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  router.add('GET', '/api/edge_groups', 'authenticated', (rc) => sendJson(rc.res, store.doc.edgeGroups.map(edgeGroupJson)));

  router.add('POST', '/api/edge_groups', 'admin', async (rc) => {
    const body = await rc.json();
    const field = (name: string) => body.get(name);
    const name = field('Name');
    if (typeof name !== 'string' || !name.trim()) throw badRequest('Invalid request payload', 'invalid Edge group name');
    if (field('Dynamic') === true) throw badRequest('Invalid request payload', 'the local server keeps static Edge groups only (Dynamic false with Endpoints)');
    if (store.doc.edgeGroups.some((g) => g.Name === name)) throw conflict('Edge group name must be unique', 'Edge group name must be unique');
    const endpoints = field('Endpoints') ?? [];
    if (!Array.isArray(endpoints) || endpoints.some((id) => typeof id !== 'number' || !isEdge(store.envById.get(id) ?? { Type: 0 }))) {
      throw badRequest('Invalid request payload', 'Endpoints must list Edge environment ids');
    }
    const group: EdgeGroupRecord = { Id: store.nextId('edgeGroup'), Name: name, Endpoints: [...new Set(endpoints as number[])] };
    store.doc.edgeGroups.push(group);
    store.markDirty();
    for (const id of group.Endpoints) environmentChanged(ctx, id, false);
    sendJson(rc.res, edgeGroupJson(group));
  });

  // Portainer's update replaces the whole group; only static groups are kept here.
  router.add('PUT', '/api/edge_groups/:id', 'admin', async (rc) => {
    const group = store.doc.edgeGroups.find((g) => g.Id === routeId(rc.params.id!, 'Edge group'));
    if (!group) throw notFound('Unable to find an Edge group with the specified identifier inside the database', `no Edge group ${rc.params.id}`);
    const body = await rc.json();
    const name = body.get('Name');
    if (name !== undefined && (typeof name !== 'string' || !name.trim())) throw badRequest('Invalid request payload', 'invalid Edge group name');
    if (body.get('Dynamic') === true) throw badRequest('Invalid request payload', 'the local server keeps static Edge groups only (Dynamic false with Endpoints)');
    const endpoints = body.get('Endpoints') ?? group.Endpoints;
    if (!Array.isArray(endpoints) || endpoints.some((id) => typeof id !== 'number' || !isEdge(store.envById.get(id) ?? { Type: 0 }))) {
      throw badRequest('Invalid request payload', 'Endpoints must list Edge environment ids');
    }
    const before = group.Endpoints;
    if (typeof name === 'string') group.Name = name;
    group.Endpoints = [...new Set(endpoints as number[])];
    store.markDirty();
    for (const id of new Set([...before, ...group.Endpoints])) environmentChanged(ctx, id, false);
    sendJson(rc.res, edgeGroupJson(group));
  });
}
