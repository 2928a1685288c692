import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/contract/errors';
import { encodeEdgeKey } from '../../shared/domain/edgeKey';
import { disassociateAnswersEnvironment } from '../../shared/domain/versions';
import { environmentChanged, heartbeat, isEdge, nowSec, type ServerContext } from './context';
import { endpointJson } from './endpointJson';
import { FormValues } from './form';
import { createAsyncSettings, createTunnelAddress, updateAsyncSettings } from './businessEdge';
import { parseHostForEdge } from './hostForEdge';
import { assignDefined, badRequest, CiObject, conflict, notFound, optFields, parseJsonObject, routeId, sendEmpty, sendJson } from './http';
import type { EnvironmentRecord } from './model';
import type { RequestContext, Router } from './router';

const ENV_NOT_FOUND = 'Unable to find an environment with the specified identifier inside the database';
const TYPE_VALUES =
  'invalid environment type value. Value must be one of: 1 (Docker environment), 2 (Agent environment), 3 (Azure environment), 4 (Edge Agent environment) or 5 (Local Kubernetes environment)';

interface CreatePayload {
  name: string;
  url: string;
  groupId: number;
  tagIds: number[];
  checkin: number;
  containerEngine: string;
  gpus: { name: string; value: string }[];
}

/** Portainer's endpointCreatePayload.Validate, for the fields the Edge path reads. */
function validateCreate(form: FormValues): CreatePayload {
  const invalid = (details: string) => badRequest('Invalid request payload', details);
  const name = form.value('Name');
  if (!name) throw invalid('invalid environment name');
  const typeRaw = form.value('EndpointCreationType');
  if (!/^[+-]?\d+$/.test(typeRaw)) throw invalid(TYPE_VALUES);
  const type = Number(typeRaw);
  if (type < 1 || type > 5) throw invalid(TYPE_VALUES);
  if (type !== 4) {
    throw invalid(`this local server emulates Portainer for Edge onboarding only and creates only Edge Agent environments (EndpointCreationType=4); type ${type} is not supported here`);
  }
  const containerEngine = form.value('ContainerEngine');
  if (containerEngine !== '' && containerEngine !== 'docker' && containerEngine !== 'podman') throw invalid('invalid container engine value');
  let groupId: number;
  try {
    groupId = form.int('GroupID', 0);
  } catch {
    throw invalid('invalid environment group identifier');
  }
  if (groupId === 0) groupId = 1;
  let tagIds: number[] = [];
  const tagsRaw = form.value('TagIds');
  if (tagsRaw !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tagsRaw);
    } catch {
      throw invalid('invalid TagIds parameter');
    }
    if (parsed !== null && (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'number' && Number.isInteger(x)))) throw invalid('invalid TagIds parameter');
    tagIds = (parsed as number[] | null) ?? [];
  }
  let gpus: { name: string; value: string }[] = [];
  const gpusRaw = form.value('Gpus');
  if (gpusRaw !== '') {
    try {
      const parsed = JSON.parse(gpusRaw) as unknown;
      if (parsed !== null && !Array.isArray(parsed)) throw new Error('not an array');
      gpus = ((parsed as unknown[] | null) ?? []).map((g) => {
        const o = new CiObject((g ?? {}) as Record<string, unknown>);
        return { name: String(o.get('name') ?? ''), value: String(o.get('value') ?? '') };
      });
    } catch {
      throw invalid('invalid Gpus parameter');
    }
  }
  const url = form.value('URL');
  if (url.trim() === '') throw invalid('URL cannot be empty');
  let checkin: number;
  try {
    checkin = form.int('EdgeCheckinInterval', 0);
    if (checkin === 0) checkin = form.int('CheckinInterval', 0);
  } catch {
    throw invalid('invalid EdgeCheckinInterval parameter');
  }
  return { name, url, groupId, tagIds: [...new Set(tagIds)], checkin, containerEngine, gpus };
}

interface ListQuery {
  start: number;
  limit: number;
  search: string;
  name: string;
  sort: string;
  desc: boolean;
  types?: Set<number>;
  groupIds?: Set<number>;
  tagIds?: number[];
  tagsPartialMatch: boolean;
  statuses?: Set<number>;
  endpointIds?: Set<number>;
  excludeIds?: Set<number>;
  agentVersions?: Set<string>;
  untrusted: boolean;
}

