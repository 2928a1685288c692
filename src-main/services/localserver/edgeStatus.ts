import type { IncomingMessage, ServerResponse } from 'node:http';
import { effectiveCheckin, isEdge, type ServerContext } from './context';
import { etagOf } from './fnv';
import { errorBody } from './http';

/** Every poll 403 carries this message; the reason is in `details` (portainer-edge.md §3.3). */
export const POLL_FORBIDDEN = 'Permission denied to access environment. The device has not been trusted yet';

const prebuilt = (status: number, message: string, details?: string) => {
  const body = Buffer.from(errorBody(message, details));
  return { status, body, headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } };
};
const NOT_TRUSTED = prebuilt(403, POLL_FORBIDDEN, 'the device has not been trusted yet');
const BAD_TYPE = prebuilt(403, POLL_FORBIDDEN, 'Invalid environment type');
const MISSING_ID = prebuilt(403, POLL_FORBIDDEN, 'missing Edge identifier');
const WRONG_ID = prebuilt(403, POLL_FORBIDDEN, 'invalid Edge identifier');
const BAD_PLATFORM_MISSING = prebuilt(400, 'agent platform header is not valid', 'agent platform header is missing');

export interface PollEvent {
  environmentId: number;
  status: number;
  edgeId: string;
  tunnel?: 'IDLE' | 'REQUIRED' | 'ACTIVE';
}

function emitPoll(ctx: ServerContext, environmentId: number, status: number, req: IncomingMessage, tunnel?: 'IDLE' | 'REQUIRED' | 'ACTIVE'): void {
  if (ctx.events.listenerCount('poll') === 0) return;
  const edgeId = req.headers['x-portaineragent-edgeid'];
  const ev: PollEvent = { environmentId, status, edgeId: typeof edgeId === 'string' ? edgeId : '' };
  if (tunnel) ev.tunnel = tunnel;
  ctx.events.emit('poll', ev);
}

function reply(res: ServerResponse, r: { status: number; body: Buffer; headers: Record<string, string> }): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

/**
 * Portainer's respondFromCache (endpointedge_status_inspect.go, 2.23.0): the header split on ','
 * with nothing trimmed, no match at all when the first piece is empty, and each piece compared
 * byte for byte with the one cached ETag.
 */
export function etagListHas(header: string, etag: string): boolean {
  if (header === etag) return header !== '';
  const pieces = header.split(',');
  if (pieces[0] === '') return false;
  return pieces.includes(etag);
}

/** Go's Header.Get: the first header line only (Node joins repeated If-None-Match lines with ", "). */
function firstIfNoneMatch(req: IncomingMessage, joined: string): string {
  if (!joined.includes(', ')) return joined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'if-none-match') return raw[i + 1]!;
  return joined;
}

/** Go's strconv.Atoi for the platform header: 1 → Edge on Docker (4), 2 → Edge on Kubernetes (7). */
function platformType(header: string | string[] | undefined): number | string {
  if (header === undefined || header === '') return 'agent platform header is missing';
  const v = Array.isArray(header) ? (header[0] ?? '') : header;
  if (!/^[+-]?\d{1,18}$/.test(v)) return `strconv.Atoi: parsing "${v}": invalid syntax`;
  const n = Number(v);
  if (n === 1) return 4;
  if (n === 2) return 7;
  return `agent platform ${n} is not valid`;
}

/**
 * GET /api/endpoints/{id}/edge/status: the Edge agent's poll, in Portainer 2.23's order (§3.3).
 * The hot path: a matching ETag answers 304 before anything else is looked at.
 */
