/**
 * --push-image on real engines (issue #17): the target is a private dockerd behind a real sshd
 * whose agent image was removed and which cannot reach a registry (Docker Hub is unreachable
 * here, as at an air-gapped site); "this computer's engine" is the run's shared dockerd, which has
 * the test agent image. The image travels over the install's SSH connection, is checked with
 * sha256sum on the target and loaded with docker load, and the agent checks in. Also: an archive
 * file as the source, a damaged archive, a stalled transfer (the target's sshd session stopped
 * with SIGSTOP), cancel, and the measured push time over loopback SSH (printed; docs/benchmarks.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTranscript } from '../../../src-main/services/install/fleet';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { DOCKER_CLI, engineUnavailable, type Engine } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import type { SshdHost } from '../../fixtures/ssh/harness';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-push-4321';
const AGENT_SECRET = 'agent-secret-Push never-shown';
const IMAGE = 'portainer/agent:2.23.0';
const noEngine = engineUnavailable();
if (noEngine) process.stdout.write(`pushImage.test.ts skipped: no Docker engine can run here (${noEngine})\n`);

let bed: SshTestBed;
let host: SshdHost;
let target: Engine;
let source: Engine;
let sourceId: string;
let work: string;
let archive: string;
const logLines: string[] = [];
const keys: string[] = [];
let runNo = 0;
let first: { target: string; environmentId: number } | undefined;

const tmpDirsOnHost = () => readdirSync('/var/tmp').filter((f) => f.startsWith('edgedeck-image.'));
/**
 * Every image folder that appeared on the host since `before` is gone, waiting up to 60 s. Other test
 * files push images to this same machine at the same time (swarm, podman, the export's bundle), and
 * their folders come and go with their pushes: only a folder that outlives every push is a leak.
 */
async function expectNoNewPushDirs(before: string[]): Promise<void> {
  let fresh: string[] = [];
  for (let i = 0; i < 600; i++) {
    fresh = tmpDirsOnHost().filter((f) => !before.includes(f));
    if (!fresh.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(fresh).toEqual([]);
}
const targetImageId = () => target.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE]).then((s) => s.trim(), () => undefined);
async function removeTargetImage(): Promise<void> {
  await host.removeAgent();
  await target.docker(['image', 'rm', '-f', IMAGE, `docker.io/${IMAGE}`]).catch(() => undefined);
  expect(await targetImageId()).toBeUndefined();
}

