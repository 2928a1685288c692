import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseAgentLogs } from '../../../src-main/services/install/logSignatures';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { decodeEdgeKey, encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { CHISEL_CLIENT } from '../../fixtures/engine/agentImage/build';
import { engineUnavailable, type Engine } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { freePort } from '../../fixtures/net';
import { localServerApi, type LocalServerTestApi } from '../../fixtures/ssh/localServerApi';

/**
 * `docker logs` diagnosis on the real log output of an agent container: the agent image
 * (test/fixtures/engine/agentImage) runs on the real engine with a wrong key, a server nobody
 * listens for, or a tunnel port nobody listens on, and what the engine's `docker logs` gives back
 * goes through the installer's diagnosis (services/install/logSignatures.ts). The image writes
 * the real agent 2.23.0's lines for these failures (docs/agent-logs.md) and the real chisel
 * client's own; the tests pin the layout too, so a diagnosis cannot pass on wording the agent
 * never writes.
 */
const why = engineUnavailable();
if (why) console.log(`SKIP docker logs diagnosis on a real engine: ${why}`);
const ADMIN_PW = 'agent-logs-admin-pw-1';
/** The agent's zerolog console layout: time, level, -trimpath caller, message, `| error=`. */
const AGENT_LINE = (level: string, caller: string, message: string) =>
  new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d[AP]M ${level} github\\.com/portainer/agent/${caller.replace(/[./]/g, '\\$&')}:\\d+ > ${message} \\| error=(.*)$`, 'm');

let engine: Engine;
let server: LocalServer;
let api: LocalServerTestApi;
let dir: string;
const containers: string[] = [];

/** Runs the agent image as Portainer's command does (env from a 0600 file), under a name of its own. */
async function runAgent(env: Record<string, string>): Promise<string> {
  const name = `edt_logs_${randomBytes(4).toString('hex')}`;
  const file = join(dir, `${name}.env`);
  writeFileSync(file, Object.entries({ EDGE: '1', EDGE_INSECURE_POLL: '1', ...env }).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  containers.push(name);
  await engine.docker(['run', '-d', '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${name}_data:/data`, '--env-file', file, '--name', name, 'portainer/agent:2.23.0']);
  return name;
}