export async function handlePoll(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, id: number): Promise<void> {
  const store = ctx.store;
  // 1. ETag shortcut: no trust or Edge ID checks; only the heartbeat is updated.
  const inm = req.headers['if-none-match'];
  if (inm) {
    const cached = ctx.etags.get(id);
    if (cached !== undefined && etagListHas(firstIfNoneMatch(req, inm), cached)) {
      store.updateHeartbeat(id, Math.floor(ctx.now() / 1000));
      res.writeHead(304, { ETag: cached });
      res.end();
      emitPoll(ctx, id, 304, req);
      return;
    }
  }
  // 2./3. Existence (no heartbeat entry / cannot load).
  const env = store.envById.get(id);
  if (!env) {
    reply(res, NOT_TRUSTED);
    emitPoll(ctx, id, 403, req);
    return;
  }
  // Portainer reads "first connection" with the environment, before any check: from the in-memory
  // heartbeat, which the next step sets for every poll past the Edge ID checks. So a poll refused
  // as untrusted (403) or for its platform header (400) uses up the first connection until the
  // server restarts (the stored LastCheckInDate, which heartbeats start from, is only written below).
  // Business Edition's waiting room (issue #15): the first poll that gets through after trust opens
  // the initial tunnel, however many untrusted polls came before.
  const firstConnection = store.heartbeat(id) === 0 || env.awaitingFirstTrustedPoll === true;
  // 4. AuthorizedEdgeEndpointOperation.
  const edgeIdHeader = req.headers['x-portaineragent-edgeid'];
  const edgeId = typeof edgeIdHeader === 'string' ? edgeIdHeader : '';
  const denied = !isEdge(env) ? BAD_TYPE : edgeId === '' ? MISSING_ID : env.EdgeID !== '' && env.EdgeID !== edgeId ? WRONG_ID : undefined;
  if (denied) {
    reply(res, denied);
    emitPoll(ctx, id, 403, req);
    return;
  }
  // 5. Heartbeat.
  store.updateHeartbeat(env.Id, Math.floor(ctx.now() / 1000));
  // 6. TrustedEdgeEnvironmentAccess.
  if (!env.UserTrusted && !store.doc.settings.TrustOnFirstConnect) {
    if (firstConnection && ctx.edition === 'be') env.awaitingFirstTrustedPoll = true;
    reply(res, NOT_TRUSTED);
    emitPoll(ctx, id, 403, req);
    return;
  }
  // 7. The "transaction": validate the platform first so that a 400 changes nothing.
  const type = platformType(req.headers['portainer-agent-platform']);
  if (typeof type === 'string') {
    reply(res, type === 'agent platform header is missing' ? BAD_PLATFORM_MISSING : prebuilt(400, 'agent platform header is not valid', type));
    emitPoll(ctx, id, 400, req);
    return;
  }
  let changed = false;
  if (env.EdgeID === '') {
    store.setEdgeId(env, edgeId);
    changed = true;
  }
  if (env.Type !== type) {
    env.Type = type;
    changed = true;
  }
  const agentHeader = req.headers['portainer-agent'];
  const agentVersion = typeof agentHeader === 'string' ? agentHeader : '';
  if (env.AgentVersion !== agentVersion) {
    env.AgentVersion = agentVersion;
    changed = true;
  }
  if (firstConnection) {
    delete env.awaitingFirstTrustedPoll;
    changed = true;
    try {
      await ctx.tunnels.open(env);
    } catch (e) {
      ctx.logger.warn(`could not open the tunnel of environment ${env.Id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  store.storeCheckIn(env, Math.floor(ctx.now() / 1000));
  store.markDirty(changed ? 'soon' : 'lazy');
  // 8. Response, ETag.
  const tunnel = ctx.tunnels.config(env.Id);
  const json =
    `{"status":"${tunnel.status}","port":${tunnel.port},"schedules":[],"checkin":${effectiveCheckin(ctx, env)},` +
    `"credentials":"${tunnel.credentials}","stacks":[]}`;
  const body = Buffer.from(json);
  const etag = etagOf(body);
  ctx.etags.set(env.Id, etag);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ETag: etag });
  res.end(body);
  ctx.tunnels.answered(env.Id, tunnel.status);
  emitPoll(ctx, env.Id, 200, req, tunnel.status);
  if (changed && ctx.events.listenerCount('environment-changed')) ctx.events.emit('environment-changed', { environmentId: env.Id });
}

/** `/api/endpoints/<digits>/edge/status` → the id, else -1 (cheap, no regex). */
export function pollPathId(path: string): number {
  const PREFIX = '/api/endpoints/';
  const SUFFIX = '/edge/status';
  if (path.length <= PREFIX.length + SUFFIX.length || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) return -1;
  const end = path.length - SUFFIX.length;
  if (end - PREFIX.length > 15) return -1;
  let n = 0;
  for (let i = PREFIX.length; i < end; i++) {
    const c = path.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
