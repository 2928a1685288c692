import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEPT_FILE } from '../../../src-main/services/simulator/keptServer';
import { decodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { boot, call } from './appHarness';

// Issue #11 item 2: the app's own local server, restarted as `edgedeck serve` restarts it (a new
// composition root over the same data folder), keeps its ports and admin password, so the join
// tokens it issued keep working; when a kept port is taken it moves and says which tokens changed.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('the embedded local server across restarts', () => {
  it('keeps its ports and admin password, so existing join tokens still name it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-restart-'));
    dirs.push(dataDir);
    const first = await boot(dataDir);
    const before = { ...first.simulator.status(), ...first.simulator.revealPassword() };
    const created = await call(first, 'environments:create', { name: 'kept-env', pollSeconds: 5 });
    await first.close();

    const folder = join(dataDir, 'local-server');
    expect(statSync(join(folder, KEPT_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);

    const second = await boot(dataDir);
    try {
      const after = second.simulator.status();
      expect(after.url).toBe(before.url);
      expect(after.tunnelAddress).toBe(before.tunnelAddress);
      expect(second.simulator.revealPassword().password).toBe(before.password);
      expect(after.moved).toBeUndefined();
      const view = await call(second, 'environments:get', { id: created.environment.id });
      expect(view.environment.edgeKey).toBe(created.environment.edgeKey);
      expect(view.warnings.join('\n')).not.toMatch(/not where this server/);

      // Simulator → Stop → Start (the page sends 0 = "the kept port"): same place again.
      await second.simulator.stop();
      const restarted = await second.simulator.start({ port: 0, tunnelPort: 0, https: true });
      expect(restarted.url).toBe(before.url);
      expect(restarted.tunnelAddress).toBe(before.tunnelAddress);
    } finally {
      await second.close();
    }
  });

  it('moves to new ports only when a kept one is taken, reissues the tokens that named it and says which', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-moved-'));
    dirs.push(dataDir);
    const first = await boot(dataDir);
    const before = { ...first.simulator.status(), ...first.simulator.revealPassword() };
    const moved = await call(first, 'environments:create', { name: 'moved-env', pollSeconds: 5 });
    // A token the user pointed elsewhere on purpose is theirs: it is not rewritten.
    const custom = await call(first, 'environments:create', { name: 'custom-url', portainerUrl: 'https://edge.example.com:9443', pollSeconds: 5 });
    await first.close();

    const squatter = await listenOn(Number(new URL(before.url!).port));
    const second = await boot(dataDir);
    try {
      const after = second.simulator.status();
      expect(after.running).toBe(true);
      expect(after.url).not.toBe(before.url);
      expect(second.simulator.revealPassword().password).toBe(before.password);
      expect(after.moved).toEqual({
        previousUrl: before.url,
        previousTunnelAddress: before.tunnelAddress,
        environments: [{ id: moved.environment.id, name: 'moved-env' }],
      });
      const view = await call(second, 'environments:get', { id: moved.environment.id });
      const fields = decodeEdgeKey(view.environment.edgeKey);
      expect(fields.portainerUrl).toBe(after.url);
      expect(fields.tunnelAddress).toBe(after.tunnelAddress);
      expect(fields.tunnelFingerprint).toBe(decodeEdgeKey(moved.environment.edgeKey).tunnelFingerprint);
      expect(view.warnings.join('\n')).not.toMatch(/not where this server/);

      // The details view names a token that does not reach the server it belongs to.
      const other = await call(second, 'environments:get', { id: custom.environment.id });
      expect(decodeEdgeKey(other.environment.edgeKey).portainerUrl).toBe('https://edge.example.com:9443');
      expect(other.warnings.join('\n')).toMatch(/Portainer URL https:\/\/edge\.example\.com:9443 is not where this server listens/);
    } finally {
      await second.close();
      squatter.close();
    }

    // The new ports are the kept ones from now on.
    const third = await boot(dataDir);
    try {
      const status = third.simulator.status();
      expect(status.url).not.toBe(before.url);
      expect(status.moved).toBeUndefined();
    } finally {
      await third.close();
    }
  });
});
