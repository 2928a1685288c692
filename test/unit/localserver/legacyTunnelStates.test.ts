import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { LEGACY_REQUIRED_TIMEOUT_MS, TunnelManager, type TunnelServerPort } from '../../../src-main/services/localserver/tunnels';

// Portainer ≤ 2.20 (api/chisel/service.go at 2.20.0): REQUIRED not handed to a poll within 15 s goes
// IDLE; once handed out it is ACTIVE and lasts until 4 min 30 s without activity.
function manager(legacyActive: boolean, clock: { t: number }) {
  const server = { addUser: () => undefined, removeUser: () => undefined, on: () => undefined } as unknown as TunnelServerPort;
  return new TunnelManager({
    server,
    crypto: { randomCredential: () => 'c', encryptCredentials: () => 'enc' },
    logger: silentLogger,
    now: () => clock.t,
    onChange: () => undefined,
    onVerified: () => undefined,
    portInUse: async () => false,
    portRange: { min: 61000, max: 61010 },
    legacyActive,
  });
}
const env = { Id: 3, Type: 4, EdgeID: 'e', UserTrusted: true };

describe('≤ 2.20 tunnel states', () => {
  it('a REQUIRED nobody polled for closes after 15 s on a ≤ 2.20 profile, not on 2.21+', async () => {
    for (const legacy of [true, false]) {
      const clock = { t: 1_000 };
      const m = manager(legacy, clock);
      await m.open(env);
      clock.t += LEGACY_REQUIRED_TIMEOUT_MS;
      m.checkTunnels();
      expect(m.config(3).status, `legacy ${legacy}`).toBe(legacy ? 'IDLE' : 'REQUIRED');
    }
  });

  it('REQUIRED once answered turns ACTIVE (no credentials) and then outlives 15 s', async () => {
    const clock = { t: 1_000 };
    const m = manager(true, clock);
    await m.open(env);
    m.answered(3, 'REQUIRED');
    expect(m.config(3)).toMatchObject({ status: 'ACTIVE', credentials: '' });
    clock.t += 60_000;
    m.checkTunnels();
    expect(m.config(3).status).toBe('ACTIVE');
    clock.t += 270_000;
    m.checkTunnels();
    expect(m.config(3).status).toBe('IDLE');
  });
});
