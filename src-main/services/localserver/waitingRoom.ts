import { encodeEdgeKey } from '../../shared/domain/edgeKey';
import { environmentChanged, isEdge, type ServerContext } from './context';
import { setEdgeGroups } from './edgeGroups';
import { badRequest, CiObject, HttpError, notFound, optInt, optIntArray, parseJsonObject, routeId, sendEmpty, sendJson } from './http';
import type { EnvironmentRecord } from './model';
import type { Router } from './router';

/**
 * The global key and the waiting room (docs/portainer-versions.md facts 7–13). CE only finds an
 * environment by Edge ID; the Business Edition profile creates one for an unknown Edge ID,
 * untrusted unless trust on first connect is on, and the admin trusts it (one, or many with
 * relations: group, tags, Edge groups).
 */
export function registerWaitingRoomRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;

  router.add('POST', '/api/endpoints/global-key', 'public', async (rc) => {
    const edgeId = rc.req.headers['x-portaineragent-edgeid'];
    if (typeof edgeId !== 'string' || edgeId === '') throw badRequest('Invalid Edge ID', 'the Edge ID cannot be empty');
    const known = store.envByEdgeId.get(edgeId);
    if (known) return sendJson(rc.res, { endpointID: known.Id });
    if (ctx.edition !== 'be') throw new HttpError(404, 'Unable to find the endpoint in the database');
    const raw = await rc.body();
    let body = new CiObject({});
    if (raw.length > 0) {
      try {
        body = new CiObject(parseJsonObject(raw));
      } catch (e) {
        throw badRequest('Invalid request payload', e instanceof Error ? e.message : String(e));
      }
    }
    // Unknown group → 1, unknown tags and Edge groups dropped: BE logs and carries on.
    const groupId = optInt(body, 'EnvironmentGroupID') ?? 0;
    const tagIds = (optIntArray(body, 'TagsIDs') ?? []).filter((id) => store.tag(id));
    const edgeGroupIds = optIntArray(body, 'EdgeGroupsIDs') ?? [];
    const env = createWaiting(ctx, edgeId, groupId > 0 && store.group(groupId) ? groupId : 1, tagIds);
    setEdgeGroups(ctx, env, edgeGroupIds);
    ctx.logger.info(`global key: created Edge environment ${env.Id} for Edge ID ${JSON.stringify(edgeId)} (${env.UserTrusted ? 'trusted on first connect' : 'waiting for trust'})`);
    sendJson(rc.res, { endpointID: env.Id });
  });

  const beOnly = () => {
    if (ctx.edition !== 'be') throw new HttpError(404, 'Not found', 'trusting Edge devices is a Business Edition feature');
  };

  // Registered before /:id routes so "edge" is never read as an id.
  router.add('POST', '/api/endpoints/edge/trust', 'admin', async (rc) => {
    beOnly();
    const body = await rc.json();
    const ids = optIntArray(body, 'EndpointIDs');
    if (!ids?.length) throw badRequest('Invalid request payload', 'EndpointIDs must list at least one environment');
    const relations = body.get('Relations');
    if (relations !== undefined && (typeof relations !== 'object' || relations === null || Array.isArray(relations))) throw badRequest('Invalid request payload', 'Relations must be an object keyed by environment id');
    const envs = ids.map((id) => {
      const env = store.envById.get(id);
      if (!env) throw notFound('Unable to find an environment with the specified identifier inside the database', `environment ${id} does not exist`);
      if (!isEdge(env)) throw badRequest('Environment is not an edge environment', `environment ${id}`);
      return env;
    });
    const rel = (relations ?? {}) as Record<string, unknown>;
    // Check every relation before changing anything.
    const plans = envs.map((env) => ({ env, r: checkRelation(ctx, rel[String(env.Id)]) }));
    for (const { env, r } of plans) trust(ctx, env, r);
    sendEmpty(rc.res);
  });

  router.add('POST', '/api/endpoints/:id/edge/trust', 'admin', (rc) => {
    beOnly();
    const env = store.envById.get(routeId(rc.params.id!, 'environment'));
    if (!env) throw badRequest('Unable to find an environment on request context');
    if (!isEdge(env)) throw badRequest('Environment is not an edge environment');
    trust(ctx, env, {});
    sendEmpty(rc.res);
  });
}

interface Relation {
  group?: number;
  tags?: number[];
  edgeGroups?: number[];
}

function checkRelation(ctx: ServerContext, raw: unknown): Relation {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('Invalid request payload', 'each relation is an object with Group, Tags and EdgeGroups');
  const o = new CiObject(raw as Record<string, unknown>);
  const r: Relation = {};
  const group = optInt(o, 'Group');
  if (group !== undefined) {
    if (!ctx.store.group(group)) throw notFound('Unable to find an environment group inside the database', `environment group ${group} does not exist`);
    r.group = group;
  }
  const tags = optIntArray(o, 'Tags');
  if (tags !== undefined) {
    for (const id of tags) if (!ctx.store.tag(id)) throw notFound('Unable to find a tag inside the database', `tag ${id} does not exist`);
    r.tags = tags;
  }
  const edgeGroups = optIntArray(o, 'EdgeGroups');
  if (edgeGroups !== undefined) {
    for (const id of edgeGroups) if (!ctx.store.doc.edgeGroups.some((g) => g.Id === id)) throw notFound('Unable to find an Edge group inside the database', `Edge group ${id} does not exist`);
    r.edgeGroups = edgeGroups;
  }
  return r;
}

/** Trusts `env`; a relation field left out keeps what the environment has. */
function trust(ctx: ServerContext, env: EnvironmentRecord, r: Relation): void {
  env.UserTrusted = true;
  if (r.group !== undefined) env.GroupId = r.group;
  if (r.tags !== undefined) env.TagIds = [...new Set(r.tags)];
  if (r.edgeGroups !== undefined) setEdgeGroups(ctx, env, r.edgeGroups);
  ctx.logger.info(`trusted Edge environment ${env.Id} (${JSON.stringify(env.Name)})`);
  environmentChanged(ctx, env);
}

/** BE's environment for an unknown Edge ID: named after it, the default check-in interval. */
function createWaiting(ctx: ServerContext, edgeId: string, groupId: number, tagIds: number[]): EnvironmentRecord {
  const store = ctx.store;
  const id = store.peekEnvironmentId();
  const url = store.doc.settings.EdgePortainerUrl || `${ctx.https ? 'https' : 'http'}://127.0.0.1:${ctx.httpPort}`;
  const host = new URL(url).hostname;
  store.nextId('endpoint');
  const env: EnvironmentRecord = {
    Id: id,
    Name: store.envByName.has(edgeId) ? `${edgeId}-${id}` : edgeId,
    Type: 4,
    ContainerEngine: '',
    URL: host,
    GroupId: groupId,
    PublicURL: '',
    Gpus: [],
    TagIds: [...new Set(tagIds)],
    Status: 1,
    EdgeID: edgeId,
    EdgeKey: encodeEdgeKey({ portainerUrl: url, tunnelAddress: `${host}:${ctx.tunnelPort}`, tunnelFingerprint: ctx.fingerprint, environmentId: id }),
    EdgeCheckinInterval: store.doc.settings.EdgeAgentCheckinInterval,
    LastCheckInDate: 0,
    UserTrusted: store.doc.settings.TrustOnFirstConnect,
    AgentVersion: '',
    ...(store.doc.settings.TrustOnFirstConnect ? {} : { awaitingFirstTrustedPoll: true }),
  };
  store.addEnvironment(env);
  environmentChanged(ctx, env);
  return env;
}
