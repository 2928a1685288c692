import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import type { EnvironmentDetailView, EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { resetDetails } from '../../../src-renderer/features/environments/detailsStore';
import { resetEnvList } from '../../../src-renderer/features/environments/envListStore';
import { resetServers } from '../../../src-renderer/features/servers/serversStore';
import { ok, useFakeApi, type FakeTransport } from './harness';

/** Key fields of the local server's environment 3, as the details tests use them. */
export const detailKeyFields = { portainerUrl: 'https://127.0.0.1:40001', tunnelAddress: '127.0.0.1:40002', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: 3 };

/** An Edge environment's details view (environment 3 of the local server); `environment` and the rest override the defaults (never checked in). */
export function edgeDetail(environment: Partial<EnvironmentView> = {}, rest: Partial<EnvironmentDetailView> = {}): EnvironmentDetailView {
  return {
    environment: {
      id: 3,
      name: 'edge-3',
      type: 4,
      edge: true,
      containerEngine: 'docker',
      groupId: 1,
      tagIds: [],
      url: '127.0.0.1',
      status: 2,
      edgeKey: encodeEdgeKey(detailKeyFields),
      checkinInterval: 5,
      lastCheckIn: 0,
      queryDate: 1_800_000_000,
      heartbeat: false,
      state: 'never',
      userTrusted: true,
      ...environment,
    },
    key: { fields: { ...detailKeyFields, global: false }, warnings: [] },
    edgeId: { value: 'f3a8c1d2-0000-4000-8000-000000000003', source: 'generated', bound: false },
    heartbeat: { alive: false, state: 'never', lastCheckIn: 0, lostInSeconds: 0, lostAfterSeconds: 30, intervalSeconds: 5 },
    serverVersion: '2.23.0',
    platforms: { linux: ['standalone'], windows: [] },
    agentSecret: 'none',
    warnings: [],
    ...rest,
  };
}

/** The details page's fake main, stores reset: the built-in local server connected, the Unassigned group, no tags. */
export function useDetailsApi(): FakeTransport {
  const transport = useFakeApi();
  resetDetails();
  resetEnvList();
  resetServers();
  transport.override('servers:status', ok({ profile: { id: 'local', builtIn: true, url: 'https://127.0.0.1:40001', tls: { mode: 'pinned' } }, connected: true, insecure: false, warnings: [] }));
  transport.override('groups:list', ok({ groups: [{ id: 1, name: 'Unassigned', description: '', tagIds: [] }] }));
  transport.override('tags:list', ok({ tags: [] }));
  return transport;
}
