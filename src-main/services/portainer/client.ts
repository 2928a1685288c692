import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, request, type Agent } from 'undici';
import { AppError } from '../../shared/contract/errors';
import { isHeartbeatAlive } from '../../shared/domain/heartbeat';
import type { AsyncIntervals } from '../../shared/domain/edgeAsync';
import type { EdgeGroupView, EnvironmentPageView, EnvironmentState, EnvironmentView, GroupView, ServerVersionView, TagView, TunnelStateView } from '../../shared/schemas/portainer';
import type { Logger } from '../logging/logger';
import { silentLogger } from '../logging/logger';
import type { Redactor } from '../logging/redact';
import { isRetryableNetworkError, LOGIN_BAN_MS, mapHttpFailure, mapNetworkError, notPortainer, type MapContext, type Operation } from './errors';
import { createDispatcher, CONNECT_TIMEOUT_MS, type TlsSettings } from './tls';
import { hostPort, normaliseBaseUrl } from './url';

export type Credentials = { kind: 'password'; username: string; password: string } | { kind: 'apiKey'; apiKey: string };

export interface PortainerClientOptions {
  url: string;
  tls?: TlsSettings;
  credentials?: Credentials;
  logger?: Logger;
  /** Every secret the client sees (password, API key, JWT, agent secret) is registered here. */
  redactor?: Redactor;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Attempts for idempotent GETs (default 3) and the first back-off delay (250 ms, doubling). */
  getAttempts?: number;
  backoffMs?: number;
}

export interface ServerStatus {
  version: string;
  instanceId?: string;
}

export interface ServerSettings {
  edgeAgentCheckinInterval: number;
  enforceEdgeId: boolean;
  trustOnFirstConnect: boolean;
  enableEdgeComputeFeatures: boolean;
  edgePortainerUrl: string;
  /** Settings.Edge.TunnelServerAddress (Business Edition; '' when unset or unknown). */
  tunnelServerAddress: string;
  /** Settings.Edge's async intervals (Business Edition's defaults for async agents). */
  asyncDefaults: AsyncIntervals;
  /** The AGENT_SECRET the server was started with ('' when none). Never log or send to the renderer. */
  agentSecret: string;
}

export interface ListEnvironmentsQuery {
  start?: number;
  limit?: number;
  search?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  groupIds?: number[];
  tagIds?: number[];
  /** Portainer's status[] filter: 1 up, 2 down. */
  status?: number[];
  types?: number[];
  /** Only these environments (`endpointIds[]`; older servers ignore it, see portainerServerApi). */
  endpointIds?: number[];
  /** The waiting room: Edge devices not trusted yet (`edgeDeviceUntrusted=true`). */
  untrusted?: boolean;
  /** `agentVersions[]`: agents that reported one of these versions (portainer-versions.md). */
  agentVersions?: string[];
}

/** What trusting may also set (docs/portainer-versions.md fact 12); a field left out keeps the environment's. */
export interface TrustRelations {
  groupId?: number;
  tagIds?: number[];
  edgeGroupIds?: number[];
}


export interface CreateEdgeEnvironmentInput {
  name: string;
  /** The Portainer URL as agents reach it: it becomes field 1 of the Edge key. */
  portainerUrl: string;
  pollSeconds?: number;
  groupId?: number;
  tagIds?: number[];
  containerEngine?: 'docker' | 'podman';
  /** Business Edition: the address agents open the tunnel to, when the server's settings have none. */
  tunnelServerAddress?: string;
  /** Business Edition: an async agent, with its intervals (-1 = the server's default). */
  async?: AsyncIntervals;
}

export interface UpdateEnvironmentInput {
  name?: string;
  groupId?: number;
  tagIds?: number[];
  pollSeconds?: number;
  /** Business Edition: the async intervals (the mode itself is fixed at create). */
  asyncIntervals?: AsyncIntervals;
}