/** `docker logs` (stdout and stderr, where the agent writes) until `re` shows, bounded. */
async function logsUntil(name: string, re: RegExp, ms = 150_000): Promise<string> {
  const end = Date.now() + ms;
  let logs = '';
  while (Date.now() < end) {
    logs = await engine.docker(['logs', name], { withStderr: true });
    if (re.test(logs)) return logs;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the agent's log did not show ${re} within ${ms} ms:\n${logs}`);
}

beforeAll(async () => {
  if (why) return;
  dir = mkdtempSync(join(tmpdir(), 'edt-agent-logs-'));
  engine = await testEngine();
  server = await startLocalServer({ host: engine.address, dataDir: join(dir, 'server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PW, logger: silentLogger, saveDebounceMs: 50 });
  api = localServerApi(server, ADMIN_PW);
}, 240_000);

afterAll(async () => {
  for (const c of containers) {
    await engine?.docker(['rm', '-f', c]).catch(() => undefined);
    await engine?.docker(['volume', 'rm', '-f', `${c}_data`]).catch(() => undefined);
  }
  await engine?.stop();
  await api?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why)('docker logs diagnosis on a real agent container', () => {
  it("a wrong key (another device's environment): the server's 403 in the agent's poll line; diagnosed as invalid Edge identifier", async () => {
    const env = await api.createEnvironment({ name: `logs-wrong-${randomBytes(2).toString('hex')}`, pollSeconds: 1 });
    // The first device associates the environment with its Edge ID (trust on first connect).
    const first = await runAgent({ EDGE_ID: 'device-one', EDGE_KEY: env.edgeKey });
    await logsUntil(first, /poll 200 /);
    expect((await api.environment(env.id)).edgeId).toBe('device-one');
    await engine.docker(['rm', '-f', first]);
    // A second device given the same key.
    const second = await runAgent({ EDGE_ID: 'device-two', EDGE_KEY: env.edgeKey });
    const re = AGENT_LINE('ERR', 'edge/poll.go', 'an error occured during short poll');
    const logs = await logsUntil(second, re);
    expect(re.exec(logs)![1]).toBe('"Permission denied to access environment. The device has not been trusted yet: invalid Edge identifier"');
    expect(diagnoseAgentLogs(logs)[0]).toMatchObject({ signature: 'invalid Edge identifier' });
    expect(logs).not.toContain(env.edgeKey);
  }, 400_000);

  it('a mangled key (padding added when copied): the agent exits with its fatal line; diagnosed as a key that is not an Edge key', async () => {
    const env = await api.createEnvironment({ name: `logs-mangled-${randomBytes(2).toString('hex')}`, pollSeconds: 1 });
    const name = await runAgent({ EDGE_ID: 'device-mangled', EDGE_KEY: `${env.edgeKey}==` });
    const re = AGENT_LINE('FTL', 'cmd/agent/main.go', 'unable to associate Edge key');
    const logs = await logsUntil(name, re);
    expect(re.exec(logs)![1]).toBe(`"illegal base64 data at input byte ${env.edgeKey.length}"`);
    const state = JSON.parse(await engine.docker(['inspect', '--format', '{{json .State}}', name])) as { Running: boolean; ExitCode: number };
    expect(state).toMatchObject({ Running: false, ExitCode: 1 });
    expect(diagnoseAgentLogs(logs)[0]).toMatchObject({ signature: 'invalid Edge key' });
  }, 400_000);

  it('an unreachable server (nothing listens at the URL in the key): Go\'s dial error in the poll line; diagnosed as connection refused', async () => {
    const env = await api.createEnvironment({ name: `logs-unreachable-${randomBytes(2).toString('hex')}`, pollSeconds: 1 });
    const k = decodeEdgeKey(env.edgeKey);
    const closed = await freePort();
    const url = `https://${engine.address}:${closed}`;
    const name = await runAgent({ EDGE_ID: 'device-unreachable', EDGE_KEY: encodeEdgeKey({ ...k, portainerUrl: url }) });
    const re = AGENT_LINE('ERR', 'edge/poll.go', 'an error occured during short poll');
    const logs = await logsUntil(name, re);
    expect(re.exec(logs)![1]).toBe(JSON.stringify(`Get "${url}/api/endpoints/${env.id}/edge/status": dial tcp ${engine.address}:${closed}: connect: connection refused`));
    expect(logs).not.toMatch(/ECONNREFUSED/);
    expect(diagnoseAgentLogs(logs)[0]).toMatchObject({ signature: 'connection refused' });
  }, 400_000);

  it.skipIf(!existsSync(CHISEL_CLIENT))('a refused tunnel (nothing listens at the tunnel address in the key): the real chisel client\'s lines; diagnosed as connection refused', async () => {
    const env = await api.createEnvironment({ name: `logs-tunnel-${randomBytes(2).toString('hex')}`, pollSeconds: 1 });
    const k = decodeEdgeKey(env.edgeKey);
    const closed = await freePort();
    const name = await runAgent({ EDGE_ID: 'device-tunnel', EDGE_KEY: encodeEdgeKey({ ...k, tunnelAddress: `${engine.address}:${closed}` }) });
    await logsUntil(name, /poll 200 /);
    // The server asks for the tunnel (REQUIRED on the next poll); the agent's chisel client cannot reach it.
    const opening = server.ensureTunnel(env.id, AbortSignal.timeout(30_000)).catch((e: unknown) => e);
    const logs = await logsUntil(name, /client: Give up/);
    expect(logs).toMatch(new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d client: Connecting to ws://${engine.address.replace(/\./g, '\\.')}:${closed}$`, 'm'));
    expect(logs).toMatch(new RegExp(`^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d client: Connection error: dial tcp ${engine.address.replace(/\./g, '\\.')}:${closed}: connect: connection refused$`, 'm'));
    // The agent itself logs nothing for it: chisel's Start returned before the connection failed.
    expect(logs).not.toMatch(/unable to create tunnel/);
    expect(diagnoseAgentLogs(logs)[0]).toMatchObject({ signature: 'connection refused' });
    expect(await opening).toBeInstanceOf(Error);
  }, 400_000);
});
if (!existsSync(CHISEL_CLIENT)) console.log(`SKIP the refused-tunnel case: ${CHISEL_CLIENT} is missing (the simulator's own tunnel client would not log what the agent's chisel client logs)`);
