import { z } from 'zod';
import type { TunnelStateView } from './portainer';

/** Requests and views of the local Portainer-compatible server ("simulator") and simulated agents. */

const port = z.number().int().min(0, 'A port is 0 (pick a free one) to 65535.').max(65535, 'A port is 0 (pick a free one) to 65535.');

const ids = z.array(z.number().int().positive()).max(1000);

export const simStartRequest = z.object({
  port: port.default(0),
  tunnelPort: port.default(0),
  https: z.boolean().default(true),
  /** The Portainer release the server reports and emulates (`edgedeck sim --portainer-version`); default 2.23.0. */
  portainerVersion: z.string().trim().max(64).optional(),
  /** `edgedeck sim --edition`: 'be' adds the global-key creation, the waiting room and trust. */
  edition: z.enum(['ce', 'be']).optional(),
  /** Business Edition: trust new devices on first connect (default on, as `edgedeck sim`); off fills the waiting room. */
  trustOnFirstConnect: z.boolean().optional(),
});

export const agentsStartRequest = z.object({
  /** Either an environment of the local server, or any join token (e.g. for a real Portainer). */
  environmentId: z.number().int().positive().optional(),
  edgeKey: z.string().max(8192).optional(),
  count: z.number().int().min(1, 'Start at least one agent.').max(50000, 'At most 50,000 agents per group.'),
  /** With count 1 and an edgeId, that exact Edge ID is used; otherwise `<prefix>-<n>`. */
  edgeId: z.string().min(1).max(256).optional(),
  edgeIdPrefix: z.string().min(1).max(200).optional(),
  insecurePoll: z.boolean().default(true),
  platform: z.enum(['docker', 'kubernetes']).default('docker'),
  agentSecret: z.string().max(1024).optional(),
  /** What the agent sends on its global-key call (EDGE_GROUPS, PORTAINER_TAGS, PORTAINER_GROUP). */
  edgeGroupIds: ids.optional(),
  tagIds: ids.optional(),
  groupId: z.number().int().nonnegative().optional(),
});

/** Opens an environment's tunnel if needed and checks it end to end (Portainer's TunnelAddr). */
export const simVerifyTunnelRequest = z.object({ environmentId: z.number().int().positive() }).strict();

export const agentsStopRequest = z.object({ groupId: z.string().max(64).optional() });

export interface SimStatus {
  running: boolean;
  /** true when this is the server `npm start` brought up for the app. */
  embedded: boolean;
  https: boolean;
  version: string;
  /** The running server's edition ('be': waiting room and trust). */
  edition?: 'ce' | 'be';
  url?: string;
  tunnelAddress?: string;
  username?: string;
  /**
   * Whether the server has an admin password Edgedeck knows. The password itself never travels in
   * a status (it is pushed to every window in `sim:status` events): the Simulator page asks for it
   * with `sim:revealPassword` when the user clicks reveal or copy.
   */
  hasPassword?: boolean;
  fingerprint?: string;
  dataDir?: string;
  /**
   * Set when this start could not have the ports it kept from the last one (they were taken):
   * where it listened before, and the environments whose join token was reissued for the new ports.
   */
  moved?: SimMove;
  /**
   * Addresses Portainer's login limiter bans now (more than 10 POST /api/auth in a second: one
   * hour): the Simulator page says who and until when. The app's own session is not affected.
   */
  loginBans?: { ip: string; until: string }[];
}

export interface SimMove {
  previousUrl: string;
  previousTunnelAddress: string;
  environments: { id: number; name: string }[];
}

export interface SimEnvironmentView {
  id: number;
  name: string;
  edgeKey: string;
  edgeId?: string;
  checkinInterval: number;
  lastCheckIn: number;
  heartbeat: boolean;
  /** tunnel.status === 'verified' (kept for the places that only need a yes/no). */
  tunnelVerified: boolean;
  tunnel: TunnelStateView;
}

export type AgentState = 'starting' | 'polling' | 'tunnel-up' | 'tunnel-verified' | 'error' | 'stopped';

export interface AgentGroupView {
  id: string;
  environmentId: number;
  count: number;
  startedAt: number;
  states: Record<AgentState, number>;
  polls: number;
  notModified: number;
  errors: number;
  lastError?: string;
}

/** One poll as seen by an agent, for the Simulator's live timeline (sampled when many agents run). */
export interface PollSample {
  groupId: string;
  edgeId: string;
  at: number;
  status: number;
  tunnel?: 'IDLE' | 'REQUIRED' | 'ACTIVE';
  latencyMs: number;
  error?: string;
}