interface SendOptions {
  query?: URLSearchParams;
  json?: unknown;
  form?: () => FormData;
  operation?: Operation;
  /** Send credentials (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  contentType: string;
}

export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Portainer bans an address for an hour after more than 10 POST /api/auth per second. Every
 * client in this process shares one budget per server origin and stays at 5 logins per second.
 */
const LOGINS_PER_SECOND = 5;
const recentLogins = new Map<string, number[]>();

/**
 * When this process first saw a server refuse logins with 403 (its limiter's ban), per origin:
 * the ban began before that, so one hour after it is the latest the ban can end. Forgotten on a
 * successful login or once that hour has passed.
 */
const loginRefusedSince = new Map<string, number>();

function loginRefusal(origin: string, status: number, now: number): number | undefined {
  const seen = loginRefusedSince.get(origin);
  if (status !== 403 || (seen !== undefined && now - seen >= LOGIN_BAN_MS)) loginRefusedSince.delete(origin);
  if (status !== 403) return undefined;
  const since = loginRefusedSince.get(origin) ?? now;
  loginRefusedSince.set(origin, since);
  return since;
}

async function loginSlot(origin: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const now = Date.now();
    const times = (recentLogins.get(origin) ?? []).filter((t) => now - t < 1000);
    if (times.length < LOGINS_PER_SECOND) {
      times.push(now);
      recentLogins.set(origin, times);
      return;
    }
    try {
      await sleep(1000 - (now - times[0]!) + 5, undefined, { signal });
    } catch {
      throw new AppError('cancelled', 'The login was cancelled.');
    }
  }
}

/**
 * A client for one Portainer server. Speaks JSON except for environment creation (multipart form,
 * as the UI posts it). Auth is either a JWT from POST /api/auth, held in memory only, or an API key;
 * exactly one of Authorization / X-API-KEY is ever sent, and no Cookie header at all (a
 * portainer_api_key cookie would switch on Portainer's CSRF checks).
 */
export class PortainerClient {
  readonly baseUrl: string;
  readonly tls: TlsSettings;
  private readonly dispatcher: Agent;
  private readonly credentials?: Credentials;
  private readonly logger: Logger;
  private readonly redactor?: Redactor;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly getAttempts: number;
  private readonly backoffMs: number;
  private jwt?: string;
  private login?: Promise<string>;

