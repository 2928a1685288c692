/**
 * Podman installs over SSH with the real podman: real OpenSSH sshd on loopback, Debian's rootful
 * podman 4.3 in a file system view of the test host's own (test/fixtures/engine/podman.ts: its
 * /run and /var/lib are private; containers use the host network), the test agent image imported
 * as docker.io/portainer/agent:<version>, and a local Portainer-compatible server.
 * STAND-IN: systemd. There is none on this machine, so the host's `systemctl` plays the one unit
 * the install enables (podman.socket: it starts `podman system service` on the socket path).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTranscript } from '../../../src-main/services/install/fleet';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { podmanUnavailable, startPodmanHost, writeHostPodman, writeHostSystemctl, type PodmanHost } from '../../fixtures/engine/podman';
import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { DOCKER_CLI, engineUnavailable } from '../../fixtures/engine/dockerd';
import { testEngine } from '../../fixtures/engine/shared';
import type { SshdHost } from '../../fixtures/ssh/harness';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-podman-4321';
const AGENT_SECRET = 'agent-secret-P0dman never-shown';
const noPodman = podmanUnavailable();
if (noPodman) process.stdout.write(`podman.test.ts skipped: ${noPodman}\n`);

let bed: SshTestBed;
let pod: SshdHost;
let engine: PodmanHost;
const logLines: string[] = [];
const keys: string[] = [];
let installed: { environmentId: number } | undefined;
let runNo = 0;

beforeAll(async () => {
  if (noPodman) return;
  bed = await startSshTestBed({ prefix: 'edt-ssh-podman-', hostNames: ['p1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, engine: 'none' });
  pod = bed.hosts[0]!;
  engine = await startPodmanHost();
  writeHostPodman(join(pod.dir, 'bin'), pod.stateDir, engine);
  writeHostSystemctl(join(pod.dir, 'bin'), pod.stateDir, engine);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await bed?.close();
});

function options(extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api, logLines },
    {
      targets: [`${bed.users.key.name}@127.0.0.1:${pod.port}`],
      platform: 'podman',
      retry: { attempts: 1, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `pm${++runNo}-{host}-{port}` },
      remoteDir: pod.remoteDir,
      ...extra,
    },
  );
}

interface PodmanContainer {
  Config: { Image: string; Env: string[] };
  State: { Running: boolean };
  HostConfig: { Privileged: boolean; RestartPolicy: { Name: string }; Binds: string[] };
}

describe.skipIf(noPodman)('Podman install over real sshd with the real podman', () => {
  it("podman info is asked with podman's own template fields: Docker's names are a template error there", async () => {
    const err = await engine.podman(['info', '--format', '{{.ServerVersion}}']).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/can't evaluate field ServerVersion/);
  });

  it('a failing preparatory command (podman.socket masked) fails the host naming it; nothing after it runs and no env file stays behind', async () => {
    const masked = join(pod.stateDir, 'systemctl.masked');
    writeFileSync(masked, '');
    try {
      const summary = await runFleetInstall(options());
      const h = summary.hosts[0]!;
      keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
      expect(h.status).toBe('failed');
      expect(h.reason).toMatch(/start agent: enable --now failed \(exit 1\): Failed to enable unit: Unit file .*podman.socket is masked\./);
      expect(pod.argvLog().filter((c) => /^(run|volume create)/.test(c.argv.slice(0, 2).join(' ')))).toEqual([]);
      expect(await engine.podman(['ps', '-aq'])).toBe('');
      const transcript = JSON.stringify(readTranscript(join(bed.root, 'runs'), summary.runId, h.target));
      const staged = /staged the env file over SFTP as (\/tmp\/edgedeck-env\.[0-9a-f]+)/.exec(transcript)?.[1];
      expect(staged).toBeDefined();
      expect(existsSync(staged!)).toBe(false);
      expect(existsSync(join(pod.remoteDir, 'agent.env'))).toBe(false);
    } finally {
      rmSync(masked);
      rmSync(join(pod.stateDir, 'systemctl.log'), { force: true });
    }
  }, 60_000);

  it('enables podman.socket, creates the volume, runs the agent privileged from the env file; it checks in through the real chisel client', async () => {
    const summary = await runFleetInstall(options());
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    const env = await bed.api.environment(h.environmentId!);
    keys.push(env.edgeKey);
    installed = { environmentId: h.environmentId! };
    expect(readFileSync(join(pod.stateDir, 'systemctl.log'), 'utf8')).toBe('0 enable --now podman.socket\n');
    expect(JSON.parse(await engine.podman(['volume', 'inspect', 'portainer']))[0]).toMatchObject({ Name: 'portainer' });
    const envPath = join(pod.remoteDir, 'agent.env');
    expect(pod.argvLog().find((c) => c.envFile)!.envFile).toEqual({ path: envPath, mode: '600', uid: 0 });
    expect(existsSync(envPath)).toBe(false);
    const c = (JSON.parse(await engine.podman(['inspect', 'portainer_edge_agent'])) as PodmanContainer[])[0]!;
    expect(c.State.Running).toBe(true);
    expect(c.HostConfig.Privileged).toBe(true);
    expect(c.HostConfig.RestartPolicy.Name).toBe('always');
    expect(c.Config.Env).toEqual(expect.arrayContaining(['EDGE=1', `EDGE_ID=${h.edgeId}`, `EDGE_KEY=${env.edgeKey}`, `AGENT_SECRET=${AGENT_SECRET}`]));
    const logs = await engine.podman(['logs', 'portainer_edge_agent']);
    // The agent reached Podman's Docker-compatible API through the socket mount.
    expect(logs).toMatch(/docker engine 4\.\S+ via \/var\/run\/docker\.sock/);
    // Socket, volume, env file and run in one privileged exec.
    const doc = readTranscript(join(bed.root, 'runs'), summary.runId, h.target) as { steps: Array<{ name: string; commands: Array<{ command: string }> }> };
    const start = doc.steps.find((st) => st.name === 'start agent')!.commands;
    expect(start).toHaveLength(1);
    expect(start[0]!.command).toMatch(/enable --now podman\.socket \|\| .*volume create portainer \|\| .*install -m 0600 .* run -d /);
  }, 120_000);

  it('a second Podman run finds the agent unchanged', async () => {
    const summary = await runFleetInstall(options({ environment: { mode: 'existing', id: installed!.environmentId } }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('unchanged');
    expect(pod.argvLog().filter((c) => c.envFile)).toHaveLength(1);
  }, 90_000);

  it('missing agent image, no registry: preflight names it with podman\'s pull error before anything is created (issue #17)', async () => {
    await engine.reset();
    await engine.podman(['rmi', '-f', 'docker.io/portainer/agent:2.23.0']);
    const calls = pod.argvLog().length;
    try {
      const summary = await runFleetInstall(options());
      const h = summary.hosts[0]!;
      keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
      expect(h.status).toBe('failed');
      expect(h.reason, h.reason).toMatch(/Agent image: portainer\/agent:2\.23\.0 is not on the host and cannot be pulled: Error: short-name "portainer\/agent:2\.23\.0" did not resolve to an alias and no unqualified-search registries are defined/);
      // Podman resolves short names only through registries.conf (Debian's has none): the 2.23 command's
      // unqualified image cannot be pulled there at all; podman's own line says so.
      expect(pod.argvLog().slice(calls).filter((c) => c.envFile || c.argv[0] === 'run')).toEqual([]);
    } finally {
      await engine.restoreImage();
    }
  }, 90_000);

  it('with --push-image from a Docker engine (docker save) the image is loaded into podman (podman load) and the agent checks in (issue #17)', async (ctx) => {
    const noDocker = engineUnavailable();
    if (noDocker) {
      process.stdout.write(`podman.test.ts: the push test is skipped: no Docker engine to save the image from (${noDocker})\n`);
      ctx.skip();
    }
    await engine.reset();
    await engine.podman(['rmi', '-f', 'docker.io/portainer/agent:2.23.0']);
    const source = await testEngine();
    try {
      const summary = await runFleetInstall(options({ pushImage: { from: 'engine', cli: DOCKER_CLI, env: { ...process.env, DOCKER_HOST: source.host } } }));
      const h = summary.hosts[0]!;
      keys.push((await bed.api.environment(h.environmentId!)).edgeKey);
      expect(h.status, h.reason).toBe('succeeded');
      expect(h.checkedIn).toBe(true);
      expect(pod.argvLog().some((c) => c.argv[0] === 'load' && c.argv[1] === '-i')).toBe(true);
      // Podman prints the ID without docker's sha256: prefix; it is the same image.
      const sourceId = (await source.docker(['image', 'inspect', '--format', '{{.Id}}', 'portainer/agent:2.23.0'])).trim();
      expect(`sha256:${(await engine.podman(['image', 'inspect', '--format', '{{.Id}}', 'portainer/agent:2.23.0'])).trim()}`).toBe(sourceId);
    } finally {
      await engine.reset();
      await engine.restoreImage();
    }
  }, 240_000);

  it('secret scan: no join token or agent secret in argv/cmdlines, transcripts, progress log, sshd log or ps', () => {
    expect(keys).toHaveLength(engineUnavailable() ? 3 : 4);
    const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)])) : []);
    const haystacks: Array<[string, string]> = files(join(bed.root, 'runs')).map((f) => [f, readFileSync(f, 'utf8')]);
    haystacks.push(['progress log', logLines.join('\n')], ['argv', JSON.stringify(pod.argvLog())], ['sshd log', pod.sshdLog()], ['ps', execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })]);
    for (const [where, text] of haystacks) for (const s of [...keys, AGENT_SECRET]) expect(text.includes(s), `${where} holds a secret`).toBe(false);
  });
});
