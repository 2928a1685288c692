import type { EdgeKeyField } from '../../src-main/shared/domain/types';

/** How the join token's four fields are named wherever the UI shows them or their warnings. */
export const keyFieldLabels: Record<EdgeKeyField, string> = {
  key: 'Join token',
  portainerUrl: 'Portainer URL',
  tunnelAddress: 'Tunnel address',
  tunnelFingerprint: 'Tunnel fingerprint',
  environmentId: 'Environment ID',
};
