/**
 * Docker Swarm and Podman installs over SSH: real OpenSSH sshd on loopback, the docker stand-in
 * (test/fixtures/ssh/dockerStandIn.mjs) as `docker` on a swarm manager "host" and as `podman`
 * (EDT_STANDIN=podman) on another, a `systemctl` stand-in for `systemctl enable --now
 * podman.socket` (no systemd here), and a local Portainer-compatible server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../src-main/services/localserver';
import { readTranscript } from '../../../src-main/services/install/fleet';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';


import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { agentBundle, type SshdHost, type TestUsers } from '../../fixtures/ssh/harness';
import { localServerApi } from '../../fixtures/ssh/localServerApi';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-swarm-4321';
const AGENT_SECRET = 'agent-secret-Sw4rm-P0dman never-shown';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'ssh');

let bed: SshTestBed;
let users: TestUsers;
let root: string;
let swarm: SshdHost;
let pod: SshdHost;
let server: LocalServer;
let api: ReturnType<typeof localServerApi>;
let key: { path: string; pub: string };
const logLines: string[] = [];
const edgeKeys: string[] = [];
/** Join tokens of the Swarm rerun/replace runs (scanned too). */
const moreKeys: string[] = [];
/** Join tokens of environments whose install failed on purpose (scanned too). */
const failedKeys: string[] = [];
let swarmFirst: { target: string; environmentId: number } | undefined;
let runNo = 0;

