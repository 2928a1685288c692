import { settingsTunnelAddress, updateTunnelSetting } from './businessEdge';
import type { ServerContext } from './context';
import { assignDefined, badRequest, optFields, sendJson } from './http';
import { parseHostForEdge } from './hostForEdge';
import type { SettingsRecord } from './model';
import type { Router } from './router';

/** `portainer.Settings` as GET /api/settings returns it (LDAP/OAuth secrets blanked). */
export function settingsJson(s: SettingsRecord, tunnelServerAddress?: string) {
  return {
    LogoURL: s.LogoURL,
    CustomLoginBanner: s.CustomLoginBanner,
    BlackListedLabels: [],
    AuthenticationMethod: 1,
    InternalAuthSettings: { RequiredPasswordLength: 12 },
    LDAPSettings: {
      AnonymousMode: true,
      ReaderDN: '',
      URLs: null,
      TLSConfig: { TLS: false, TLSSkipVerify: false },
      StartTLS: false,
      SearchSettings: [{ BaseDN: '', Filter: '', UserNameAttribute: '' }],
      GroupSearchSettings: [{ GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' }],
      AutoCreateUsers: true,
    },
    OAuthSettings: {
      ClientID: '',
      AccessTokenURI: '',
      AuthorizationURI: '',
      ResourceURI: '',
      RedirectURI: '',
      UserIdentifier: '',
      Scopes: '',
      OAuthAutoCreateUsers: false,
      DefaultTeamID: 0,
      SSO: true,
      LogoutURI: '',
      KubeSecretKey: null,
    },
    OpenAMTConfiguration: { enabled: false, mpsServer: '', mpsUser: '', mpsPassword: '', mpsToken: '', certFileName: '', certFileContent: '', certFilePassword: '', domainName: '' },
    FeatureFlagSettings: null,
    SnapshotInterval: s.SnapshotInterval,
    TemplatesURL: s.TemplatesURL,
    EnableEdgeComputeFeatures: s.EnableEdgeComputeFeatures,
    UserSessionTimeout: s.UserSessionTimeout,
    KubeconfigExpiry: '0',
    EnableTelemetry: s.EnableTelemetry,
    HelmRepositoryURL: 'https://charts.bitnami.com/bitnami',
    KubectlShellImage: 'portainer/kubectl-shell',
    TrustOnFirstConnect: s.TrustOnFirstConnect,
    EnforceEdgeID: s.EnforceEdgeID,
    AgentSecret: s.AgentSecret,
    EdgePortainerUrl: s.EdgePortainerUrl,
    Edge: {
      CommandInterval: s.Edge.CommandInterval,
      PingInterval: s.Edge.PingInterval,
      SnapshotInterval: s.Edge.SnapshotInterval,
      ...(tunnelServerAddress !== undefined ? { TunnelServerAddress: tunnelServerAddress } : {}),
    },
    EdgeAgentCheckinInterval: s.EdgeAgentCheckinInterval,
    ShowKomposeBuildOption: false,
    EnableHostManagementFeatures: false,
    AllowVolumeBrowserForRegularUsers: false,
    AllowBindMountsForRegularUsers: false,
    AllowPrivilegedModeForRegularUsers: false,
    AllowHostNamespaceForRegularUsers: false,
    AllowStackManagementForRegularUsers: false,
    AllowDeviceMappingForRegularUsers: false,
    AllowContainerCapabilitiesForRegularUsers: false,
    IsDockerDesktopExtension: false,
  };
}

export function registerSettingsRoutes(router: Router, ctx: ServerContext): void {
  const store = ctx.store;
  // Business Edition's settings carry Edge.TunnelServerAddress; CE 2.23's do not.
  const json = () => settingsJson(store.doc.settings, ctx.edition === 'be' ? settingsTunnelAddress(ctx) : undefined);
  router.add('GET', '/api/settings', 'admin', (rc) => sendJson(rc.res, json()));

  router.add('GET', '/api/settings/public', 'public', (rc) => {
    const s = store.doc.settings;
    sendJson(rc.res, {
      LogoURL: s.LogoURL,
      CustomLoginBanner: s.CustomLoginBanner,
      AuthenticationMethod: 1,
      RequiredPasswordLength: 12,
      EnableEdgeComputeFeatures: s.EnableEdgeComputeFeatures,
      FeatureFlagSettings: {},
      EnableTelemetry: s.EnableTelemetry,
      OAuthLoginURI: '',
      OAuthLogoutURI: '',
      OAuthHideInternalAuth: false,
      KubeconfigExpiry: '0',
      IsFDOEnabled: false,
      IsAMTEnabled: false,
      Edge: {
        PingInterval: s.Edge.PingInterval,
        SnapshotInterval: s.Edge.SnapshotInterval,
        CommandInterval: s.Edge.CommandInterval,
        CheckinInterval: s.EdgeAgentCheckinInterval,
      },
      IsDockerDesktopExtension: false,
    });
  });

  router.add('PUT', '/api/settings', 'admin', async (rc) => {
    const body = await rc.json();
    const s = store.doc.settings;
    const f = optFields(body, {
      EdgeAgentCheckinInterval: 'int',
      EnableEdgeComputeFeatures: 'bool',
      TrustOnFirstConnect: 'bool',
      EnforceEdgeID: 'bool',
      EdgePortainerURL: 'string',
      UserSessionTimeout: 'string',
      LogoURL: 'string',
      CustomLoginBanner: 'string',
      SnapshotInterval: 'string',
      EnableTelemetry: 'bool',
    });
    const checkin = f.EdgeAgentCheckinInterval;
    if (f.EdgePortainerURL !== undefined && f.EdgePortainerURL !== '') {
      const parsed = parseHostForEdge(f.EdgePortainerURL);
      if ('error' in parsed) throw badRequest('Invalid request payload', `Invalid EdgePortainerURL: ${parsed.error}`);
    }
    if (checkin !== undefined && checkin < 0) throw badRequest('Invalid request payload', 'invalid EdgeAgentCheckinInterval');
    if (f.UserSessionTimeout !== undefined && !/^(\d+(\.\d+)?(h|m|s))+$/.test(f.UserSessionTimeout)) throw badRequest('Invalid request payload', 'Invalid user session timeout');
    let intervalChanged = false;
    if (checkin !== undefined && checkin !== 0 && checkin !== s.EdgeAgentCheckinInterval) {
      s.EdgeAgentCheckinInterval = checkin;
      intervalChanged = true;
    }
    assignDefined(s, {
      EnableEdgeComputeFeatures: f.EnableEdgeComputeFeatures,
      TrustOnFirstConnect: f.TrustOnFirstConnect,
      EnforceEdgeID: f.EnforceEdgeID,
      EdgePortainerUrl: f.EdgePortainerURL,
      UserSessionTimeout: f.UserSessionTimeout,
      LogoURL: f.LogoURL,
      CustomLoginBanner: f.CustomLoginBanner,
      SnapshotInterval: f.SnapshotInterval,
      EnableTelemetry: f.EnableTelemetry,
    });
    updateTunnelSetting(ctx, body);
    // The poll response carries the effective interval: environments on the default must re-poll fully.
    if (intervalChanged) for (const env of store.doc.environments) if (env.EdgeCheckinInterval === 0) ctx.etags.delete(env.Id);
    store.markDirty();
    sendJson(rc.res, json());
  });
}
