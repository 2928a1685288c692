import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvCommand } from '../../../src-main/cli/commands/env';
import { makeExportCommand } from '../../../src-main/cli/commands/export';
import { createPrestageHandlers } from '../../../src-main/services/handlers/prestage';
import { localTunnelOptions, portainerServerApi } from '../../../src-main/services/install/portainerServerApi';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { ServerProfiles } from '../../../src-main/services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { calls } from '../../../src-main/shared/contract/calls';
import { decodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { ADMIN_PASSWORD, captureIo, tmp } from '../prestage/helpers';

/**
 * Business Edition's rule for an Edge environment create (docs/portainer-versions.md, fact 17:
 * `EdgeTunnelServerAddress` is required when the settings have no tunnel server address) holds on
 * every path that creates one, not only the app's add form (businessEdition.test.ts): the CLI's
 * `env create`, the SSH install's create (app and CLI wiring), and the CSV import (CLI and app).
 * The local server runs its newest BE profile with the setting cleared, so it answers 400 to a
 * create without the field, as BE's API says it does.
 */
let server: LocalServer;
let client: PortainerClient;
let fp: string;

const expectedDerived = () => `${new URL(server.url).hostname}:8000`;
const tunnelOf = async (id: number) => decodeEdgeKey((await client.getEnvironment(id)).edgeKey ?? '').tunnelAddress;

beforeAll(async () => {
  server = await startLocalServer({ dataDir: tmp('be-paths'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PASSWORD, version: '2.45.0', edition: 'be', logger: silentLogger });
  fp = new X509Certificate(server.caPem!).fingerprint256;
  client = new PortainerClient({ url: server.url, tls: { mode: 'insecure' }, credentials: { kind: 'password', username: 'admin', password: ADMIN_PASSWORD }, getAttempts: 1 });
  await client.authenticate();
  // An admin clears the tunnel server address (PUT /api/settings, as in Portainer's settings view).
  const jwt = await loginJwt();
  const put = await fetchJson('PUT', '/api/settings', jwt, { Edge: { TunnelServerAddress: '' } });
  expect(put.Edge.TunnelServerAddress).toBe('');
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
});

async function loginJwt(): Promise<string> {
  return (await fetchJson('POST', '/api/auth', undefined, { username: 'admin', password: ADMIN_PASSWORD })).jwt as string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw API answer, read field by field
async function fetchJson(method: string, path: string, jwt: string | undefined, body: unknown): Promise<any> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: server.caPem! } });
  try {
    const r = await request(server.url + path, { method: method as 'PUT', dispatcher, headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) }, body: JSON.stringify(body) });
    return await r.body.json();
  } finally {
    await dispatcher.close();
  }
}

describe('BE server without a tunnel server address: every create path sends EdgeTunnelServerAddress', () => {
  it('the server really refuses a create without it (the premise of the tests below)', async () => {
    const refused = await client.createEdgeEnvironment({ name: 'bare', portainerUrl: server.url }).catch((e: unknown) => e as Error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/EdgeTunnelServerAddress is required/);
  });

  it('edgedeck env create: host:8000 by default, --tunnel-server-address when given, a bad one refused naming the flag', async () => {
    const envCreate = async (extra: string[]) => {
      let out = '';
      let err = '';
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), readStdin: async () => `${ADMIN_PASSWORD}\n`, stopSignal: new AbortController().signal };
      const code = await makeEnvCommand({ store: new MemoryStore() }).run(['create', '--server', server.url, '--username', 'admin', '--password-stdin', '--pin', fp, ...extra], io);
      return { code, out, err };
    };
    const plain = await envCreate(['--name', 'cli-be']);
    expect(plain.err).toBe('');
    expect(plain.code).toBe(0);
    expect(await tunnelOf((JSON.parse(plain.out) as { id: number }).id)).toBe(expectedDerived());
    const typed = await envCreate(['--name', 'cli-be-typed', '--tunnel-server-address', 'tunnel.example.com:8123']);
    expect(typed.code).toBe(0);
    expect(await tunnelOf((JSON.parse(typed.out) as { id: number }).id)).toBe('tunnel.example.com:8123');
    const bad = await envCreate(['--name', 'cli-be-bad', '--tunnel-server-address', 'https://tunnel.example.com:8123']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^edgedeck: --tunnel-server-address: .*without a scheme/);
    // Nothing is derived from a localhost --url: it is refused first, naming the flag.
    const local = await envCreate(['--name', 'cli-be-local', '--url', 'https://localhost:9443']);
    expect(local.code).toBe(2);
    expect(local.err).toMatch(/^edgedeck: --url: Portainer refuses "localhost"/);
  });

  it("the SSH install's create: the CLI's wiring derives host:8000, the app's sends the built-in server's tunnel", async () => {
    const cli = await portainerServerApi(client).createEnvironment({ name: 'ssh-cli-be' });
    expect(decodeEdgeKey(cli.edgeKey).tunnelAddress).toBe(expectedDerived());
    const app = await portainerServerApi(client, localTunnelOptions(server)).createEnvironment({ name: 'ssh-app-be', pollSeconds: 5 });
    expect(decodeEdgeKey(app.edgeKey).tunnelAddress).toBe(server.tunnelAddress);
    expect(server.tunnelAddress).not.toBe(expectedDerived());
  });

  it('the CSV import of edgedeck export creates every row', async () => {
    const csv = join(tmp('be-csv'), 'devices.csv');
    writeFileSync(csv, 'name,group,tags,poll,platform,edge_id,host\ncsv-be-1,,,,standalone,,\ncsv-be-2,,,,podman,,\n');
    const out = join(tmp('be-csv-out'), 'export');
    const io = captureIo(`${ADMIN_PASSWORD}\n`);
    const code = await makeExportCommand({ store: new MemoryStore(), prestageStore: new MemoryStore() }).run(['--server', server.url, '--username', 'admin', '--password-stdin', '--pin', fp, '--csv', csv, '--create', '--out', out, '--formats', 'env'], io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toContain('Created 2, existing 0, failed 0.');
    for (const name of ['csv-be-1', 'csv-be-2']) {
      const id = (JSON.parse(readFileSync(join(out, 'devices', name, 'manifest.json'), 'utf8')) as { environment: { id: number } }).environment.id;
      expect(await tunnelOf(id)).toBe(expectedDerived());
    }
  }, 60_000);

  it("the app's CSV import on the built-in server sends that server's real tunnel address", async () => {
    const profiles = new ServerProfiles({ store: new MemoryStore(), secrets: new MemoryOnlySecrets(), logger: silentLogger });
    try {
      await profiles.registerEphemeral({ id: 'local', name: 'local', url: server.url, auth: 'password', username: 'admin', tls: { mode: 'insecure' }, rememberSecret: false }, ADMIN_PASSWORD);
      profiles.select('local');
      const h = createPrestageHandlers({ profiles, store: new MemoryStore(), logger: silentLogger, builtInAddress: (id) => (id === 'local' ? { url: server.url, tunnelAddress: server.tunnelAddress } : undefined) });
      const run = await h['prestage:importRun'](calls['prestage:importRun'].request.parse({ csv: 'name\napp-csv-be\n', outDir: join(tmp('be-app-csv'), 'o'), formats: ['env'] }));
      expect(run.items).toEqual([expect.objectContaining({ name: 'app-csv-be', action: 'created' })]);
      expect(await tunnelOf(run.items[0]!.environmentId!)).toBe(server.tunnelAddress);
    } finally {
      await profiles.close();
    }
  }, 60_000);
});