  constructor(options: PortainerClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.url);
    this.tls = options.tls ?? { mode: 'system' };
    this.credentials = options.credentials;
    this.logger = options.logger ?? silentLogger;
    this.redactor = options.redactor;
    this.connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.getAttempts = Math.max(1, options.getAttempts ?? 3);
    this.backoffMs = options.backoffMs ?? 250;
    this.dispatcher = createDispatcher(this.tls, { connectTimeoutMs: this.connectTimeoutMs });
    if (this.credentials?.kind === 'password') this.redactor?.add(this.credentials.password);
    if (this.credentials?.kind === 'apiKey') this.redactor?.add(this.credentials.apiKey);
  }

  get authKind(): 'password' | 'apiKey' | undefined {
    return this.credentials?.kind;
  }

  get loggedIn(): boolean {
    return this.jwt !== undefined;
  }

  async close(): Promise<void> {
    this.jwt = undefined;
    await this.dispatcher.close().catch(() => undefined);
  }

  // ---------- API ----------

  /** Public: GET /api/system/status, falling back to /api/status (servers ≤ 2.16) on 404. */
  async status(signal?: AbortSignal): Promise<ServerStatus> {
    let reply = await this.raw('GET', '/api/system/status', { auth: false, operation: 'status', signal });
    if (reply.status === 404) reply = await this.raw('GET', '/api/status', { auth: false, operation: 'status', signal });
    if (reply.status >= 500) throw this.httpError('GET', '/api/system/status', reply, 'status');
    const body = parseJson(reply.text);
    const version = body && typeof body === 'object' ? (body as Record<string, unknown>).Version : undefined;
    if (reply.status !== 200 || typeof version !== 'string' || version === '') {
      const what = !isJsonType(reply.contentType) && /<html|<!doctype/i.test(reply.text)
        ? `it returned an HTML page for /api/system/status (HTTP ${reply.status})`
        : `no Portainer version in its answer to /api/system/status (HTTP ${reply.status})`;
      throw notPortainer(this.baseUrl, what);
    }
    const instanceId = (body as Record<string, unknown>).InstanceID;
    return typeof instanceId === 'string' ? { version, instanceId } : { version };
  }

  /** Authenticated: server version and edition (CE/EE). Falls back to the public status on old servers. */
  async version(signal?: AbortSignal): Promise<ServerVersionView> {
    const reply = await this.send('GET', '/api/system/version', { signal, allow404: true });
    if (reply.status === 404) {
      const s = await this.status(signal);
      return s.instanceId ? { version: s.version, instanceId: s.instanceId } : { version: s.version };
    }
    const body = this.json<Record<string, unknown>>(reply, '/api/system/version');
    const version = str(body.ServerVersion);
    if (!version) throw notPortainer(this.baseUrl, 'no ServerVersion in /api/system/version');
    const edition = str(body.ServerEdition);
    return edition ? { version, edition } : { version };
  }

  /** Admin only: the settings that matter for Edge onboarding. */
  async settings(signal?: AbortSignal): Promise<ServerSettings> {
    const body = this.json<Record<string, unknown>>(await this.send('GET', '/api/settings', { signal }), '/api/settings');
    const agentSecret = str(body.AgentSecret);
    this.redactor?.add(agentSecret);
    const edge = body.Edge && typeof body.Edge === 'object' ? (body.Edge as Record<string, unknown>) : {};
    return {
      edgeAgentCheckinInterval: num(body.EdgeAgentCheckinInterval) || 5,
      enforceEdgeId: body.EnforceEdgeID === true,
      trustOnFirstConnect: body.TrustOnFirstConnect === true,
      enableEdgeComputeFeatures: body.EnableEdgeComputeFeatures === true,
      edgePortainerUrl: str(body.EdgePortainerUrl),
      tunnelServerAddress: str(edge.TunnelServerAddress),
      asyncDefaults: { ping: num(edge.PingInterval), snapshot: num(edge.SnapshotInterval), command: num(edge.CommandInterval) },
      agentSecret,
    };
  }

  async listEnvironments(q: ListEnvironmentsQuery = {}, signal?: AbortSignal): Promise<EnvironmentPageView> {
    const query = new URLSearchParams();
    if (q.start !== undefined) query.set('start', String(q.start));
    if (q.limit !== undefined) query.set('limit', String(q.limit));
    if (q.search) query.set('search', q.search);
    if (q.sort) query.set('sort', q.sort);
    if (q.order) query.set('order', q.order);
    for (const g of q.groupIds ?? []) query.append('groupIds[]', String(g));
    for (const t of q.tagIds ?? []) query.append('tagIds[]', String(t));
    for (const s of q.status ?? []) query.append('status[]', String(s));
    for (const t of q.types ?? []) query.append('types[]', String(t));
    for (const id of q.endpointIds ?? []) query.append('endpointIds[]', String(id));
    for (const v of q.agentVersions ?? []) query.append('agentVersions[]', v);
    if (q.untrusted) query.set('edgeDeviceUntrusted', 'true');
    query.set('excludeSnapshots', 'true');
    const reply = await this.send('GET', '/api/endpoints', { query, signal });
    const body = this.json<unknown>(reply, '/api/endpoints');
    if (!Array.isArray(body)) throw notPortainer(this.baseUrl, 'the environment list is not a JSON array');
    const items = body.map((e) => environmentView(e as RawEndpoint));
    const header = reply.headers['x-total-count'];
    const total = Number(Array.isArray(header) ? header[0] : header);
    return { items, total: Number.isFinite(total) && header !== undefined ? total : items.length };
  }

  /**
   * GET /api/endpoints/agent_versions: the agent versions the environments reported, for the list's
   * filter. A server without the route (404, older releases) gets an empty list: no filter offered.
   */
  async listAgentVersions(signal?: AbortSignal): Promise<string[]> {
    const reply = await this.send('GET', '/api/endpoints/agent_versions', { signal, allow404: true });
    if (reply.status === 404) return [];
    const body = this.json<unknown>(reply, '/api/endpoints/agent_versions');
    if (!Array.isArray(body)) throw notPortainer(this.baseUrl, 'the agent version list is not a JSON array');
    return body.filter((v): v is string => typeof v === 'string' && v !== '').sort();
  }

  async getEnvironment(id: number, signal?: AbortSignal): Promise<EnvironmentView> {
    const query = new URLSearchParams({ excludeSnapshot: 'true' });
    const reply = await this.send('GET', `/api/endpoints/${id}`, { query, signal, allow404: true });
    if (reply.status === 404) throw new AppError('not_found', `There is no environment with ID ${id} on this server (it may have been deleted).`, 'id');
    return environmentView(this.json<RawEndpoint>(reply, '/api/endpoints/{id}'));
  }

  /** POST /api/endpoints as multipart/form-data with the fields Portainer's UI sends for an Edge agent. */
  async createEdgeEnvironment(input: CreateEdgeEnvironmentInput, signal?: AbortSignal): Promise<EnvironmentView> {
    const form = () => edgeEnvironmentForm(input);
    const reply = await this.send('POST', '/api/endpoints', { form, operation: 'createEnvironment', signal });
    return environmentView(this.json<RawEndpoint>(reply, '/api/endpoints'));
  }

  async updateEnvironment(id: number, input: UpdateEnvironmentInput, signal?: AbortSignal): Promise<EnvironmentView> {
    const json: Record<string, unknown> = {};
    if (input.name !== undefined) json.Name = input.name;
    if (input.groupId !== undefined) json.GroupID = input.groupId;
    if (input.tagIds !== undefined) json.TagIDs = input.tagIds;
    if (input.pollSeconds !== undefined) json.EdgeCheckinInterval = input.pollSeconds;
    if (input.asyncIntervals) json.Edge = asyncIntervalsJson(input.asyncIntervals);
    const reply = await this.send('PUT', `/api/endpoints/${id}`, { json, operation: 'updateEnvironment', signal, allow404: true });
    if (reply.status === 404) throw new AppError('not_found', `There is no environment with ID ${id} on this server.`, 'id');
    return environmentView(this.json<RawEndpoint>(reply, '/api/endpoints/{id}'));
  }

  async deleteEnvironment(id: number, signal?: AbortSignal): Promise<void> {
    const reply = await this.send('DELETE', `/api/endpoints/${id}`, { signal, allow404: true });
    if (reply.status === 404) throw new AppError('not_found', `There is no environment with ID ${id} on this server.`, 'id');
  }

  /**
   * DELETE /api/endpoints/{id}/association: forget the bound Edge ID so a new agent can claim it.
   * Done is 204 (Community Edition 2.14 on) or 200 with the environment (2.9–2.13, Business
   * Edition; docs/portainer-versions.md fact 26). Its body is not read: callers fetch the
   * environment again, as every other view of it is read. Any other answer (a proxy's redirect)
   * did not reach the handler, so it is not taken for done.
   */
  async disassociate(id: number, signal?: AbortSignal): Promise<void> {
    const path = `/api/endpoints/${id}/association`;
    const reply = await this.send('DELETE', path, { signal, allow404: true });
    if (reply.status === 404) throw new AppError('not_found', `There is no environment with ID ${id} on this server.`, 'id');
    if (reply.status !== 200 && reply.status !== 204) throw notPortainer(this.baseUrl, `DELETE ${path} answered ${reply.status}, not 200 or 204; the Edge ID was not cleared`);
  }

  /**
   * Trusts waiting Edge devices (Business Edition): the bulk route with relations, one id per
   * environment's relation. A server without the bulk route (404) gets the single-trust route
   * when no relation is asked for.
   */
  async trustEnvironments(ids: number[], relations: TrustRelations = {}, signal?: AbortSignal): Promise<void> {
    const relation: Record<string, unknown> = {};
    if (relations.groupId !== undefined) relation.Group = relations.groupId;
    if (relations.tagIds !== undefined) relation.Tags = relations.tagIds;
    if (relations.edgeGroupIds !== undefined) relation.EdgeGroups = relations.edgeGroupIds;
    const json: Record<string, unknown> = { EndpointIDs: ids };
    if (Object.keys(relation).length) json.Relations = Object.fromEntries(ids.map((id) => [String(id), relation]));
    const reply = await this.send('POST', '/api/endpoints/edge/trust', { json, operation: 'trustEnvironments', signal, allow404: true });
    if (reply.status !== 404) return;
    if (Object.keys(relation).length) {
      throw new AppError('unsupported', 'This server cannot trust with a group, tags or Edge groups (no bulk trust route); trust without them, then update the environment.', 'relations');
    }
    for (const id of ids) {
      const one = await this.send('POST', `/api/endpoints/${id}/edge/trust`, { operation: 'trustEnvironments', signal, allow404: true });
      if (one.status === 404) throw new AppError('unsupported', 'This server has no waiting room to trust from (Portainer Business Edition has one; Community Edition trusts every Edge environment it creates).', 'id');
    }
  }

  async listEdgeGroups(signal?: AbortSignal): Promise<EdgeGroupView[]> {
    const body = this.json<unknown>(await this.send('GET', '/api/edge_groups', { signal }), '/api/edge_groups');
    if (!Array.isArray(body)) throw notPortainer(this.baseUrl, 'the Edge group list is not a JSON array');
    return body.map((g) => edgeGroupView(g as Record<string, unknown>));
  }

  /** A static Edge group (environments are added by id, or by the agent's EDGE_GROUPS). */
  async createEdgeGroup(name: string, signal?: AbortSignal): Promise<EdgeGroupView> {
    const json = { Name: name, Dynamic: false, TagIDs: [], Endpoints: [], PartialMatch: false };
    const reply = await this.send('POST', '/api/edge_groups', { json, operation: 'createEdgeGroup', signal });
    return edgeGroupView(this.json<Record<string, unknown>>(reply, '/api/edge_groups'));
  }

  /**
   * Adds an environment to a static Edge group: PUT /api/edge_groups/{id} carries the whole group
   * (Portainer's update replaces the member list), so the current members are kept.
   */
  async addToEdgeGroup(group: EdgeGroupView, environmentId: number, signal?: AbortSignal): Promise<EdgeGroupView> {
    if (group.dynamic) throw new AppError('invalid_input', `Edge group "${group.name}" is dynamic (tag-based): add the environment's tags instead of picking the group.`, 'edgeGroupIds');
    const json = { Name: group.name, Dynamic: false, TagIDs: [], Endpoints: [...new Set([...group.environmentIds, environmentId])], PartialMatch: false };
    const reply = await this.send('PUT', `/api/edge_groups/${group.id}`, { json, operation: 'createEdgeGroup', signal });
    return edgeGroupView(this.json<Record<string, unknown>>(reply, '/api/edge_groups/{id}'));
  }

  async listGroups(signal?: AbortSignal): Promise<GroupView[]> {
    const body = this.json<unknown>(await this.send('GET', '/api/endpoint_groups', { signal }), '/api/endpoint_groups');
    if (!Array.isArray(body)) throw notPortainer(this.baseUrl, 'the group list is not a JSON array');
    return body.map((g) => groupView(g as Record<string, unknown>));
  }

  async createGroup(input: { name: string; description?: string }, signal?: AbortSignal): Promise<GroupView> {
    const json = { Name: input.name, Description: input.description ?? '', AssociatedEndpoints: [], TagIDs: [] };
    const reply = await this.send('POST', '/api/endpoint_groups', { json, operation: 'createGroup', signal });
    return groupView(this.json<Record<string, unknown>>(reply, '/api/endpoint_groups'));
  }

  async listTags(signal?: AbortSignal): Promise<TagView[]> {
    const body = this.json<unknown>(await this.send('GET', '/api/tags', { signal }), '/api/tags');
    if (!Array.isArray(body)) throw notPortainer(this.baseUrl, 'the tag list is not a JSON array');
    return body.map((t) => tagView(t as Record<string, unknown>));
  }

  async createTag(name: string, signal?: AbortSignal): Promise<TagView> {
    const reply = await this.send('POST', '/api/tags', { json: { Name: name }, operation: 'createTag', signal });
    return tagView(this.json<Record<string, unknown>>(reply, '/api/tags'));
  }

  /** Logs in now (password auth) or checks the API key, so a profile can be validated on add. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    if (!this.credentials) throw new AppError('unauthorized', 'No credentials: enter a password or an API key.', 'password');
    if (this.credentials.kind === 'password') {
      this.jwt = undefined;
      await this.ensureJwt(signal);
    } else {
      await this.send('GET', '/api/system/version', { signal, allow404: true });
    }
  }

  // ---------- plumbing ----------

  private async ensureJwt(signal?: AbortSignal): Promise<string> {
    if (this.jwt) return this.jwt;
    if (this.credentials?.kind !== 'password') throw new AppError('unauthorized', 'No password to log in with.', 'password');
    const creds = this.credentials;
    this.login ??= (async () => {
      try {
        const origin = new URL(this.baseUrl).origin;
        await loginSlot(origin, signal);
        const reply = await this.raw('POST', '/api/auth', { json: { username: creds.username, password: creds.password }, auth: false, operation: 'auth', signal });
        const now = Date.now();
        const refusedSince = loginRefusal(origin, reply.status, now);
        if (reply.status !== 200) throw this.httpError('POST', '/api/auth', reply, 'auth', refusedSince !== undefined ? { refusedSince, now } : undefined);
        const jwt = str((parseJson(reply.text) as Record<string, unknown> | undefined)?.jwt);
        if (!jwt) throw notPortainer(this.baseUrl, 'no token in the answer to POST /api/auth');
        this.redactor?.add(jwt);
        this.jwt = jwt;
        return jwt;
      } finally {
        this.login = undefined;
      }
    })();
    return this.login;
  }

  /** An authenticated request: logs in first when needed, and once more after a 401. Throws on HTTP errors. */
  private async send(method: string, path: string, options: SendOptions & { allow404?: boolean }): Promise<Reply> {
    let reply = await this.raw(method, path, options);
    if (reply.status === 401 && this.credentials?.kind === 'password' && options.auth !== false) {
      this.logger.debug(`portainer ${method} ${path}: 401, logging in again`);
      this.jwt = undefined;
      reply = await this.raw(method, path, options);
    }
    if (reply.status === 404 && options.allow404) return reply;
    if (reply.status >= 400) throw this.httpError(method, path, reply, options.operation ?? 'other');
    return reply;
  }

  private httpError(method: string, path: string, reply: Reply, operation: Operation, loginBan?: MapContext['loginBan']): AppError {
    const body = parseJson(reply.text) as Record<string, unknown> | undefined;
    const message = body && typeof body === 'object' ? str(body.message) : undefined;
    const details = body && typeof body === 'object' ? str(body.details) : undefined;
    return mapHttpFailure(
      { status: reply.status, method, path, message: message || undefined, details: details || undefined, notJson: body === undefined },
      { baseUrl: this.baseUrl, operation, auth: this.credentials?.kind, ...(loginBan ? { loginBan } : {}) },
    );
  }

  private json<T>(reply: Reply, path: string): T {
    const body = parseJson(reply.text);
    if (body === undefined) throw notPortainer(this.baseUrl, `the answer to ${path} is not JSON`);
    return body as T;
  }

  private async headers(auth: boolean, signal?: AbortSignal): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Edgedeck' };
    if (!auth || !this.credentials) return headers;
    // Exactly one of the two: Portainer answers 403 when both arrive.
    if (this.credentials.kind === 'apiKey') headers['x-api-key'] = this.credentials.apiKey;
    else headers.authorization = `Bearer ${await this.ensureJwt(signal)}`;
    return headers;
  }

  /** One logical request: retries transient failures for GET only (never POST/PUT/DELETE). */
  private async raw(method: string, path: string, options: SendOptions): Promise<Reply> {
    const attempts = method === 'GET' ? this.getAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.once(method, path, options);
        if (attempt < attempts && [502, 503, 504].includes(reply.status)) {
          await this.backoff(attempt, options.signal);
          continue;
        }
        return reply;
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (attempt < attempts && !options.signal?.aborted && isRetryableNetworkError(err)) {
          this.logger.debug(`portainer ${method} ${path}: attempt ${attempt} failed, retrying`);
          await this.backoff(attempt, options.signal);
          continue;
        }
        const { host, port } = hostPort(this.baseUrl);
        throw mapNetworkError(err, {
          baseUrl: this.baseUrl,
          host,
          port,
          requestTimeoutMs: this.requestTimeoutMs,
          connectTimeoutMs: this.connectTimeoutMs,
          userAborted: options.signal?.aborted === true,
        });
      }
    }
  }

  private async backoff(attempt: number, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(this.backoffMs * 2 ** (attempt - 1), undefined, { signal });
    } catch {
      throw new AppError('cancelled', 'The request was cancelled.');
    }
  }

  private async once(method: string, path: string, options: SendOptions): Promise<Reply> {
    const headers = await this.headers(options.auth !== false, options.signal);
    let body: string | FormData | undefined;
    if (options.form) body = options.form();
    else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const qs = options.query && [...options.query.keys()].length ? `?${options.query.toString()}` : '';
    const signals = [AbortSignal.timeout(this.requestTimeoutMs)];
    if (options.signal) signals.push(options.signal);
    const res = await request(`${this.baseUrl}${path}${qs}`, {
      method: method as 'GET',
      headers,
      body,
      dispatcher: this.dispatcher,
      signal: AbortSignal.any(signals),
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
    });
    const text = await res.body.text();
    const ct = res.headers['content-type'];
    return { status: res.statusCode, headers: res.headers, text, contentType: (Array.isArray(ct) ? ct[0] : ct) ?? '' };
  }
}

