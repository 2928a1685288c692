import { z } from 'zod';
import type { PinMismatch } from '../contract/errors';
import { asyncIntervalProblem, ASYNC_INTERVAL_NAMES, type AsyncIntervals } from '../domain/edgeAsync';
import { nameProblem } from '../domain/names';
import { pollIntervalProblem } from '../domain/pollInterval';
import { tunnelAddressProblem } from '../domain/tunnelServerAddress';
import type { EdgeKeyFields, KeyWarning, Platform } from '../domain/types';

/** Requests and views of the Portainer server calls (servers, environments, groups, tags). */

export const tlsModeSchema = z.enum(['system', 'pinned', 'insecure']);
export type TlsModeView = z.infer<typeof tlsModeSchema>;

const urlText = z.string().trim().min(1, 'Enter the Portainer server address, e.g. https://portainer.example.com:9443.').max(2048);
const secretText = z.string().min(1).max(4096);
const id = z.number().int().positive();
/**
 * A typed name under the core's one rule (domain/names.ts); its message names the field itself
 * (`labelled`), so the dispatcher does not put the request path in front of it.
 */
export function nameField(what = 'Name') {
  return z.string().superRefine((v, ctx) => {
    const problem = nameProblem(v, what);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { labelled: true } });
  }).transform((v) => v.trim());
}
const nameText = nameField();

export const tlsSettingsSchema = z
  .object({
    mode: tlsModeSchema.default('system'),
    pinnedSha256: z.string().trim().max(200).optional(),
  })
  .refine((t) => t.mode !== 'pinned' || (t.pinnedSha256 !== undefined && t.pinnedSha256 !== ''), {
    message: 'Pinned mode needs the certificate fingerprint (SHA-256) to pin.',
    path: ['pinnedSha256'],
  });

export const serversProbeRequest = z.object({ url: urlText });

export const serversAddRequest = z.object({
  name: nameText,
  url: urlText,
  auth: z.enum(['password', 'apiKey']).default('password'),
  username: z.string().trim().max(256).optional(),
  password: secretText.optional(),
  apiKey: secretText.optional(),
  tls: tlsSettingsSchema.default({ mode: 'system' }),
  rememberSecret: z.boolean().default(false),
  /** Make it the active server (default true). */
  select: z.boolean().default(true),
});

export const serversUpdateRequest = z.object({
  id: z.string().min(1).max(100),
  name: nameText.optional(),
  url: urlText.optional(),
  auth: z.enum(['password', 'apiKey']).optional(),
  username: z.string().trim().max(256).optional(),
  password: secretText.optional(),
  apiKey: secretText.optional(),
  tls: tlsSettingsSchema.optional(),
  rememberSecret: z.boolean().optional(),
});

export const serverIdRequest = z.object({ id: z.string().min(1).max(100) });

export const serversSelectRequest = z.object({
  id: z.string().min(1).max(100),
  /** The password or API key, when the profile does not remember it and this session has none yet. */
  password: secretText.optional(),
  apiKey: secretText.optional(),
});

export const environmentStateSchema = z.enum(['alive', 'lost', 'never']);

