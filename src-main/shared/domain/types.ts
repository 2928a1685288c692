/** Plain data shapes of the edge domain, shared by core, services and renderer. */

/** The four fields of a Portainer Edge join token (portainer-edge.md §1). */
export interface EdgeKeyFields {
  portainerUrl: string;
  tunnelAddress: string;
  tunnelFingerprint: string;
  environmentId: number;
  /** true when environmentId is 0: the agent asks the server for its environment by Edge ID. */
  global: boolean;
}

/** A field of the decoded token, or 'key' for the token text itself (e.g. its padding). */
export type EdgeKeyField = 'key' | 'portainerUrl' | 'tunnelAddress' | 'tunnelFingerprint' | 'environmentId';

/** A finding about a decoded key that does not make it invalid but will likely hurt. */
export interface KeyWarning {
  field: EdgeKeyField;
  level: 'warn' | 'info';
  message: string;
}

export type FingerprintKind = 'sha256' | 'md5' | 'none' | 'unknown';

export type Edition = 'ce' | 'be';

export type Platform = 'standalone' | 'swarm' | 'podman' | 'kubernetes' | 'nomad';
export type TargetOs = 'linux' | 'windows';

/** Inputs of the install command text, as Portainer's "Edge agent" screen takes them (portainer-edge.md §5). */
export interface CommandOptions {
  platform: Platform;
  os: TargetOs;
  /** The server's version from /api/system/status: it is the agent image tag. */
  agentVersion: string;
  /** Picks the release line (templates, platforms); defaults to agentVersion. */
  serverVersion?: string;
  /** The server's edition when known: Nomad was Business Edition only. */
  edition?: Edition;
  edgeKey: string;
  /** Literal Edge ID; exactly one of edgeId / edgeIdGenerator. */
  edgeId?: string;
  /** A shell one-liner run on the device (e.g. `uuidgen`) that prints the Edge ID. */
  edgeIdGenerator?: string;
  /** EDGE_INSECURE_POLL; Portainer's default is on. */
  insecurePoll: boolean;
  agentSecret?: string;
  /** Comma-separated extra env vars: `NAME=value` or a bare `NAME` taken from the host. */
  envVars?: string;
  /** EDGE_ASYNC=1 (Business Edition servers only). */
  async?: boolean;
  nomadToken?: string;
  nomadTls?: boolean;
  /** Auto-onboarding metadata (Portainer 2.18+): EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS. */
  edgeGroupIds?: number[];
  groupId?: number;
  tagIds?: number[];
}

/** The auto-onboarding metadata variables alone (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS), as install and export options carry them. */
export type AgentMeta = Pick<CommandOptions, 'edgeGroupIds' | 'groupId' | 'tagIds'>;