beforeAll(async () => {
  bed = await startSshTestBed({ prefix: 'edt-ssh-swarm-podman-', hostNames: ['s1', 'p1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET });
  ({ users, root, key, server, api } = bed);
  [swarm, pod] = bed.hosts as [SshdHost, SshdHost];
  // s1 is a swarm manager (the stand-in's node state).
  writeFileSync(join(swarm.stateDir, 'state.json'), JSON.stringify({ containers: {}, swarm: 'active' }), { mode: 0o600 });
  // p1 has `podman` (the docker stand-in in podman mode) and a `systemctl` that only knows how to enable podman.socket.
  const bin = join(pod.dir, 'bin');
  writeFileSync(join(bin, 'podman'), `#!/bin/sh\nEDT_STANDIN=podman EDT_AGENT_BUNDLE=${agentBundle()} exec ${process.execPath} ${join(fixtures, 'dockerStandIn.mjs')} ${pod.stateDir} "$@"\n`, { mode: 0o755 });
  writeFileSync(
    join(bin, 'systemctl'),
    [
      '#!/bin/sh',
      '# systemctl stand-in (no systemd on this machine): records the call; `enable --now podman.socket` as root',
      '# "creates" the socket for the podman stand-in; anything else fails like an unknown unit.',
      `echo "$(id -u) $*" >> ${pod.stateDir}/systemctl.log`,
      `if [ -e ${pod.stateDir}/systemctl.masked ]; then echo "Failed to enable unit: Unit file /etc/systemd/system/podman.socket is masked." >&2; exit 1; fi`,
      `if [ "$*" = "enable --now podman.socket" ] && [ "$(id -u)" = 0 ]; then touch ${pod.stateDir}/podman.socket.enabled; exit 0; fi`,
      'echo "Failed to enable unit: stand-in systemctl knows only podman.socket (as root)" >&2',
      'exit 1',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

function options(target: string, platform: 'swarm' | 'podman', extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  const host = bed.hostOf(target);
  return fleetTestOptions(
    { root, users, keyPath: key.path, server: api, logLines },
    {
      targets: [target],
      platform,
      retry: { attempts: 2, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `sp${++runNo}-{host}-{port}` },
      remoteDir: host.remoteDir,
      ...extra,
    },
  );
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('Docker Swarm install over real sshd (docker stand-in on a swarm manager)', () => {
  it('a swarm worker node fails the preflight with the fix (target a manager); nothing is created', async () => {
    const state = join(swarm.stateDir, 'state.json');
    const manager = readFileSync(state, 'utf8');
    writeFileSync(state, JSON.stringify({ ...JSON.parse(manager), swarm: 'worker' }), { mode: 0o600 });
    try {
      const summary = await runFleetInstall(options(`${users.sudo.name}@127.0.0.1:${swarm.port}`, 'swarm'));
      const h = summary.hosts[0]!;
      failedKeys.push((await api.environment(h.environmentId!)).edgeKey);
      expect(h.status).toBe('failed');
      const runtime = (h.detail!.checks as Array<{ id: string; status: string; found: string; fix?: string }>).find((c) => c.id === 'runtime')!;
      expect(runtime).toMatchObject({ status: 'fail', found: 'Docker 24.0.7, swarm worker' });
      expect(runtime.fix).toMatch(/swarm manager/);
      expect(swarm.argvLog().map((r) => r.argv.join(' ')).filter((a) => /^(network|service) create/.test(a))).toEqual([]);
      expect(swarm.envFilesLog()).toEqual([]);
    } finally {
      writeFileSync(state, manager, { mode: 0o600 });
    }
  }, 60_000);

  it('creates the overlay network and a global service from the root-only env file; the agent checks in, tunnel verified', async () => {
    const summary = await runFleetInstall(options(`${users.sudo.name}@127.0.0.1:${swarm.port}`, 'swarm'));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    edgeKeys.push((await api.environment(h.environmentId!)).edgeKey);
    swarmFirst = { target: h.target, environmentId: h.environmentId! };
    const calls = swarm.argvLog();
    const argv = calls.map((r) => r.argv.join(' '));
    expect(argv).toContain('network create --driver overlay portainer_agent_network');
    const create = calls.find((r) => r.argv[0] === 'service' && r.argv[1] === 'create')!;
    const envPath = join(swarm.remoteDir, 'agent.env');
    expect(create.argv.join(' ')).toBe(
      `service create --name portainer_edge_agent --network portainer_agent_network --env-file ${envPath} --mode global --constraint node.platform.os == linux ` +
        '--mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes ' +
        `--mount type=bind,src=//,dst=/host --mount type=volume,src=portainer_agent_data,dst=/data portainer/agent:${await api.agentVersion()}`,
    );
    expect(create.uid).toBe(0);
    expect(create.cmdlines.some((c) => c[0] === 'sudo' && c.includes('-S'))).toBe(true);
    const files = swarm.envFilesLog();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: envPath, mode: '600', uid: 0 });
    expect(files[0]!.content).toContain('AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent\n');
    expect(files[0]!.content).toContain(`AGENT_SECRET=${AGENT_SECRET}\n`);
    expect(existsSync(envPath)).toBe(false);
    expect(statSync(swarm.remoteDir).mode & 0o777).toBe(0o700);
    const svc = (swarm.dockerState() as unknown as { services: Record<string, { mode: string; constraint: string }> }).services.portainer_edge_agent!;
    expect(svc).toMatchObject({ mode: 'global', constraint: 'node.platform.os == linux' });
  }, 90_000);

  it('preflight refuses a node that is not in a swarm, before anything is written', async () => {
    const f = join(swarm.stateDir, 'state.json');
    const st = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
    writeFileSync(f, JSON.stringify({ ...st, swarm: 'inactive' }));
    try {
      const before = swarm.envFilesLog().length;
      const summary = await runFleetInstall(options(`${users.key.name}@127.0.0.1:${swarm.port}`, 'swarm', { mode: 'preflight-only' }));
      expect(summary.hosts[0]!.status).toBe('failed');
      expect(summary.hosts[0]!.reason).toMatch(/Container runtime: Docker 24\.0\.7, swarm inactive/);
      expect(swarm.envFilesLog()).toHaveLength(before);
    } finally {
      writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), swarm: 'active' }));
    }
  }, 60_000);
});

describe('Swarm rerun: the existing portainer_edge_agent service (docker service inspect)', () => {
  const creates = () => swarm.argvLog().filter((r) => r.argv[0] === 'service' && r.argv[1] === 'create').length;
  const serviceEnv = () => (swarm.dockerState() as unknown as { services: Record<string, { env: string[] }> }).services.portainer_edge_agent!.env;

  it('the same environment again: the service is found unchanged, nothing is created, the check-in is verified', async () => {
    const before = creates();
    const summary = await runFleetInstall(options(swarmFirst!.target, 'swarm', { environment: { mode: 'existing', id: swarmFirst!.environmentId } }));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('unchanged');
    expect(h.checkedIn).toBe(true);
    expect((h.detail!.checks as Array<{ id: string; found: string }>).find((c) => c.id === 'existing')!.found).toMatch(/the portainer_edge_agent service already runs portainer\/agent:.* with this Edge ID and key: nothing to do/);
    expect(swarm.argvLog().map((r) => r.argv.join(' '))).toContain('service inspect portainer_edge_agent');
    expect(creates()).toBe(before);
  }, 60_000);

  it('a different Edge ID is refused without replace (the confirmation says no), and nothing is removed', async () => {
    const before = swarm.argvLog().length;
    const envBefore = serviceEnv();
    const summary = await runFleetInstall(options(swarmFirst!.target, 'swarm'));
    const h = summary.hosts[0]!;
    moreKeys.push((await api.environment(h.environmentId!)).edgeKey);
    expect(h.status).toBe('failed');
    expect(h.reason).toMatch(/the portainer_edge_agent service exists with Edge ID .* → .*a different Edge key.*replacing it was not confirmed/);
    const after = swarm.argvLog().slice(before).map((r) => r.argv.join(' '));
    expect(after.filter((a) => /^service (rm|create)|^volume rm/.test(a))).toEqual([]);
    expect(serviceEnv()).toEqual(envBefore);
  }, 60_000);

  it('replaceExisting always: the service and its volume are removed, the new agent is created from the new key and checks in', async () => {
    const before = swarm.argvLog().length;
    const summary = await runFleetInstall(options(swarmFirst!.target, 'swarm', { replaceExisting: 'always' }));
    const h = summary.hosts[0]!;
    const env = await api.environment(h.environmentId!);
    moreKeys.push(env.edgeKey);
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true });
    const after = swarm.argvLog().slice(before).map((r) => r.argv.join(' '));
    expect(after).toContain('service rm portainer_edge_agent');
    expect(after).toContain('volume rm portainer_agent_data');
    expect(after.findIndex((a) => a === 'service rm portainer_edge_agent')).toBeLessThan(after.findIndex((a) => a.startsWith('service create')));
    expect(serviceEnv()).toContain(`EDGE_KEY=${env.edgeKey}`);
    expect(serviceEnv()).toContain(`EDGE_ID=${h.edgeId}`);
  }, 90_000);
});