/** The multipart fields of Portainer's UI for an Edge agent environment (portainer-edge.md §2.5). */
export function edgeEnvironmentForm(input: CreateEdgeEnvironmentInput): FormData {
  const form = new FormData();
  form.append('Name', input.name);
  form.append('EndpointCreationType', '4');
  form.append('URL', input.portainerUrl);
  form.append('GroupID', String(input.groupId ?? 1));
  form.append('TagIds', JSON.stringify(input.tagIds ?? []));
  form.append('EdgeCheckinInterval', String(input.pollSeconds ?? 0));
  form.append('TLS', 'true');
  form.append('TLSSkipVerify', 'true');
  form.append('TLSSkipClientVerify', 'true');
  if (input.containerEngine) form.append('ContainerEngine', input.containerEngine);
  if (input.tunnelServerAddress) form.append('EdgeTunnelServerAddress', input.tunnelServerAddress);
  // Business Edition's form fields for an async agent (docs/portainer-versions.md, "Async mode").
  if (input.async) {
    form.append('EdgeAsyncMode', 'true');
    form.append('EdgePingInterval', String(input.async.ping));
    form.append('EdgeSnapshotInterval', String(input.async.snapshot));
    form.append('EdgeCommandInterval', String(input.async.command));
  }
  return form;
}