export const environmentsListRequest = z.object({
  start: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  search: z.string().max(256).optional(),
  sort: z.enum(['Name', 'Group', 'Status', 'LastCheckIn', 'EdgeID']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  groupIds: z.array(id).max(200).optional(),
  tagIds: z.array(id).max(200).optional(),
  state: environmentStateSchema.optional(),
  /** Portainer's `types[]` filter by platform: Edge agent on Docker or Podman (type 4) or on Kubernetes (type 7). */
  platform: z.enum(['docker', 'kubernetes']).optional(),
  /** Portainer's `agentVersions[]` filter (the version each agent sent at its last poll). */
  agentVersions: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  /** Edge environments only (types 4 and 7); default true. */
  edgeOnly: z.boolean().default(true),
});

export const environmentIdRequest = z.object({ id });

// The core's one rule (domain/pollInterval.ts), with its one message.
export const pollSeconds = z.number().superRefine((v, ctx) => {
  const problem = pollIntervalProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const containerEngineSchema = z.enum(['docker', 'podman']);

// The core's rules (domain/edgeAsync.ts, domain/tunnelServerAddress.ts), with their messages.
const asyncInterval = (key: keyof AsyncIntervals) =>
  z.number().superRefine((v, ctx) => {
    const problem = asyncIntervalProblem(v, `The ${ASYNC_INTERVAL_NAMES[key].toLowerCase()}`);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const asyncIntervalsSchema = z.object({ ping: asyncInterval('ping'), snapshot: asyncInterval('snapshot'), command: asyncInterval('command') }).strict();

const tunnelServerAddress = z
  .string()
  .max(512)
  .superRefine((v, ctx) => {
    const problem = tunnelAddressProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const environmentsCreateRequest = z.object({
  name: nameText,
  /** The Portainer URL as the agents reach it; defaults to the server profile's URL. */
  portainerUrl: z.string().trim().max(2048).optional(),
  pollSeconds: pollSeconds.optional(),
  groupId: id.optional(),
  /** A group found by this name, or created when missing (ignored when groupId is set). */
  groupName: nameField('Group name').optional(),
  tagIds: z.array(id).max(200).optional(),
  /** Tags found by name, created when missing. */
  tagNames: z.array(nameField('Tag name')).max(200).optional(),
  /** Static Edge groups the new environment joins (ids and/or names; missing names are created). */
  edgeGroupIds: z.array(id).max(200).optional(),
  edgeGroupNames: z.array(nameField('Edge group name')).max(200).optional(),
  containerEngine: containerEngineSchema.optional(),
  /** Business Edition: the tunnel address agents use, sent when the server's settings have none (default: the settings' or the URL's host:8000). */
  tunnelServerAddress: tunnelServerAddress.optional(),
  /** Business Edition: an async agent with these intervals (refused on Community Edition). */
  async: asyncIntervalsSchema.optional(),
});

export const environmentsUpdateRequest = z.object({
  id,
  name: nameText.optional(),
  groupId: id.optional(),
  /** As in create: a group found by this name, or created when missing (ignored when groupId is set). */
  groupName: nameField('Group name').optional(),
  tagIds: z.array(id).max(200).optional(),
  /** As in create: tags found by name, created when missing; with tagIds, the environment gets both. */
  tagNames: z.array(nameField('Tag name')).max(200).optional(),
  pollSeconds: pollSeconds.optional(),
  /** Business Edition, async environments: new intervals. */
  asyncIntervals: asyncIntervalsSchema.optional(),
});

/** Trust waiting Edge devices; a relation left out keeps what the device sent or has. */
export const waitingTrustRequest = z.object({
  ids: z.array(id).min(1, 'Pick at least one device to trust.').max(1000),
  groupId: id.optional(),
  tagIds: z.array(id).max(200).optional(),
  edgeGroupIds: z.array(id).max(200).optional(),
});

export const edgeGroupsCreateRequest = z.object({ name: nameText });

export interface EdgeGroupView {
  id: number;
  name: string;
  dynamic: boolean;
  environmentIds: number[];
}

export const groupsCreateRequest = z.object({ name: nameText, description: z.string().max(1024).optional() });
export const tagsCreateRequest = z.object({ name: nameText });

// ---- views ----

export interface ServerProfileView {
  id: string;
  name: string;
  url: string;
  auth: 'password' | 'apiKey';
  username?: string;
  tls: { mode: TlsModeView; pinnedSha256?: string };
  rememberSecret: boolean;
  builtIn: boolean;
  active: boolean;
  /** TLS verification is off: the UI must flag it. */
  insecure: boolean;
  /** Where the password/API key comes from: remembered on disk, this session only, or not available. */
  secret: 'remembered' | 'session' | 'missing';
  warnings: string[];
}

export interface CertificateView {
  sha256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  selfSigned: boolean;
  trustedBySystem: boolean;
  untrustedReason?: string;
  subjectAltNames: string[];
}

export interface ServerProbeView {
  /** The normalised base URL. */
  url: string;
  https: boolean;
  certificate: CertificateView | null;
  /** Version from /api/system/status, when the server answered like Portainer. */
  portainerVersion?: string;
  /** Why there is no version: what the server (or the network) answered instead. */
  versionError?: string;
  /** Things to tell the user before saving (plain http); the certificate's own state is in `certificate`. */
  warnings: string[];
  /**
   * An http:// address that should be https://: `tls-answered` when the port answered a TLS
   * handshake (it speaks HTTPS, so http:// cannot work there), `https-port` when http:// failed on
   * a port that is HTTPS by convention (443, Portainer's 9443).
   */
  httpsSuggestion?: { url: string; reason: 'tls-answered' | 'https-port'; message: string };
}

export interface ServerVersionView {
  version: string;
  edition?: 'CE' | 'EE' | string;
  instanceId?: string;
}

export interface ServerStatusView {
  profile: ServerProfileView | null;
  connected: boolean;
  version?: string;
  edition?: string;
  insecure: boolean;
  error?: { code: string; message: string; field?: string; pinMismatch?: PinMismatch };
  warnings: string[];
}

export interface ServerListView {
  profiles: ServerProfileView[];
  activeId?: string;
  /** Set when secrets cannot be remembered on this system. */
  secretsWarning?: string;
  /** Whether a remembered password or API key survives a restart (false in serve mode and without a keyring). */
  secretsPersistent: boolean;
}

export interface ServerUpdateView {
  profile: ServerProfileView;
  /** Present when the connection changed and was checked again. */
  server?: ServerVersionView;
}

export interface ServerAddView {
  profile: ServerProfileView;
  server: ServerVersionView;
}

export type EnvironmentState = z.infer<typeof environmentStateSchema>;

export interface EnvironmentView {
  id: number;
  name: string;
  /** Portainer's EndpointType: 4 Edge agent on Docker, 7 Edge agent on Kubernetes. */
  type: number;
  edge: boolean;
  containerEngine: string;
  groupId: number;
  tagIds: number[];
  url: string;
  /** 1 up, 2 down (for Edge environments, prefer `state`). */
  status: number;
  /** The Edge ID bound by the server (absent until an agent associates, unless EnforceEdgeID). */
  edgeId?: string;
  edgeKey?: string;
  /** Seconds; 0 means the server default (inspect returns it as stored). */
  checkinInterval: number;
  /** Unix seconds; 0 = never checked in. */
  lastCheckIn: number;
  /** Server clock at the query, unix seconds. */
  queryDate: number;
  heartbeat: boolean;
  state: EnvironmentState;
  agentVersion?: string;
  userTrusted: boolean;
  /** The tunnel as it really is, where the server tells (the local server); absent from real Portainer. */
  tunnel?: TunnelStateView;
  /** Business Edition: the agent runs in async mode with these intervals (-1 = the server's default). */
  async?: AsyncIntervals;
}

/**
 * An environment's reverse tunnel (portainer-edge.md §3.5, §4): closed (the poll answers IDLE),
 * open (REQUIRED: waiting for the agent, or connected to it) or verified (the server reached the
 * agent's GET /ping through it and the connection is still up).
 */
export interface TunnelStateView {
  status: 'closed' | 'open' | 'verified';
  /** The server-side port of the tunnel; 0 when closed. */
  port: number;
  /** Unix seconds since when it is in this status; 0 = not opened since the server started. */
  since: number;
  /** Why it closed: idle (4 min 30 s without activity), dropped (the agent's connection ended),
   *  unreachable (the agent did not come within 2 × its check-in interval), port-in-use, removed, stopped. */
  reason?: 'idle' | 'dropped' | 'unreachable' | 'port-in-use' | 'removed' | 'stopped';
  /** Open, but held back until the agent has seen IDLE once (it still believes its last tunnel open). */
  waitingForIdle?: boolean;
}

export interface EnvironmentPageView {
  items: EnvironmentView[];
  total: number;
}

export interface HeartbeatView {
  alive: boolean;
  state: EnvironmentState;
  /** Unix seconds, 0 = never. */
  lastCheckIn: number;
  /** Seconds left before Portainer shows it as down; 0 when it is down. */
  lostInSeconds: number;
  /** 2 × interval + 20. */
  lostAfterSeconds: number;
  intervalSeconds: number;
}

export interface EnvironmentDetailView {
  environment: EnvironmentView;
  key: { fields: EdgeKeyFields; warnings: KeyWarning[] } | null;
  keyError?: string;
  /** The Edge ID to put in the install command. */
  edgeId: { value: string; source: 'server' | 'generated'; bound: boolean };
  heartbeat: HeartbeatView;
  agentVersion?: string;
  serverVersion: string;
  /** From /api/system/version when the server said (CE or EE → 'ce' / 'be'). */
  serverEdition?: 'ce' | 'be';
  platforms: { linux: Platform[]; windows: Platform[] };
  /** Whether the server has an AGENT_SECRET the install must carry ('unknown' without admin rights). */
  agentSecret: 'set' | 'none' | 'unknown';
  /** Business Edition: the server's default async intervals (Settings.Edge), when it said. */
  asyncDefaults?: AsyncIntervals;
  warnings: string[];
}

export interface GroupView {
  id: number;
  name: string;
  description: string;
  tagIds: number[];
}

export interface TagView {
  id: number;
  name: string;
}

export interface EnvironmentCreateView extends EnvironmentDetailView {
  /** What the create made on the way; `edgeGroups` only when it made new Edge groups. */
  created: { group?: GroupView; tags: TagView[]; edgeGroups?: EdgeGroupView[] };
}
