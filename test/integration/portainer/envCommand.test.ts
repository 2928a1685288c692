import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvCommand } from '../../../src-main/cli/commands/env';
import type { CliIo } from '../../../src-main/cli/io';
import { runAgent } from '../../../src-main/services/agents';
import { startLocalServer, type LocalServer } from '../../../src-main/services/localserver';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';

const PASSWORD = 'env-cli-password-1';
let server: LocalServer;
let fp: string;
let dir: string;
const store = new MemoryStore();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgedeck-envcli-'));
  server = await startLocalServer({ dataDir: dir, port: 0, tunnelPort: 0, https: true, adminPassword: PASSWORD, logger: silentLogger });
  fp = new X509Certificate(server.caPem!).fingerprint256;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], stdin = `${PASSWORD}\n`) {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => stdin, stopSignal: new AbortController().signal };
  const code = await makeEnvCommand({ store }).run(args, io);
  return { code, out, err };
}

const conn = () => ['--server', `${server.url}/api/`, '--username', 'admin', '--password-stdin', '--pin', fp];

describe('edgedeck env', () => {
  it('create prints JSON with the Edge key and the Edge ID; show repeats the same Edge ID; list shows a table; delete', async () => {
    const created = await run(['create', ...conn(), '--name', 'cli-edge-1', '--poll', '30', '--group', 'CLI group', '--tags', 'cli-a,cli-b']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const env = JSON.parse(created.out) as Record<string, unknown>;
    expect(env.name).toBe('cli-edge-1');
    expect(typeof env.edgeKey).toBe('string');
    expect(env.edgeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.edgeIdSource).toBe('generated');
    expect(env.pollSeconds).toBe(30);
    expect(env.portainerUrl).toBe(server.url);
    expect(env.created).toEqual({ group: 'CLI group', tags: ['cli-a', 'cli-b'] });

    const shown = await run(['show', String(env.id), ...conn()]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out).edgeId).toBe(env.edgeId);

    const again = await run(['create', ...conn(), '--name', 'cli-edge-2', '--group', 'CLI group', '--tags', 'cli-a']);
    expect(JSON.parse(again.out).created).toEqual({ group: null, tags: [] });

    const list = await run(['list', ...conn(), '--search', 'cli-edge']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^ID\s+NAME\s+STATE/);
    expect(list.out).toMatch(/cli-edge-1\s+never/);
    expect(list.out).toMatch(/2 shown of 2/);
    const json = await run(['list', ...conn(), '--search', 'cli-edge', '--json', '--limit', '1']);
    expect(JSON.parse(json.out)).toMatchObject({ total: 2 });

    const upd = await run(['update', String(env.id), ...conn(), '--poll', '60', '--tags', 'cli-c']);
    expect(upd.code).toBe(0);
    expect(JSON.parse(upd.out)).toMatchObject({ pollSeconds: 60, created: ['tag "cli-c"'] });

    const del = await run(['delete', String(env.id), ...conn()]);
    expect(del).toMatchObject({ code: 0, out: `deleted environment ${env.id}\n` });
    const gone = await run(['show', String(env.id), ...conn()]);
    expect(gone.code).toBe(1);
  });

  it('show carries the tunnel as the local server has it: closed before any agent, verified, then dropped when the agent goes', async () => {
    const created = JSON.parse((await run(['create', ...conn(), '--name', 'cli-tunnel', '--url', server.url, '--poll', '1'])).out) as { id: number; edgeKey: string; edgeId: string };
    const tunnelOf = async () => JSON.parse((await run(['show', String(created.id), ...conn()])).out).tunnel as Record<string, unknown>;
    expect(await tunnelOf()).toMatchObject({ status: 'closed', port: 0 });
    const agent = runAgent({ edgeKey: created.edgeKey, edgeId: created.edgeId, insecurePoll: true, firstPollDelayMs: 0, tunnel: true });
    try {
      await agent.waitFor('tunnel-verified', 15_000);
      const verified = await tunnelOf();
      expect(verified).toMatchObject({ status: 'verified' });
      expect(verified.port).toBeGreaterThanOrEqual(49152);
    } finally {
      await agent.stop();
    }
    for (let i = 0; i < 50 && server.tunnelState(created.id)?.status !== 'closed'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await tunnelOf()).toMatchObject({ status: 'closed', port: 0, reason: 'dropped' });
  });

  it('exit 2 on bad input, 1 on server refusals; an untrusted certificate shows its fingerprint and the flags to use', async () => {
    expect((await run(['create', ...conn()])).code).toBe(2);
    expect((await run(['list', '--server', server.url, '--password-stdin'], '')).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const dup = await run(['create', ...conn(), '--name', 'cli-edge-2']);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/name: An environment with this name exists already/);
    const wrong = await run(['list', ...conn()], 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/password: Wrong username or password/);
    const untrusted = await run(['list', '--server', server.url, '--password-stdin']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.err).toContain(fp);
    expect(untrusted.err).toMatch(/--pin/);
    const insecure = await run(['list', '--server', server.url, '--password-stdin', '--insecure']);
    expect(insecure.code).toBe(0);
    expect(insecure.err).toMatch(/verification is OFF/);
  });
});