/** The update payload's `Edge` object (Business Edition's endpointUpdatePayload). */
function asyncIntervalsJson(a: AsyncIntervals): Record<string, number> {
  return { PingInterval: a.ping, SnapshotInterval: a.snapshot, CommandInterval: a.command };
}

/** The environment's `Edge` settings: async mode and its intervals, when the server sends them. */
function asyncView(edge: unknown): EnvironmentView['async'] {
  if (!edge || typeof edge !== 'object') return undefined;
  const o = edge as Record<string, unknown>;
  if (o.AsyncMode !== true) return undefined;
  return { ping: num(o.PingInterval), snapshot: num(o.SnapshotInterval), command: num(o.CommandInterval) };
}

// ---------- raw JSON → views ----------

interface RawEndpoint {
  Id?: number;
  Name?: string;
  Type?: number;
  ContainerEngine?: string;
  URL?: string;
  GroupId?: number;
  TagIds?: number[];
  Status?: number;
  EdgeID?: string;
  EdgeKey?: string;
  EdgeCheckinInterval?: number;
  LastCheckInDate?: number;
  QueryDate?: number;
  Heartbeat?: boolean;
  UserTrusted?: boolean;
  Agent?: { Version?: string };
  Edge?: unknown;
  /** Only Edgedeck's local server sends it. */
  EdgedeckTunnel?: unknown;
}