beforeAll(async () => {
  if (noEngine) return;
  bed = await startSshTestBed({ prefix: 'edt-ssh-push-', hostNames: ['t1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, engine: 'private', keyUsers: ['key', 'sudo'] });
  host = bed.hosts[0]!;
  target = host.engine!;
  source = await testEngine();
  sourceId = (await source.docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE])).trim();
  work = mkdtempSync(join(tmpdir(), 'edt-push-'));
  archive = join(work, 'agent.tar');
  await source.docker(['save', '-o', archive, IMAGE], { timeoutMs: 180_000 });
  await removeTargetImage();
}, 300_000);

afterAll(async () => {
  await bed?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function options(user: 'key' | 'sudo', extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api, logLines },
    {
      targets: [`${bed.users[user].name}@127.0.0.1:${host.port}`],
      platform: 'standalone',
      retry: { attempts: 1, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `push${++runNo}-{host}-{port}` },
      remoteDir: host.remoteDir,
      ...extra,
    },
  );
}

/** This computer's engine as the push source: the shared dockerd through the real docker CLI. */
const fromEngine = () => ({ from: 'engine' as const, cli: DOCKER_CLI, env: { ...process.env, DOCKER_HOST: source.host } });

async function rememberKey(environmentId: number | undefined): Promise<void> {
  if (environmentId !== undefined) keys.push((await bed.api.environment(environmentId)).edgeKey);
}

/** The processes of a user's SSH sessions on this machine (sshd's privileged and user halves). */
function sshdSessions(user: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith(`sshd: ${user}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function bytesRead(pid: number): number {
  try {
    return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

describe.skipIf(noEngine)('--push-image over real sshd to a real engine without the image', () => {
  it('preflight says the image is missing and cannot be pulled, and names the push option as the fix', async () => {
    const before = host.argvLog().length;
    const summary = await runFleetInstall(options('key', { mode: 'preflight-only' }));
    const h = summary.hosts[0]!;
    expect(h.detail?.outcome).toBe('failed');
    expect(h.reasonCode).toBe('preflight');
    expect(h.reason).toMatch(/Agent image: portainer\/agent:2\.23\.0 is not on the host and cannot be pulled: /);
    const check = (h.detail!.checks as Array<{ id: string; status: string; fix?: string }>).find((c) => c.id === 'image')!;
    expect(check.status).toBe('fail');
    expect(check.fix).toMatch(/--push-image/);
    expect(h.fix).toMatch(/--push-image/);
    expect(host.argvLog().slice(before).some((c) => c.argv[0] === 'pull')).toBe(true);
  }, 90_000);

  it('with --push-image from this computer\'s engine (sudo with a password): sent with progress, sha256-checked, loaded; the agent checks in', async () => {
    const leftovers = tmpDirsOnHost();
    const summary = await runFleetInstall(options('sudo', { pushImage: fromEngine() }));
    const h = summary.hosts[0]!;
    await rememberKey(h.environmentId);
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    first = { target: h.target, environmentId: h.environmentId! };
    // The target's image is this computer's, byte for byte (same ID), and the pull was never tried.
    expect(await targetImageId()).toBe(sourceId);
    const calls = host.argvLog();
    expect(calls.some((c) => c.argv[0] === 'load' && c.argv[1] === '-i')).toBe(true);
    const tr = readTranscript(join(bed.root, 'runs'), summary.runId, h.target);
    const push = tr.steps.find((s) => s.name === 'push image')!;
    expect(push.status).toBe('ok');
    const size = statSync(archive).size;
    expect(push.notes.some((n) => new RegExp(`^image push: ${(size / 1e6).toFixed(1)} of ${(size / 1e6).toFixed(1)} MB sent \\(100%`).test(n))).toBe(true);
    const done = push.notes.find((n) => n.startsWith('image push: checksum verified on the host (sha256sum)'))!;
    expect(done).toContain(`loaded ${IMAGE} as ${sourceId}`);
    // The same progress reached the run's live log (the CLI and the app's run view show it).
    expect(logLines.some((l) => /image push: [\d.]+ of [\d.]+ MB sent \(\d+%/.test(l))).toBe(true);
    // The privileged command got the sudo password first on stdin, then the archive; the folder is gone.
    expect(push.commands[0]!.sudo).toBe(true);
    await expectNoNewPushDirs(leftovers);
    const m = /; ([\d.]+) MB sent in ([\d.]+) s \(([\d.]+) MB\/s\), ([\d.]+) s more for the checksum and the load$/.exec(done)!;
    expect(Number(m[1])).toBeCloseTo(size / 1e6, 1);
    process.stdout.write(`push-image over loopback SSH (sudo, real sshd, real dockerd): ${m[1]} MB sent in ${m[2]} s (${m[3]} MB/s), then ${m[4]} s for sha256sum and docker load\n`);
  }, 300_000);

  it('again: the host has the same image ID, so nothing is sent; the agent is unchanged', async () => {
    const loads = () => host.argvLog().filter((c) => c.argv[0] === 'load').length;
    const before = loads();
    const summary = await runFleetInstall(options('key', { pushImage: fromEngine(), environment: { mode: 'existing', id: first!.environmentId } }));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('unchanged');
    expect(h.checkedIn).toBe(true);
    expect(loads()).toBe(before);
    const tr = readTranscript(join(bed.root, 'runs'), summary.runId, h.target);
    expect(tr.steps.find((s) => s.name === 'push image')!.notes).toContain(`image push: skipped, the host has ${IMAGE} with the same image ID (${sourceId})`);
  }, 120_000);

  it('a damaged archive (changed after its checksum was taken) is refused on the target before loading', async () => {
    await removeTargetImage();
    const damaged = join(work, 'damaged.tar');
    execFileSync('cp', [archive, damaged]);
    const leftovers = tmpDirsOnHost();
    const calls = host.argvLog().length;
    const summary = await runFleetInstall(
      options('key', {
        pushImage: { from: 'archive', path: damaged },
        onLog: (_t, line) => {
          if (line === '== push image') {
            // One byte in the middle of the file, after the run read its sha256: damage in transit.
            const fd = openSync(damaged, 'r+');
            writeSync(fd, Buffer.from([0x42]), 0, 1, Math.floor(statSync(damaged).size / 2));
            closeSync(fd);
          }
        },
      }),
    );
    const h = summary.hosts[0]!;
    await rememberKey(h.environmentId);
    expect(h.status).toBe('failed');
    expect(h.reasonCode).toBe('image-push');
    expect(h.reason).toMatch(/^push image: the archive arrived damaged: its sha256 on the target \([0-9a-f]{64}\) is not the one sent\. Nothing was loaded/);
    expect(h.fix).toMatch(/retry/);
    expect(await targetImageId()).toBeUndefined();
    expect(host.argvLog().slice(calls).filter((c) => c.argv[0] === 'run' || c.argv[0] === 'load')).toEqual([]);
    await expectNoNewPushDirs(leftovers);
  }, 180_000);

  it('a stalled transfer ends after the bound with a clear message; nothing is loaded and the folder goes', async () => {
    const user = bed.users.key.name;
    const leftovers = tmpDirsOnHost();
    let stopped: number[] = [];
    let watching: NodeJS.Timeout | undefined;
    const started = Date.now();
    try {
      const summary = await runFleetInstall(
        options('key', {
          pushImage: { from: 'archive', path: archive },
          pushStallMs: 3000,
          onLog: (_t, line) => {
            if (!line.startsWith('image push: sending')) return;
            // Once the session has read a few MB of the archive, freeze it: the target takes no more data.
            watching = setInterval(() => {
              const pids = sshdSessions(user);
              if (!stopped.length && pids.some((p) => bytesRead(p) > 4e6)) {
                stopped = pids;
                for (const p of pids) process.kill(p, 'SIGSTOP');
                setTimeout(() => stopped.forEach((p) => process.kill(p, 'SIGCONT')), 5000);
              }
            }, 5);
          },
        }),
      );
      const h = summary.hosts[0]!;
      await rememberKey(h.environmentId);
      expect(stopped.length).toBeGreaterThan(0);
      expect(h.status).toBe('failed');
      expect(h.reasonCode).toBe('image-push');
      expect(h.reason).toMatch(/^push image: the image transfer stalled: the host took no data for 3 s \(([\d.]+) of ([\d.]+) MB sent\)\. Check the network/);
      const [, sent, total] = /\(([\d.]+) of ([\d.]+) MB/.exec(h.reason!)!;
      expect(Number(sent)).toBeGreaterThan(0);
      expect(Number(sent)).toBeLessThan(Number(total));
      expect(Date.now() - started).toBeLessThan(120_000);
    } finally {
      clearInterval(watching);
      for (const p of stopped) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          /* gone */
        }
      }
    }
    expect(await targetImageId()).toBeUndefined();
    // The target's script ends on the TERM it gets once its session runs again, and removes its folder.
    await expectNoNewPushDirs(leftovers);
  }, 180_000);

  it('cancel during the transfer ends it at once; nothing is loaded, the folder goes', async () => {
    const ac = new AbortController();
    const leftovers = tmpDirsOnHost();
    let cancelledAt = 0;
    const summary = await runFleetInstall(
      options('key', {
        pushImage: { from: 'archive', path: archive },
        signal: ac.signal,
        onLog: (_t, line) => {
          if (line.startsWith('image push: sending')) {
            setTimeout(() => {
              cancelledAt = Date.now();
              ac.abort();
            }, 200);
          }
        },
      }),
    );
    const h = summary.hosts[0]!;
    await rememberKey(h.environmentId);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(Date.now() - cancelledAt).toBeLessThan(30_000);
    expect(['failed', 'cancelled']).toContain(h.status);
    expect(h.reasonCode).toBe('cancelled');
    expect(await targetImageId()).toBeUndefined();
    await expectNoNewPushDirs(leftovers);
  }, 180_000);

  it('with --push-image from an archive file (docker save -o): loaded and the agent checks in', async () => {
    await removeTargetImage();
    const summary = await runFleetInstall(options('key', { pushImage: { from: 'archive', path: archive } }));
    const h = summary.hosts[0]!;
    await rememberKey(h.environmentId);
    expect(h.status, h.reason).toBe('succeeded');
    expect(h.checkedIn).toBe(true);
    expect(await targetImageId()).toBe(sourceId);
  }, 300_000);

  it('an archive of another image is refused before any host is touched', async () => {
    const other = join(work, 'other.tar');
    await source.docker(['tag', IMAGE, 'edgedeck-test/other:1']);
    try {
      await source.docker(['save', '-o', other, 'edgedeck-test/other:1'], { timeoutMs: 180_000 });
    } finally {
      await source.docker(['rmi', 'edgedeck-test/other:1']).catch(() => undefined);
    }
    const before = host.argvLog().length;
    await expect(runFleetInstall(options('key', { pushImage: { from: 'archive', path: other } }))).rejects.toThrow(/holds edgedeck-test\/other:1, not portainer\/agent:2\.23\.0\. Make one with: docker save -o agent\.tar portainer\/agent:2\.23\.0/);
    expect(host.argvLog().length).toBe(before);
  }, 180_000);

  it('secret scan: no join token, agent secret or password in transcripts, the live log, argv or ps', () => {
    const secrets = [...keys, AGENT_SECRET, bed.users.sudo.password];
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)])) : []);
    const haystacks: Array<[string, string]> = files(join(bed.root, 'runs')).map((f) => [f, readFileSync(f, 'utf8')]);
    haystacks.push(['progress log', logLines.join('\n')], ['argv', JSON.stringify(host.argvLog())], ['ps', execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })]);
    for (const [where, text] of haystacks) for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
  });
});