function intList(q: URLSearchParams, name: string): number[] | undefined {
  const values = q.getAll(`${name}[]`);
  if (!values.length) return undefined;
  return values.map((v) => {
    if (!/^[+-]?\d+$/.test(v)) throw badRequest(`Invalid ${name} parameter`, `strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  });
}

function parseListQuery(q: URLSearchParams): ListQuery {
  const num = (name: string) => {
    const v = q.get(name);
    if (v === null || v === '') return 0;
    if (!/^\d+$/.test(v)) throw badRequest(`Invalid query parameter: ${name}`, `strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  };
  const set = (name: string) => {
    const l = intList(q, name);
    return l ? new Set(l) : undefined;
  };
  const sort = q.get('sort') ?? '';
  if (sort && !['Name', 'Group', 'Status', 'LastCheckIn', 'EdgeID'].includes(sort)) throw badRequest('Invalid sort parameter', `sort field ${sort} is not supported`);
  const order = q.get('order') ?? '';
  if (order && order !== 'asc' && order !== 'desc') throw badRequest('Invalid order parameter', `order ${order} is not supported`);
  return {
    start: num('start'),
    limit: num('limit'),
    search: (q.get('search') ?? '').toLowerCase(),
    name: q.get('name') ?? '',
    sort,
    desc: order === 'desc',
    types: set('types'),
    groupIds: set('groupIds'),
    tagIds: intList(q, 'tagIds'),
    tagsPartialMatch: q.get('tagsPartialMatch') === 'true',
    statuses: set('status'),
    endpointIds: set('endpointIds'),
    excludeIds: set('excludeIds'),
    agentVersions: q.getAll('agentVersions[]').length ? new Set(q.getAll('agentVersions[]')) : undefined,
    untrusted: q.get('edgeDeviceUntrusted') === 'true',
  };
}

export function registerEndpointRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  const find = (rc: RequestContext): EnvironmentRecord => {
    const env = store.envById.get(routeId(rc.params.id!, 'environment'));
    if (!env) throw notFound(ENV_NOT_FOUND, 'Object not found inside the database');
    return env;
  };
  const checkGroup = (id: number) => {
    if (!store.group(id)) throw notFound('Unable to find an environment group inside the database', `environment group ${id} does not exist`);
  };
  const checkTags = (ids: number[]) => {
    for (const id of ids) if (!store.tag(id)) throw notFound('Unable to find a tag inside the database', `tag ${id} does not exist`);
  };

  // ---- create ------------------------------------------------------------------------------
  router.add('POST', '/api/endpoints', 'admin', async (rc) => {
    const body = await rc.body();
    const form = FormValues.parse(rc.req, rc.query, body);
    const p = validateCreate(form);
    if (store.envByName.has(p.name)) throw conflict('Name is not unique');
    const parsed = parseHostForEdge(p.url);
    if ('error' in parsed) throw badRequest('Unable to parse host', parsed.error);
    checkGroup(p.groupId);
    checkTags(p.tagIds);
    const tunnelAddress = createTunnelAddress(ctx, form, parsed.host);
    const asyncSettings = createAsyncSettings(ctx, form);
    const id = store.peekEnvironmentId();
    let edgeKey: string;
    try {
      edgeKey = encodeEdgeKey({ portainerUrl: p.url, tunnelAddress, tunnelFingerprint: ctx.fingerprint, environmentId: id });
    } catch (e) {
      // Extension: Portainer would build a key the agent cannot parse (a '|' in the URL).
      throw badRequest('Invalid request payload', e instanceof AppError ? e.message : String(e));
    }
    store.nextId('endpoint');
    const env: EnvironmentRecord = {
      Id: id,
      Name: p.name,
      Type: 4,
      ContainerEngine: p.containerEngine,
      URL: parsed.host,
      GroupId: p.groupId,
      PublicURL: '',
      Gpus: p.gpus,
      TagIds: p.tagIds,
      Status: 1,
      EdgeID: store.doc.settings.EnforceEdgeID ? randomUUID() : '',
      EdgeKey: edgeKey,
      EdgeCheckinInterval: p.checkin,
      LastCheckInDate: 0,
      UserTrusted: true,
      AgentVersion: '',
      ...(asyncSettings ? { Edge: asyncSettings } : {}),
    };
    store.addEnvironment(env);
    environmentChanged(ctx, env);
    ctx.logger.info(`created Edge environment ${env.Id} (${JSON.stringify(env.Name)})`);
    sendJson(rc.res, endpointJson(ctx, env));
  });

  // ---- list --------------------------------------------------------------------------------
  router.add('GET', '/api/endpoints', 'authenticated', (rc) => {
    const q = parseListQuery(rc.query);
    const now = nowSec(ctx);
    const all = store.doc.environments;
    const groupNames = new Map(store.doc.groups.map((g) => [g.Id, g.Name.toLowerCase()]));
    const tagNames = new Map(store.doc.tags.map((t) => [t.ID, t.Name.toLowerCase()]));
    const out: EnvironmentRecord[] = [];
    for (const env of all) {
      if (isEdge(env) && env.UserTrusted === q.untrusted) continue;
      if (q.types && !q.types.has(env.Type)) continue;
      if (q.groupIds && !q.groupIds.has(env.GroupId)) continue;
      if (q.endpointIds && !q.endpointIds.has(env.Id)) continue;
      if (q.excludeIds && q.excludeIds.has(env.Id)) continue;
      if (q.name && env.Name !== q.name) continue;
      // As Portainer: the filter applies to agent environments (all Edge ones are) by the version of their last poll.
      if (q.agentVersions && isEdge(env) && !q.agentVersions.has(env.AgentVersion)) continue;
      if (q.tagIds && q.tagIds.length) {
        const has = (t: number) => env.TagIds.includes(t);
        if (q.tagsPartialMatch ? !q.tagIds.some(has) : !q.tagIds.every(has)) continue;
      }
      if (q.statuses) {
        const status = isEdge(env) ? (heartbeat(ctx, env, now) ? 1 : 2) : env.Status;
        if (!q.statuses.has(status)) continue;
      }
      if (q.search) {
        const s = q.search;
        const hit =
          env.Name.toLowerCase().includes(s) ||
          env.URL.toLowerCase().includes(s) ||
          env.EdgeID.toLowerCase().includes(s) ||
          (groupNames.get(env.GroupId) ?? '').includes(s) ||
          env.TagIds.some((t) => (tagNames.get(t) ?? '').includes(s));
        if (!hit) continue;
      }
      out.push(env);
    }
    if (q.sort) {
      const keyed = out.map((env) => ({ env, key: sortKey(ctx, env, q.sort, groupNames, now) }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.env.Id - b.env.Id));
      if (q.desc) keyed.reverse();
      for (let i = 0; i < keyed.length; i++) out[i] = keyed[i]!.env;
    } else if (q.desc) {
      out.reverse();
    }
    const total = out.length;
    const start = q.start > 0 ? q.start - 1 : 0;
    const page = q.limit > 0 ? out.slice(start, start + q.limit) : out.slice(start);
    sendJson(
      rc.res,
      page.map((env) => endpointJson(ctx, env, { list: true, now })),
      200,
      { 'X-Total-Count': String(total), 'X-Total-Available': String(all.length) },
    );
  });

  // Before /api/endpoints/:id, which would take "agent_versions" for an id.
  router.add('GET', '/api/endpoints/agent_versions', 'authenticated', (rc) => {
    const versions = new Set(store.doc.environments.map((e) => e.AgentVersion).filter((v) => v !== ''));
    sendJson(rc.res, [...versions]);
  });

  // ---- inspect / update / delete ------------------------------------------------------------
  router.add('GET', '/api/endpoints/:id', 'authenticated', (rc) => {
    sendJson(rc.res, endpointJson(ctx, find(rc), { now: nowSec(ctx) }));
  });

  router.add('PUT', '/api/endpoints/:id', 'admin', async (rc) => {
    const env = find(rc);
    const body = await rc.json();
    const f = optFields(body, { Name: 'string', URL: 'string', PublicURL: 'string', GroupID: 'int', TagIDs: '[]int', EdgeCheckinInterval: 'int', Status: 'int' });
    const edge = updateAsyncSettings(ctx, body, env.Edge);
    const name = f.Name;
    if (name !== undefined && name !== env.Name) {
      const other = store.envByName.get(name);
      if (other && other !== env) throw conflict('Name is not unique');
    }
    if (f.GroupID !== undefined) checkGroup(f.GroupID);
    if (f.TagIDs !== undefined) checkTags(f.TagIDs);
    if (f.EdgeCheckinInterval !== undefined && f.EdgeCheckinInterval < 0) throw badRequest('Invalid request payload', 'invalid EdgeCheckinInterval');
    if (name !== undefined && name !== '') store.renameEnvironment(env, name);
    assignDefined(env, {
      URL: isEdge(env) ? undefined : f.URL, // an Edge environment's URL is fixed: the Portainer address its key carries
      PublicURL: f.PublicURL,
      GroupId: f.GroupID,
      TagIds: f.TagIDs && [...new Set(f.TagIDs)],
      EdgeCheckinInterval: f.EdgeCheckinInterval,
      Status: f.Status === 1 || f.Status === 2 ? f.Status : undefined,
      Edge: edge,
    });
    environmentChanged(ctx, env);
    sendJson(rc.res, endpointJson(ctx, env));
  });

  const remove = (env: EnvironmentRecord) => {
    ctx.tunnels.forget(env.Id);
    store.removeEnvironment(env.Id);
    environmentChanged(ctx, env.Id);
    ctx.logger.info(`deleted environment ${env.Id}`);
  };

  router.add('DELETE', '/api/endpoints/:id', 'admin', (rc) => {
    remove(find(rc));
    sendEmpty(rc.res);
  });

  router.add('DELETE', '/api/endpoints', 'admin', async (rc) => {
    const body = new CiObject(parseJsonObject(await rc.body()));
    const list = body.get('endpoints');
    if (!Array.isArray(list) || list.length === 0) throw badRequest('Invalid request payload', 'invalid environment identifiers');
    const deleted: number[] = [];
    const errors: number[] = [];
    for (const item of list) {
      const id = new CiObject((item ?? {}) as Record<string, unknown>).get('id');
      const env = typeof id === 'number' ? store.envById.get(id) : undefined;
      if (env) {
        remove(env);
        deleted.push(env.Id);
      } else if (typeof id === 'number') {
        errors.push(id);
      }
    }
    if (errors.length) sendJson(rc.res, { deleted, errors }, 207);
    else sendEmpty(rc.res);
  });

  router.add('DELETE', '/api/endpoints/:id/association', 'admin', (rc) => {
    const env = find(rc);
    if (!isEdge(env)) throw badRequest('Invalid environment type', 'Only Edge environments can be disassociated');
    ctx.tunnels.close(env.Id, 'removed');
    store.setEdgeId(env, '');
    // §2.7's http:// → https:// key rewrite is not applied: this server has a single port and scheme.
    environmentChanged(ctx, env);
    if (disassociateAnswersEnvironment(ctx.version, ctx.edition)) sendJson(rc.res, endpointJson(ctx, env));
    else sendEmpty(rc.res);
  });

  // ---- legacy poll path (agents ≤ 2.12) ----------------------------------------------------------
  router.add('GET', '/api/endpoints/:id/status', 'public', (rc) => {
    const id = routeId(rc.params.id!, 'environment');
    const location = `/api/endpoints/${id}/edge/status`;
    const body = `<a href="${location}">Permanent Redirect</a>.\n\n`;
    rc.res.writeHead(308, { Location: location, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    rc.res.end(body);
  });
}

function sortKey(ctx: ServerContext, env: EnvironmentRecord, sort: string, groupNames: Map<number, string>, now: number): string | number {
  switch (sort) {
    case 'Name':
      return env.Name.toLowerCase();
    case 'Group':
      return groupNames.get(env.GroupId) ?? '';
    case 'Status':
      return isEdge(env) ? (heartbeat(ctx, env, now) ? 1 : 2) : env.Status;
    case 'LastCheckIn':
      return ctx.store.heartbeat(env.Id);
    case 'EdgeID':
      return env.EdgeID.toLowerCase();
    default:
      return env.Id;
  }
}