describe('Podman install over real sshd (podman stand-in, systemctl stand-in)', () => {
  it('podman info is asked with podman\'s own template fields: Docker\'s names are a template error there', () => {
    const r = spawnSync(process.execPath, [join(fixtures, 'dockerStandIn.mjs'), pod.stateDir, 'info', '--format', '{{.ServerVersion}}'], { env: { ...process.env, EDT_STANDIN: 'podman' }, encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/can't evaluate field ServerVersion in type \*define\.Info/);
  });

  it('a failing preparatory command (podman.socket masked) fails the host naming it; nothing after it runs and no env file stays behind', async () => {
    const masked = join(pod.stateDir, 'systemctl.masked');
    writeFileSync(masked, '');
    try {
      const summary = await runFleetInstall(options(`${users.key.name}@127.0.0.1:${pod.port}`, 'podman'));
      const h = summary.hosts[0]!;
      failedKeys.push((await api.environment(h.environmentId!)).edgeKey);
      expect(h.status).toBe('failed');
      expect(h.reason).toMatch(/start agent: enable --now failed \(exit 1\): Failed to enable unit: Unit file .*podman.socket is masked\./);
      const argv = pod.argvLog().map((r) => r.argv.join(' '));
      expect(argv.filter((a) => /^(run|volume create)/.test(a))).toEqual([]);
      expect(pod.envFilesLog()).toEqual([]);
      // The staged file (named in the transcript) and the root-only copy are both gone.
      const transcript = JSON.stringify(readTranscript(join(root, 'runs'), summary.runId, h.target));
      const staged = /staged the env file over SFTP as (\/tmp\/edgedeck-env\.[0-9a-f]+)/.exec(transcript)?.[1];
      expect(staged).toBeDefined();
      expect(existsSync(staged!)).toBe(false);
      expect(existsSync(join(pod.remoteDir, 'agent.env'))).toBe(false);
    } finally {
      rmSync(masked);
      // The next test counts the systemctl calls of its own run.
      rmSync(join(pod.stateDir, 'systemctl.log'), { force: true });
    }
  }, 60_000);

  it('enables podman.socket, creates the volume, runs the agent privileged from the env file; it checks in', async () => {
    const summary = await runFleetInstall(options(`${users.key.name}@127.0.0.1:${pod.port}`, 'podman'));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('succeeded');
    expect(h).toMatchObject({ checkedIn: true, tunnel: 'verified' });
    edgeKeys.push((await api.environment(h.environmentId!)).edgeKey);
    expect(readFileSync(join(pod.stateDir, 'systemctl.log'), 'utf8')).toBe('0 enable --now podman.socket\n');
    const argv = pod.argvLog().map((r) => r.argv.join(' '));
    expect(argv).toContain('info --format {{.Version.Version}}|||{{.Host.OS}}|{{.Host.Arch}}');
    expect(argv).toContain('volume create portainer');
    const envPath = join(pod.remoteDir, 'agent.env');
    expect(argv).toContain(
      `run -d -v /run/podman/podman.sock:/var/run/docker.sock -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes -v /:/host -v portainer_agent_data:/data --restart always --privileged --env-file ${envPath} --name portainer_edge_agent portainer/agent:${await api.agentVersion()}`,
    );
    const files = pod.envFilesLog();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: envPath, mode: '600', uid: 0 });
    expect(existsSync(envPath)).toBe(false);
    // Socket, volume, env file and run in one privileged exec (one round trip and one sudo per host).
    const doc = readTranscript(join(root, 'runs'), summary.runId, h.target) as { steps: Array<{ name: string; commands: Array<{ command: string }> }> };
    const start = doc.steps.find((st) => st.name === 'start agent')!.commands;
    expect(start).toHaveLength(1);
    expect(start[0]!.command).toMatch(/enable --now podman\.socket \|\| .*volume create portainer \|\| .*install -m 0600 .* run -d /);
  }, 90_000);

  it('a second Podman run finds the agent unchanged', async () => {
    const first = readdirSync(join(root, 'runs'));
    expect(first.length).toBeGreaterThan(0);
    const env = server.listEnvironmentViews().find((v) => v.edgeKey === edgeKeys[1])!;
    const summary = await runFleetInstall(options(`${users.key.name}@127.0.0.1:${pod.port}`, 'podman', { environment: { mode: 'existing', id: env.id } }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('unchanged');
    expect(pod.envFilesLog()).toHaveLength(1);
  }, 60_000);
});

describe('secret scan (Swarm and Podman runs)', () => {
  it('no join token, agent secret or password in argv/cmdlines, transcripts, progress log, sshd logs, ps or shell history', () => {
    expect(edgeKeys).toHaveLength(2);
    expect(moreKeys).toHaveLength(2);
    expect(failedKeys).toHaveLength(2);
    const secrets = [...edgeKeys, ...moreKeys, ...failedKeys, AGENT_SECRET, users.sudo.password];
    const haystacks: Array<[string, string]> = [];
    for (const f of allFiles(join(root, 'runs'))) haystacks.push([f, readFileSync(f, 'utf8')]);
    haystacks.push(['progress log', logLines.join('\n')]);
    for (const h of [swarm, pod]) {
      haystacks.push([`${h.name} argv.log`, JSON.stringify(h.argvLog())]);
      haystacks.push([`${h.name} sshd log`, h.sshdLog()]);
    }
    haystacks.push(['systemctl.log', readFileSync(join(pod.stateDir, 'systemctl.log'), 'utf8')]);
    for (const u of users.all) {
      for (const f of ['.bash_history', '.sh_history']) {
        const p = `/home/${u.name}/${f}`;
        if (existsSync(p)) haystacks.push([p, readFileSync(p, 'utf8')]);
      }
    }
    haystacks.push(['ps', execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })]);
    for (const [where, text] of haystacks) for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
  });
});
