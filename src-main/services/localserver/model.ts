/** What the local server keeps (persisted as one JSON document, see store.ts). */

export const ROLE_ADMIN = 1;
export const ROLE_STANDARD = 2;

export interface UserRecord {
  Id: number;
  Username: string;
  Role: number;
  /** `scrypt$N$r$p$<salt b64>$<hash b64>` */
  passwordHash: string;
  tokenIssueAt: number;
}

export interface ApiKeyRecord {
  id: number;
  userId: number;
  description: string;
  /** First 7 characters of the raw key, as Portainer shows it. */
  prefix: string;
  dateCreated: number;
  lastUsed: number;
  /** base64(SHA-256(raw key)); the raw key itself is never stored. */
  digest: string;
}

export interface EdgeAsyncSettings {
  CommandInterval: number;
  PingInterval: number;
  SnapshotInterval: number;
  /** Business Edition's Settings.Edge.TunnelServerAddress; never set = this server's own tunnel address, '' = cleared. */
  TunnelServerAddress?: string;
}

/** An environment's `Edge` object (Business Edition: async mode and its intervals, -1 = default). */
export interface EnvironmentEdgeSettings {
  AsyncMode: boolean;
  PingInterval: number;
  SnapshotInterval: number;
  CommandInterval: number;
}

export interface SettingsRecord {
  EdgeAgentCheckinInterval: number;
  EnableEdgeComputeFeatures: boolean;
  TrustOnFirstConnect: boolean;
  EnforceEdgeID: boolean;
  AgentSecret: string;
  EdgePortainerUrl: string;
  Edge: EdgeAsyncSettings;
  SnapshotInterval: string;
  UserSessionTimeout: string;
  LogoURL: string;
  CustomLoginBanner: string;
  TemplatesURL: string;
  EnableTelemetry: boolean;
}

export interface EnvironmentRecord {
  Id: number;
  Name: string;
  Type: number;
  ContainerEngine: string;
  URL: string;
  GroupId: number;
  PublicURL: string;
  Gpus: { name: string; value: string }[];
  TagIds: number[];
  Status: number;
  EdgeID: string;
  EdgeKey: string;
  EdgeCheckinInterval: number;
  /**
   * Unix seconds of the last full, successful poll: the stored value. Views show the in-memory
   * heartbeat instead (Store.heartbeat), which every poll past the Edge ID checks updates.
   */
  LastCheckInDate: number;
  UserTrusted: boolean;
  AgentVersion: string;
  /** Business Edition: async mode and its intervals, when created so. */
  Edge?: EnvironmentEdgeSettings;
  /** Business Edition: polled while untrusted; the first poll after trust opens the initial tunnel. */
  awaitingFirstTrustedPoll?: boolean;
}

export interface GroupRecord {
  Id: number;
  Name: string;
  Description: string;
  TagIds: number[];
}

/** A static Edge group (Portainer's `EdgeGroup`; dynamic, tag-based groups are not emulated). */
export interface EdgeGroupRecord {
  Id: number;
  Name: string;
  Endpoints: number[];
}

export interface TagRecord {
  ID: number;
  Name: string;
}

export interface DataDocument {
  /** Format version of this file. */
  format: 1;
  instanceId: string;
  /** HS256 secret for JWTs, per install (base64). */
  jwtSecret: string;
  nextIds: { user: number; apiKey: number; endpoint: number; group: number; tag: number; edgeGroup: number };
  users: UserRecord[];
  apiKeys: ApiKeyRecord[];
  settings: SettingsRecord;
  environments: EnvironmentRecord[];
  groups: GroupRecord[];
  tags: TagRecord[];
  edgeGroups: EdgeGroupRecord[];
}

export function defaultSettings(): SettingsRecord {
  return {
    EdgeAgentCheckinInterval: 5,
    EnableEdgeComputeFeatures: false,
    TrustOnFirstConnect: false,
    EnforceEdgeID: false,
    AgentSecret: '',
    EdgePortainerUrl: '',
    Edge: { CommandInterval: 60, PingInterval: 60, SnapshotInterval: 60 },
    SnapshotInterval: '5m',
    UserSessionTimeout: '8h',
    LogoURL: '',
    CustomLoginBanner: '',
    TemplatesURL: '',
    EnableTelemetry: false,
  };
}
