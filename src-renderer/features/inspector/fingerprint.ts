import type { FingerprintKind } from '../../../src-main/shared/domain/types';

export { fingerprintKind } from '../../../src-main/shared/domain/edgeKey';

export const fingerprintKindLabel: Record<FingerprintKind, string> = {
  sha256: 'SHA-256',
  md5: 'MD5 (legacy, servers ≤ 2.18)',
  none: 'None — host key not checked',
  unknown: 'Unknown format',
};
