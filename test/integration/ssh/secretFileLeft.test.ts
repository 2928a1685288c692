/**
 * Issue #12.3: the transcript must not claim a clean-up that failed. A real sshd host whose
 * root-only folder is append-only (chattr +a: files can be created there, not removed, even by
 * root) makes the `rm` of agent.env fail after a real install. The run must say so, list the
 * host and the path in its summary, and the next run that reaches the host must remove it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { LEFTOVERS_FILE } from '../../../src-main/services/install/leftoverSecretFiles';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

let bed: SshTestBed;
let dir: string;
const logLines: string[] = [];

beforeAll(async () => {
  bed = await startSshTestBed({ prefix: 'edt-ssh-leftover-', hostNames: ['h1'], adminPassword: 'local-admin-pw-1234', agentSecret: 'agent-secret-left-7Qz' });
  // 0700 root:root already, so `install -d` has nothing to change on it; +a keeps unlink from working.
  dir = join(bed.root, 'append-only-etc');
  mkdirSync(dir, { mode: 0o700 });
  execFileSync('chattr', ['+a', dir]);
}, 60_000);

afterAll(async () => {
  if (dir && existsSync(dir)) execFileSync('chattr', ['-a', dir]);
  await bed?.close();
});

function options(extra: Partial<FleetInstallOptions>): FleetInstallOptions {
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api, logLines },
    {
      targets: [`${bed.users.key.name}@127.0.0.1:${bed.hosts[0]!.port}`],
      environment: { mode: 'create', nameTemplate: 'left-{host}-{port}' },
      remoteDir: () => dir,
      agentName: (t) => bed.agentNameOf(t),
      ...extra,
    },
  );
}

const transcriptOf = (runId: string, rel: string) => readFileSync(join(bed.root, 'runs', runId, rel), 'utf8');

describe('a secret file whose removal fails (real sshd, append-only folder)', () => {
  it('is reported as left (not "removed"), listed in the run summary, and removed by the next run once the folder allows it', async () => {
    const envFile = join(dir, 'agent.env');
    const first = await runFleetInstall(options({}));
    const h = first.hosts[0]!;
    expect(existsSync(envFile)).toBe(true); // the rm really failed
    expect(h.secretFilesLeft).toEqual([envFile]);
    const t1 = transcriptOf(first.runId, h.transcript!);
    expect(t1).toContain(`could NOT remove ${envFile}`);
    expect(t1).not.toContain(`removed ${envFile}`);
    const owed = JSON.parse(readFileSync(join(bed.root, 'runs', LEFTOVERS_FILE), 'utf8')) as Record<string, { paths: string[] }>;
    expect(Object.values(owed).map((e) => e.paths)).toEqual([[envFile]]);

    // The folder is fixed; the next run (a preflight-only one) reaches the host and removes the file first.
    execFileSync('chattr', ['-a', dir]);
    const second = await runFleetInstall(options({ mode: 'preflight-only' }));
    const h2 = second.hosts[0]!;
    expect(existsSync(envFile)).toBe(false);
    expect(h2.secretFilesLeft).toBeUndefined();
    const t2 = transcriptOf(second.runId, h2.transcript!);
    expect(t2).toContain('remove leftover secret files');
    expect(t2).toContain(`removed ${envFile}: left over by an earlier run`);
    expect(JSON.parse(readFileSync(join(bed.root, 'runs', LEFTOVERS_FILE), 'utf8'))).toEqual({});
  }, 240_000);
});
