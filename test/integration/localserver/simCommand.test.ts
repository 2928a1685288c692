import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSimDataDir, simCommand } from '../../../src-main/cli/commands/sim';
import type { CliIo } from '../../../src-main/cli/io';

const dir = mkdtempSync(join(tmpdir(), 'edgedeck-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const cli: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => '', stopSignal: controller.signal };
  return { cli, out, err, stop: () => controller.abort() };
}

async function runUntilReady(args: string[]) {
  const x = io();
  const done = simCommand.run(args, x.cli);
  for (let i = 0; i < 200 && x.out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  return { ...x, done };
}

describe('edgedeck sim', () => {
  it('prints one JSON line with the generated password, then null on the next start', async () => {
    const a = await runUntilReady(['--port', '0', '--tunnel-port', '0', '--http', '--data', dir]);
    expect(a.out).toHaveLength(1);
    const line = JSON.parse(a.out[0]!);
    expect(Object.keys(line)).toEqual(['url', 'tunnelAddress', 'username', 'password', 'fingerprint', 'version', 'edition']);
    expect(line).toMatchObject({ version: '2.23.0', edition: 'ce' });
    expect(line.username).toBe('admin');
    expect(line.password).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(line.tunnelAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const status = await fetch(`${line.url}/api/system/status`);
    expect(status.status).toBe(200);
    a.stop();
    expect(await a.done).toBe(0);

    const b = await runUntilReady(['--port', '0', '--tunnel-port', '0', '--http', '--data', dir]);
    const again = JSON.parse(b.out[0]!);
    expect(again.password).toBeNull();
    expect(again.fingerprint).toBe(line.fingerprint);
    expect(b.err.join('')).toMatch(/printed when .* was first used/);
    b.stop();
    expect(await b.done).toBe(0);
  });

  it('--portainer-version, --edition be and --no-trust-on-first-connect pick the profile', async () => {
    const d = mkdtempSync(join(tmpdir(), 'edgedeck-sim-be-'));
    try {
      const a = await runUntilReady(['--port', '0', '--tunnel-port', '0', '--http', '--data', d, '--portainer-version', '2.45.0', '--edition', 'be', '--no-trust-on-first-connect']);
      const line = JSON.parse(a.out[0]!);
      expect(line).toMatchObject({ version: '2.45.0', edition: 'be' });
      expect((await (await fetch(`${line.url}/api/system/status`)).json()).Version).toBe('2.45.0');
      // An unknown Edge ID with the global key is created, untrusted: its poll is refused.
      const gk = await fetch(`${line.url}/api/endpoints/global-key`, { method: 'POST', headers: { 'X-PortainerAgent-EdgeID': 'dev-1' }, body: '{}' });
      const { endpointID } = (await gk.json()) as { endpointID: number };
      const poll = await fetch(`${line.url}/api/endpoints/${endpointID}/edge/status`, { headers: { 'X-PortainerAgent-EdgeID': 'dev-1', 'Portainer-Agent-Platform': '1' } });
      expect(poll.status).toBe(403);
      a.stop();
      expect(await a.done).toBe(0);
      const newer = await runUntilReady(['--port', '0', '--tunnel-port', '0', '--http', '--data', d, '--portainer-version', '2.50.1']);
      expect(newer.err.join('')).toContain('edgedeck: warning: Portainer 2.50.1 is newer than the newest release line Edgedeck knows (2.40–2.45 LTS); the local server emulates 2.40–2.45 LTS.\n');
      newer.stop();
      expect(await newer.done).toBe(0);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
    await expect(simCommand.run(['--edition', 'ee'], io().cli)).rejects.toThrow(/use ce \(Community Edition\) or be/);
    await expect(simCommand.run(['--portainer-version', 'v2.45'], io().cli)).rejects.toMatchObject({ field: '--portainer-version' });
  });

  it('validates ports and the default data dir follows XDG_DATA_HOME', async () => {
    await expect(simCommand.run(['--port', '70000'], io().cli)).rejects.toThrow(/port/);
    expect(defaultSimDataDir({ XDG_DATA_HOME: '/x/data' })).toBe('/x/data/edgedeck/sim');
    expect(defaultSimDataDir({})).toMatch(/\.local\/share\/edgedeck\/sim$/);
  });
});
