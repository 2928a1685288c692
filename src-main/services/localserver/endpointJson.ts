import { heartbeat, isEdge, type ServerContext } from './context';
import { tunnelStateView } from './tunnels';
import type { EnvironmentRecord } from './model';

const TLS_CONFIG = Object.freeze({ TLS: false, TLSSkipVerify: false });
const KUBERNETES = Object.freeze({
  Snapshots: [],
  Configuration: {
    UseLoadBalancer: false,
    UseServerMetrics: false,
    EnableResourceOverCommit: true,
    ResourceOverCommitPercentage: 80,
    StorageClasses: null,
    IngressClasses: null,
    RestrictDefaultNamespace: false,
    IngressAvailabilityPerNamespace: true,
    AllowNoneIngressClass: false,
  },
  Flags: { IsServerMetricsDetected: false, IsServerIngressClassDetected: false, IsServerStorageDetected: false },
});
const SECURITY_SETTINGS = Object.freeze({
  allowBindMountsForRegularUsers: true,
  allowPrivilegedModeForRegularUsers: true,
  allowVolumeBrowserForRegularUsers: false,
  allowHostNamespaceForRegularUsers: true,
  allowDeviceMappingForRegularUsers: true,
  allowStackManagementForRegularUsers: true,
  allowContainerCapabilitiesForRegularUsers: true,
  allowSysctlSettingForRegularUsers: true,
  enableHostManagementFeatures: false,
});
const POST_INIT = Object.freeze({ MigrateIngresses: true, MigrateGPUs: true, MigrateGateKeeper: true });
const EDGE_SETTINGS = Object.freeze({ AsyncMode: false, PingInterval: 0, SnapshotInterval: 0, CommandInterval: 0 });

export interface RenderOptions {
  /** List rendering: EdgeCheckinInterval 0 → the global default. */
  list?: boolean;
  /** Unix seconds for QueryDate/Heartbeat; omitted → QueryDate 0 and Heartbeat false (create/update). */
  now?: number;
}

/**
 * `portainer.Endpoint` JSON in the struct's field order (CE 2.23), for an Edge environment.
 * `EdgeID` and `UserTrusted` are omitempty; `Agent.Version` too.
 */
export function endpointJson(ctx: ServerContext, env: EnvironmentRecord, o: RenderOptions = {}) {
  const interval = o.list && env.EdgeCheckinInterval === 0 ? ctx.store.doc.settings.EdgeAgentCheckinInterval : env.EdgeCheckinInterval;
  const json: Record<string, unknown> = {
    Id: env.Id,
    Name: env.Name,
    Type: env.Type,
    ContainerEngine: env.ContainerEngine,
    URL: env.URL,
    GroupId: env.GroupId,
    PublicURL: env.PublicURL,
    Gpus: env.Gpus,
    TLSConfig: TLS_CONFIG,
    TagIds: env.TagIds,
    Status: env.Status,
    Snapshots: [],
    UserAccessPolicies: {},
    TeamAccessPolicies: {},
  };
  if (env.EdgeID) json.EdgeID = env.EdgeID;
  json.EdgeKey = env.EdgeKey;
  json.Kubernetes = KUBERNETES;
  json.ComposeSyntaxMaxVersion = '';
  json.SecuritySettings = SECURITY_SETTINGS;
  json.LastCheckInDate = ctx.store.heartbeat(env.Id);
  json.QueryDate = o.now ?? 0;
  json.Heartbeat = o.now !== undefined ? heartbeat(ctx, env, o.now) : false;
  if (env.UserTrusted) json.UserTrusted = true;
  json.PostInitMigrations = POST_INIT;
  json.EdgeCheckinInterval = interval;
  json.Edge = env.Edge ?? EDGE_SETTINGS;
  json.Agent = env.AgentVersion ? { Version: env.AgentVersion } : {};
  json.EnableImageNotification = false;
  json.EnableGPUManagement = false;
  json.AuthorizedUsers = null;
  json.AuthorizedTeams = null;
  json.Tags = null;
  // Not Portainer's: the tunnel's real state, which only this server can tell (absent from real Portainer).
  if (isEdge(env)) json.EdgedeckTunnel = tunnelStateView(ctx.tunnels.state(env.Id));
  return json;
}