const TUNNEL_STATUSES = new Set(['closed', 'open', 'verified']);
const TUNNEL_REASONS = new Set(['idle', 'dropped', 'unreachable', 'port-in-use', 'removed', 'stopped']);

/** The local server's tunnel state, read defensively (any other server: undefined). */
function tunnelView(t: unknown): TunnelStateView | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const o = t as Record<string, unknown>;
  if (typeof o.status !== 'string' || !TUNNEL_STATUSES.has(o.status)) return undefined;
  const view: TunnelStateView = { status: o.status as TunnelStateView['status'], port: num(o.port), since: num(o.since) };
  if (typeof o.reason === 'string' && TUNNEL_REASONS.has(o.reason)) view.reason = o.reason as NonNullable<TunnelStateView['reason']>;
  if (o.waitingForIdle === true) view.waitingForIdle = true;
  return view;
}

const EDGE_TYPES = new Set([4, 7]);

function edgeGroupView(g: Record<string, unknown>): EdgeGroupView {
  const endpoints = Array.isArray(g.Endpoints) ? g.Endpoints.map(num).filter((n) => n > 0) : [];
  return { id: num(g.Id), name: str(g.Name), dynamic: g.Dynamic === true, environmentIds: endpoints };
}

export function environmentView(e: RawEndpoint): EnvironmentView {
  const type = num(e.Type);
  const lastCheckIn = num(e.LastCheckInDate);
  const queryDate = num(e.QueryDate) || Math.floor(Date.now() / 1000);
  const interval = num(e.EdgeCheckinInterval);
  const heartbeat = typeof e.Heartbeat === 'boolean' ? e.Heartbeat : isHeartbeatAlive(queryDate, lastCheckIn, interval > 0 ? interval : 5);
  const state: EnvironmentState = lastCheckIn <= 0 ? 'never' : heartbeat ? 'alive' : 'lost';
  const view: EnvironmentView = {
    id: num(e.Id),
    name: str(e.Name),
    type,
    edge: EDGE_TYPES.has(type),
    containerEngine: str(e.ContainerEngine),
    groupId: num(e.GroupId),
    tagIds: Array.isArray(e.TagIds) ? e.TagIds.filter((t) => typeof t === 'number') : [],
    url: str(e.URL),
    status: num(e.Status),
    checkinInterval: interval,
    lastCheckIn,
    queryDate,
    heartbeat,
    state,
    userTrusted: e.UserTrusted === true,
  };
  if (e.EdgeID) view.edgeId = e.EdgeID;
  if (e.EdgeKey) view.edgeKey = e.EdgeKey;
  const agentVersion = str(e.Agent?.Version);
  if (agentVersion) view.agentVersion = agentVersion;
  const tunnel = tunnelView(e.EdgedeckTunnel);
  if (tunnel) view.tunnel = tunnel;
  const async = asyncView(e.Edge);
  if (async) view.async = async;
  return view;
}

function groupView(g: Record<string, unknown>): GroupView {
  return { id: num(g.Id), name: str(g.Name), description: str(g.Description), tagIds: Array.isArray(g.TagIds) ? (g.TagIds as unknown[]).filter((t): t is number => typeof t === 'number') : [] };
}

/** Tags are the one type whose key is `ID`, not `Id`. */
function tagView(t: Record<string, unknown>): TagView {
  return { id: num(t.ID ?? t.Id), name: str(t.Name) };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
function isJsonType(ct: string): boolean {
  return /json/i.test(ct);
}
