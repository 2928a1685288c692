import { describe, expect, it } from 'vitest';
import { metaFromFlags } from '../../../src-main/cli/metaFlags';
import { deviceEnvEntries } from '../../../src-main/services/prestage/bundle';
import { buildGlobalBundle } from '../../../src-main/services/prestage/globalBundle';
import type { PrestagedEnvironment } from '../../../src-main/services/prestage/types';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';

// Issue #15 item 3: Edge groups, group and tags of the export and install options drive
// EDGE_GROUPS, PORTAINER_GROUP and PORTAINER_TAGS (ids joined with ':', as Portainer writes them).
const fields = { portainerUrl: 'https://p.example:9443', tunnelAddress: 'p.example:8000', tunnelFingerprint: 'SHA256:abc' };
const env: PrestagedEnvironment = {
  environmentId: 5,
  name: 'edge-5',
  edgeKey: encodeEdgeKey({ ...fields, environmentId: 5 }),
  edgeId: 'edge-id-5',
  serverUrl: 'https://p.example:9443',
  portainerUrl: fields.portainerUrl,
  tunnelAddress: fields.tunnelAddress,
  fingerprint: fields.tunnelFingerprint,
  agentVersion: '2.45.0',
  insecurePoll: true,
  envVars: 'A=1',
  platform: 'standalone',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastConfirmedWithServer: '2025-01-02T00:00:00.000Z',
};

describe('metadata variables in bundles', () => {
  it('a device bundle carries them after the defaults and before the user variables', () => {
    const names = deviceEnvEntries({ ...env, meta: { edgeGroupIds: [3, 9], groupId: 5, tagIds: [10, 20] } });
    expect(names).toEqual([
      ['EDGE', '1'],
      ['EDGE_ID', 'edge-id-5'],
      ['EDGE_KEY', env.edgeKey],
      ['EDGE_INSECURE_POLL', '1'],
      ['EDGE_GROUPS', '3:9'],
      ['PORTAINER_GROUP', '5'],
      ['PORTAINER_TAGS', '10:20'],
      ['A', '1'],
    ]);
    expect(deviceEnvEntries(env).map(([n]) => n)).not.toContain('EDGE_GROUPS');
  });

  it('the global bundle refuses a key that names one environment, and an empty generator', () => {
    const base = { serverUrl: env.serverUrl, agentVersion: '2.45.0', platform: 'standalone' as const, insecurePoll: true, formats: ['env' as const], createdAt: '2025-01-01T00:00:00.000Z' };
    expect(() => buildGlobalBundle({ ...base, globalKey: env.edgeKey, generator: 'uuidgen' })).toThrow(/needs the global key \(environment id 0\)/);
    expect(() => buildGlobalBundle({ ...base, globalKey: encodeEdgeKey({ ...fields, environmentId: 0 }), generator: ' ' })).toThrow(/one shell command on one line/);
  });
});

describe('the metadata flags', () => {
  it('read as edgedeck command reads them, and name the flag when wrong', () => {
    expect(metaFromFlags({ 'edge-groups': '1,2', 'group-id': '5', 'tag-ids': '10' })).toEqual({ edgeGroupIds: [1, 2], groupId: 5, tagIds: [10] });
    expect(metaFromFlags({})).toBeUndefined();
    expect(() => metaFromFlags({ 'group-id': '5,6' })).toThrow(/takes one environment group id/);
    expect(() => metaFromFlags({ 'edge-groups': 'shops' })).toThrow(/"shops" is not a Edge group id/);
  });
});
