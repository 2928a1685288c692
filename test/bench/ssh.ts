// npm run bench:ssh — the Edge agent onto 50 SSH targets on a REAL Docker engine, like for like,
// one run each in the same process, 10 hosts at a time:
//   (F) the floor: `parallel-ssh -p 10` pushing the same `docker run` Edgedeck runs (the env file
//       already in place on each host), then the wait until the agents it started have checked in
//       (one API list call every 250 ms);
//   (A) an Ansible playbook a careful admin would write, at -f 10: check the engine, copy the env
//       file with mode 0600, run the container, then `uri` against the Portainer API until the
//       environment's LastCheckInDate shows the check-in (with its Edge ID);
//   (E) Edgedeck's full run (`edgedeck install`, in-process main()): connect, preflight, env file,
//       start, container check, verified check-in.
// Then (E) again on 100 targets, to see whether the time per host stays flat.
//
// Like for like: each tool gets the same check-in bound, CHECKIN_BOUND_S (120 s): Edgedeck through
// `--checkin-timeout 120` (per host, from its container running), the floor waits up to 120 s after
// its push, the playbook's `uri` retries 120 times 1 s apart per host. Every run is bounded
// (BENCH_SSH_MAX_S, default 1800 s, for the whole bench: past it the tools are stopped, everything
// is cleaned up and the bench exits 1). Without root, dockerd, sshd, ansible or parallel-ssh it
// says which is missing and what to install, and exits 0 without measuring.
//
// Targets: real OpenSSH sshd instances on 127.0.0.1 high ports, one throwaway user each (the test
// harness in test/fixtures/ssh), all with the same key and the same known_hosts file. Each host's
// `docker` is Debian's real CLI on ONE test engine (test/fixtures/engine/dockerd.ts: dockerd as
// root, private socket and data root, no iptables), running the agent image built by `docker
// import` (test/fixtures/engine/agentImage: the simulated agent and the real chisel client).
//
// WHY one engine and a per-host wrapper: 50 (or 100) dockerd instances, each with its own copy of
// the image, would not fit 2 cores next to the agents; a Docker context or DOCKER_HOST per host
// would still be one engine, where every host's `--name portainer_edge_agent` collides. So each
// host's `bin/docker` (first on its PATH; the tools call it by the path `command -v docker` gives,
// as sudo resets PATH) is a small sh script that maps Portainer's names, argument by argument, to
// the host's own (`portainer_edge_agent` → `portainer_edge_agent_bN`, its volume likewise) and
// execs the real CLI: every tool sends byte-identical commands, the ones a real host gets, and
// pays the same few shell builtins per docker call. Loopback and the engine's own bridge only; the
// agents, users, sshd and the engine are removed at the end.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_NAME, AGENT_VOLUME, agentNames } from '../../src-main/services/install/agentNames';
import { startLocalServer } from '../../src-main/services/localserver';
import { silentLogger } from '../../src-main/services/logging/logger';
import { sha256OfPem } from '../../src-main/services/portainer/fingerprint';
import { DOCKER_CLI, engineUnavailable, type Engine } from '../fixtures/engine/dockerd';
import { testEngine } from '../fixtures/engine/shared';
import { localServerApi } from '../fixtures/ssh/localServerApi';
import { createUsers, makeClientKey, sharedTempDir, startSshd, type SshdHost, type TestUser, type TestUsers } from '../fixtures/ssh/harness';
import { writeSection } from './report.mjs';

const N = Number(process.env.BENCH_SSH_HOSTS ?? 50);
const SCALE_N = Number(process.env.BENCH_SSH_SCALE_HOSTS ?? 100);
const FORKS = 10;
/** The check-in bound every tool gets (see the header). */
const CHECKIN_BOUND_S = 120;
const MAX_S = Number(process.env.BENCH_SSH_MAX_S ?? 1800);
const ADMIN_PW = 'bench-admin-pw-4321';
const EDGEDECK_BIN = fileURLToPath(new URL('../../bin/edgedeck.mjs', import.meta.url));
const AGENT_SECRET = 'bench-agent-secret-0000';

function have(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The tools the bench compares, or why it cannot run here (what is missing and what installs it). */
function findTools(): { playbook: string; pssh: string } | { missing: string } {
  const missing: string[] = [];
  const why = engineUnavailable();
  if (why) missing.push(`a Docker engine (${why})`);
  if (!existsSync('/usr/sbin/sshd')) missing.push('OpenSSH sshd (/usr/sbin/sshd; apt-get install openssh-server)');
  const playbook = have('ansible-playbook');
  if (!playbook) missing.push('ansible-playbook (apt-get install ansible)');
  const pssh = have('parallel-ssh') ?? have('pssh');
  if (!pssh) missing.push('parallel-ssh (apt-get install pssh)');
  if (missing.length || !playbook || !pssh) return { missing: missing.join('; ') };
  return { playbook, pssh };
}

/** The tools' processes, each in its own process group, so that the time bound can stop them and theirs. */
const children = new Set<ChildProcess>();
function track(p: ChildProcess): ChildProcess {
  children.add(p);
  p.on('exit', () => children.delete(p));
  return p;
}
function stopChildren(): void {
  for (const p of children) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ code: number; out: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(cwd ? { cwd } : {}) }));
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? 1, out, ms: performance.now() - t0 }));
  });
}

/** The host's `docker`: Portainer's names mapped to the host's own, then the real CLI (see the header). */
function writeBenchDocker(h: SshdHost, engine: Engine): void {
  const own = agentNames(h.agentName);
  writeFileSync(
    join(h.dir, 'bin', 'docker'),
    [
      '#!/bin/sh',
      "# This bench host's docker: Portainer's container and volume names mapped to this host's (one",
      '# engine serves all bench hosts), then the real CLI on that engine (test/bench/ssh.ts).',
      'n=$#',
      'for a in "$@"; do',
      '  case $a in',
      `    ${AGENT_NAME}) a=${own.agent} ;;`,
      `    ${AGENT_VOLUME}) a=${own.volume} ;;`,
      `    ${AGENT_VOLUME}:/data) a=${own.volume}:/data ;;`,
      '  esac',
      '  set -- "$@" "$a"',
      'done',
      'shift "$n"',
      `DOCKER_HOST=${engine.host} exec ${DOCKER_CLI} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

async function startHosts(from: number, to: number, engine: Engine, root: string, users: TestUser[], userSets: TestUsers[]): Promise<SshdHost[]> {
  while (users.length < to) {
    const set = createUsers();
    userSets.push(set);
    users.push(set.key, set.pw); // both sudo without a password, as the baselines use sudo -n / become
  }
  const out: SshdHost[] = [];
  for (let i = from; i < to; i += 10) {
    out.push(...(await Promise.all(users.slice(i, Math.min(to, i + 10)).map((u, j) => startSshd(`b${i + j}`, [u], root, { engine, agentName: `${AGENT_NAME}_b${i + j}` })))));
  }
  for (const h of out) writeBenchDocker(h, engine);
  return out;
}

async function resetHosts(hosts: SshdHost[]): Promise<void> {
  for (let i = 0; i < hosts.length; i += 10) await Promise.all(hosts.slice(i, i + 10).map((h) => h.removeAgent()));
}

async function running(hosts: SshdHost[]): Promise<number> {
  return (await Promise.all(hosts.map((h) => h.agent()))).filter((c) => c?.State.Running).length;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const nowS = () => Math.floor(Date.now() / 1000);

interface Summary {
  runDir: string;
  hosts: Array<{ target: string; state: string; reason?: string; checkedIn: boolean; edgeId: string; environmentId: number; transcript: string; startedAt?: string; steps?: Array<{ name: string; seconds: number }> }>;
}

/**
 * Edgedeck's full run on `targets`: the `edgedeck install` command in a process of its own, as a
 * user runs it and as the other tools run (in the bench's process it would share an event loop
 * with the local server, whose answers to the agents' polls it would then delay); the summary it
 * prints and its wall time.
 */
async function edgedeck(o: { serverUrl: string; pin: string; targets: string[]; root: string; keyPath: string; knownHosts: string; tag: string }): Promise<{ ms: number; code: number; summary: Summary; err: string }> {
  const targetsFile = join(o.root, `targets-${o.tag}.txt`);
  writeFileSync(targetsFile, `# ${o.targets.length} loopback sshd targets\n${o.targets.join('\n')}\n`);
  const args = [EDGEDECK_BIN, 'install', '--server', o.serverUrl, '--password-stdin', '--pin', o.pin, '--create', '--name-template', `${o.tag}-{port}`, '--platform', 'standalone', '--targets', targetsFile, '--identity', o.keyPath, '--known-hosts', o.knownHosts, '--concurrency', String(FORKS), '--checkin-timeout', String(CHECKIN_BOUND_S), '--data', join(o.root, `data-${o.tag}`), '--remote-dir', `${o.root}/envdir-{port}`];
  const t = performance.now();
  const r = await new Promise<{ code: number; out: string; err: string }>((resolve, reject) => {
    const p = track(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true }));
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
    p.stdin!.end(`${ADMIN_PW}\n`);
  });
  const ms = performance.now() - t;
  return { ms, code: r.code, summary: JSON.parse(r.out) as Summary, err: r.err };
}

/** Per-step host-seconds, when the SSH work of the last host ended, and the wait after it, from the transcripts. */
function analyse(summary: Summary): { steps: Map<string, number>; sshDoneMs: number; cmdsPerHost: number; cmdsIn: (step: string) => number } {
  const steps = new Map<string, number>();
  for (const h of summary.hosts) for (const s of h.steps ?? []) steps.set(s.name, (steps.get(s.name) ?? 0) + s.seconds);
  const runStart = Math.min(...summary.hosts.map((h) => Date.parse(h.startedAt ?? '') || Infinity));
  const docs = summary.hosts.map((h) => JSON.parse(readFileSync(h.transcript, 'utf8')) as { steps: Array<{ name: string; startedAt: string; commands: unknown[] }> });
  const verifyStarts = docs.map((d) => d.steps.find((s) => s.name === 'verify')).filter((s) => !!s).map((s) => Date.parse(s!.startedAt) - runStart);
  const per = (d: (typeof docs)[number], name?: string) => d.steps.filter((s) => !name || s.name === name).reduce((a, s) => a + s.commands.length, 0);
  return {
    steps,
    sshDoneMs: Math.max(...verifyStarts),
    cmdsPerHost: docs.reduce((a, d) => a + per(d), 0) / Math.max(1, docs.length),
    cmdsIn: (step) => docs.reduce((a, d) => a + per(d, step), 0) / Math.max(1, docs.length),
  };
}

/** Until every environment has a check-in at or after `since` (one API list call every 250 ms, up to `ms`). */
async function waitCheckins(api: ReturnType<typeof localServerApi>, envIds: number[], since: number, ms: number): Promise<number> {
  let seen = 0;
  for (const until = performance.now() + ms; performance.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const last = await api.lastCheckIns();
    seen = envIds.filter((id) => (last.get(id) ?? 0) >= since).length;
    if (seen === envIds.length) break;
  }
  return seen;
}

const playbookYaml = (startArgs: string) => `# The verified install a careful admin writes (bench hosts share one machine, hence the per-host paths).
- name: Portainer Edge agent
  hosts: bench
  gather_facts: false
  become: true
  tasks:
    - name: Log in to Portainer (once, from the control node)
      ansible.builtin.uri:
        url: "{{ portainer_url }}/api/auth"
        method: POST
        body_format: json
        body: {Username: admin, Password: "{{ portainer_password }}"}
        ca_path: "{{ portainer_ca }}"
      register: auth
      no_log: true
      run_once: true
      delegate_to: localhost
      become: false
    - name: Check the Docker engine
      ansible.builtin.command: "{{ docker_bin }} info --format {{ '{{' }}.ServerVersion{{ '}}' }}"
      changed_when: false
    - name: Env file folder, root only
      ansible.builtin.file: {path: "{{ env_dir }}", state: directory, mode: "0700", owner: root}
    - name: Env file, 0600
      ansible.builtin.copy: {src: "{{ env_src }}", dest: "{{ env_dir }}/agent.env", mode: "0600", owner: root}
    - name: Run the agent
      ansible.builtin.command: "{{ docker_bin }} ${startArgs} "
    - name: Wait for the check-in
      ansible.builtin.uri:
        url: "{{ portainer_url }}/api/endpoints/{{ env_id }}"
        headers: {Authorization: "Bearer {{ auth.json.jwt }}"}
        ca_path: "{{ portainer_ca }}"
      register: ep
      until: ep.json.LastCheckInDate | int >= since | int and ep.json.EdgeID == edge_id
      retries: ${CHECKIN_BOUND_S}
      delay: 1
      delegate_to: localhost
      become: false
`;

const found = findTools();
const skip = (missing: string): never => {
  process.stdout.write(`bench:ssh SKIPPED, nothing measured: it needs ${missing}. scripts/install-test-deps.sh installs them all (as root, or with sudo).\n`);
  process.exit(0);
};
const tools = 'missing' in found ? skip(found.missing) : found;
const t0 = Date.now();
const loadStart = loadavg()[0]!.toFixed(1);
const root = sharedTempDir('edt-bench-ssh-');
const userSets: TestUsers[] = [];
const users: TestUser[] = [];
let hosts: SshdHost[] = [];
let engine: Engine | undefined;
let server: Awaited<ReturnType<typeof startLocalServer>> | undefined;
// Past MAX_S the tools' processes are stopped (their await then ends) and the clean-up below runs.
let exitCode = 0;
const bound = new Promise<never>((_, reject) => {
  const t = setTimeout(() => {
    stopChildren();
    reject(new Error(`bench:ssh ran past its bound of ${MAX_S} s (BENCH_SSH_MAX_S): the tools were stopped; no figures written`));
  }, MAX_S * 1000);
  t.unref();
});
async function measure(): Promise<void> {
  process.stdout.write('starting a Docker engine and importing the agent image…\n');
  engine = await testEngine({ private: true, prefix: 'edt-dockerd-bench-' });
  process.stdout.write(`starting ${N} sshd instances and users…\n`);
  hosts = await startHosts(0, N, engine, root, users, userSets);
  const key = makeClientKey(root, 'id_bench');
  hosts.forEach((h, i) => h.authorize(users[i]!.name, key.pub));
  const knownHosts = join(root, 'known_hosts');
  const writeKnownHosts = () => writeFileSync(knownHosts, hosts.map((h) => `[127.0.0.1]:${h.port} ${h.hostKeyPub}`).join('\n') + '\n');
  writeKnownHosts();
  const targets = hosts.map((h, i) => `${users[i]!.name}@127.0.0.1:${h.port}`);

  // Where the agents' containers reach it: the engine's bridge address.
  server = await startLocalServer({ host: engine.address, dataDir: join(root, 'server'), port: 0, tunnelPort: 0, https: true, adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, logger: silentLogger, saveDebounceMs: 200 });
  const pin = sha256OfPem(server.caPem!);
  const caFile = join(root, 'portainer-ca.pem');
  writeFileSync(caFile, server.caPem!);
  const api = localServerApi(server, ADMIN_PW);

  // CPU of one docker call through a host's wrapper (real CLI + dockerd answering), measured idle.
  const childCpuMs = () => {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, USER_HZ ticks
  };
  const cpu0 = childCpuMs();
  const w0 = performance.now();
  for (let i = 0; i < 10; i++) execFileSync(join(hosts[0]!.dir, 'bin', 'docker'), ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore' });
  const dockerCallMs = (childCpuMs() - cpu0) / 10;
  const dockerCallWallMs = (performance.now() - w0) / 10;

  // The CLI bundle is rebuilt when the sources are newer: not inside a timed run.
  execFileSync(process.execPath, [EDGEDECK_BIN, 'install', '--help'], { stdio: 'ignore' });
  // A warm engine for every tool: the first containers of an image pay its layers' first reads and
  // mounts, which would fall on whichever tool runs first (Edgedeck). One agent container, run and removed.
  await engine.docker(['run', '--rm', '--entrypoint', '/usr/bin/node', 'portainer/agent:2.23.0', '-e', '0'], { timeoutMs: 120_000 });

  // ---- (E) Edgedeck: first, as it creates the environments (their keys and Edge IDs feed the baselines)
  process.stdout.write(`(E) edgedeck install → ${N} hosts, concurrency ${FORKS}…\n`);
  const e = await edgedeck({ serverUrl: server.url, pin, targets, root, keyPath: key.path, knownHosts, tag: 'bench' });
  const eChecked = e.summary.hosts.filter((h) => h.checkedIn).length;
  if (e.code !== 0) process.stdout.write(e.err.split('\n').slice(-15).join('\n') + '\n');
  process.stdout.write(`    ${fmt(e.ms)}, exit ${e.code}, ${eChecked}/${N} checked in\n`);
  const ea = analyse(e.summary);

  // The start command Edgedeck ran (from a transcript): the baselines run exactly this docker run.
  const doc = JSON.parse(readFileSync(e.summary.hosts[0]!.transcript, 'utf8')) as { steps: Array<{ name: string; commands: Array<{ command: string }> }> };
  const startLine = doc.steps.find((s) => s.name === 'start agent')!.commands.find((c) => / run -d /.test(c.command))!.command;
  const runCmd = startLine.split('; ').find((part) => / run -d /.test(part))!;
  const envFlag = /--env-file (\S+)/.exec(runCmd)![1]!;
  const runArgs = (envFile: string) => runCmd.slice(runCmd.indexOf(' run ') + 1).replace(`--env-file ${envFlag}`, `--env-file ${envFile}`);
  // Each host's env file with that host's values (same key and Edge ID as Edgedeck's), root 0600.
  const byTarget = new Map(e.summary.hosts.map((h) => [h.target, h]));
  const envSrc = join(root, 'envs');
  mkdirSync(envSrc, { mode: 0o700 });
  for (const [i, h] of hosts.entries()) {
    const hs = byTarget.get(targets[i]!)!;
    const edgeKey = (await api.environment(hs.environmentId)).edgeKey;
    const text = `EDGE=1\nEDGE_ID=${hs.edgeId}\nEDGE_KEY=${edgeKey}\nEDGE_INSECURE_POLL=1\nAGENT_SECRET=${AGENT_SECRET}\n`;
    writeFileSync(join(h.dir, 'bench.env'), text, { mode: 0o600 }); // in place for the floor
    writeFileSync(join(envSrc, `${h.name}.env`), text, { mode: 0o600 }); // the playbook copies it
  }
  const envIds = e.summary.hosts.map((h) => h.environmentId).filter((id) => id > 0);
  const intervalS = (await api.environment(envIds[0]!)).checkinInterval;

  // ---- (F) the floor: parallel-ssh, then the check-in wait
  await resetHosts(hosts);
  await new Promise((r) => setTimeout(r, 2000));
  const hostsFile = join(root, 'pssh-hosts');
  writeFileSync(hostsFile, targets.join('\n') + '\n');
  process.stdout.write(`(F) parallel-ssh -p ${FORKS} → ${N} hosts, then until those agents have checked in…\n`);
  const fSince = nowS();
  const tf = performance.now();
  const ps = await run(tools.pssh, ['-p', String(FORKS), '-h', hostsFile, '-t', '120', '-x', `-i ${key.path} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`, `sudo -n "$(command -v docker)" ${runArgs(`${root}/$EDT_HOST_NAME/bench.env`)}`]);
  const psPushMs = ps.ms;
  const psStarted = await running(hosts);
  const fChecked = await waitCheckins(api, envIds, fSince, CHECKIN_BOUND_S * 1000);
  const floorMs = performance.now() - tf;
  process.stdout.write(`    push ${fmt(psPushMs)} (exit ${ps.code}, ${psStarted}/${N} running); all checked in after ${fmt(floorMs)} (${fChecked}/${envIds.length})\n`);
  if (ps.code !== 0) process.stdout.write(ps.out.split('\n').slice(0, 20).join('\n') + '\n');

  // ---- (A) the Ansible playbook
  await resetHosts(hosts);
  await new Promise((r) => setTimeout(r, 2000));
  const ansDir = join(root, 'ansible');
  mkdirSync(ansDir, { mode: 0o700 });
  writeFileSync(join(ansDir, 'playbook.yml'), playbookYaml(runArgs('{{ env_dir }}/agent.env')));
  writeFileSync(
    join(ansDir, 'inventory.ini'),
    '[bench]\n' +
      hosts
        .map((h, i) => {
          const hs = byTarget.get(targets[i]!)!;
          return `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=${users[i]!.name} docker_bin=${h.dir}/bin/docker env_dir=${h.dir}/etc-portainer-edge env_src=${envSrc}/${h.name}.env env_id=${hs.environmentId} edge_id=${hs.edgeId}`;
        })
        .join('\n') +
      `\n\n[bench:vars]\nansible_ssh_private_key_file=${key.path}\nansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'\nansible_python_interpreter=/usr/bin/python3\n`,
  );
  const aSince = nowS();
  // The password reaches ansible in a 0600 vars file, not its argv.
  writeFileSync(join(ansDir, 'secret.json'), JSON.stringify({ portainer_password: ADMIN_PW, portainer_url: server.url, portainer_ca: caFile, since: aSince }), { mode: 0o600 });
  process.stdout.write(`(A) ansible-playbook -f ${FORKS} → ${N} hosts…\n`);
  const ans = await run(tools.playbook, ['-i', 'inventory.ini', '-f', String(FORKS), '-e', '@secret.json', 'playbook.yml'], {
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_LOCAL_TEMP: join(root, 'ansible-local'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(root, 'ansible-cp'),
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCALHOST_WARNING: 'False',
  }, ansDir);
  const recap = /PLAY RECAP[\s\S]*/.exec(ans.out)?.[0] ?? '';
  const ansOk = [...recap.matchAll(/\sok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/g)].length;
  const aChecked = await waitCheckins(api, envIds, aSince, 1000);
  process.stdout.write(`    ${fmt(ans.ms)}, exit ${ans.code}, ${ansOk}/${N} hosts without failure, ${aChecked}/${envIds.length} checked in\n`);
  if (ans.code !== 0) process.stdout.write(ans.out.split('\n').filter((l) => /fatal|FAILED|ERROR/.test(l)).slice(0, 10).join('\n') + '\n');
  const ansibleVersion = execFileSync(tools.playbook, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
  await resetHosts(hosts);

  // ---- (E) at scale: SCALE_N hosts, fresh environments
  let scaleSummary: Summary | undefined;
  let scale: { n: number; ms: number; checked: number; sshDoneMs: number; failed: string } | undefined;
  if (SCALE_N > N) {
    process.stdout.write(`starting ${SCALE_N - N} more sshd instances…\n`);
    const more = await startHosts(N, SCALE_N, engine, root, users, userSets);
    hosts = [...hosts, ...more];
    more.forEach((h, j) => h.authorize(users[N + j]!.name, key.pub));
    writeKnownHosts();
    await new Promise((r) => setTimeout(r, 2000));
    process.stdout.write(`(E) edgedeck install → ${SCALE_N} hosts, concurrency ${FORKS}…\n`);
    const all = hosts.map((h, i) => `${users[i]!.name}@127.0.0.1:${h.port}`);
    const s = await edgedeck({ serverUrl: server.url, pin, targets: all, root, keyPath: key.path, knownHosts, tag: 'scale' });
    const checked = s.summary.hosts.filter((h) => h.checkedIn).length;
    if (s.code !== 0) process.stdout.write(s.err.split('\n').slice(-15).join('\n') + '\n');
    scale = { n: SCALE_N, ms: s.ms, checked, sshDoneMs: analyse(s.summary).sshDoneMs, failed: '' };
    scaleSummary = s.summary;
    process.stdout.write(`    ${fmt(s.ms)}, exit ${s.code}, ${checked}/${SCALE_N} checked in\n`);
    await resetHosts(hosts);
  }
  await api.close();

  // ---- report
  const rF = e.ms / floorMs;
  const rA = e.ms / ans.ms;
  const allVerified = eChecked === N && fChecked === envIds.length && aChecked === envIds.length;
  const goal = (r: number, max: number) => `≤ ${max.toFixed(2)}× ${!allVerified ? '**not judged** (not every host verified)' : r <= max ? 'met' : '**missed**'}`;
  const perHost = [...ea.steps].map(([n, s]) => `${n} ${(s / N).toFixed(2)} s`).join(', ');
  const load = loadavg().map((l) => l.toFixed(1));
  const table = [
    `| Run (${N} targets, 10 at a time, check-in bound ${CHECKIN_BOUND_S} s) | What it does per host | Wall time | Verified | Edgedeck ÷ it | Goal |`,
    '|---|---|---|---|---|---|',
    `| Edgedeck \`edgedeck install --checkin-timeout ${CHECKIN_BOUND_S}\` | connect (host key checked), preflight (OS, privileges, \`docker info\`, existing agent, DNS/TCP/TLS to the server), env file 0600, \`docker run\`, container check; then, with the SSH slot given back, the verified first check-in | ${fmt(e.ms)} | ${eChecked}/${N} checked in | — | — |`,
    `| The floor: \`parallel-ssh -p 10\`, then the check-in wait | the same \`docker run\`, env file already in place; then until every agent it started has checked in (one API list call every 250 ms, up to ${CHECKIN_BOUND_S} s after the push) | ${fmt(floorMs)} (push ${fmt(psPushMs)}) | ${fChecked}/${envIds.length} checked in | ${rF.toFixed(2)}× | ${goal(rF, 1.15)} |`,
    `| Ansible playbook, \`ansible-playbook -f 10\` (${ansibleVersion.replace(/^ansible-playbook /, '')}) | check the engine, env file copied 0600, the same \`docker run\`, \`uri\` every 1 s (up to ${CHECKIN_BOUND_S} tries) until LastCheckInDate and EdgeID show the check-in | ${fmt(ans.ms)} | ${aChecked}/${envIds.length} checked in (${ansOk} hosts without a failed task) | ${rA.toFixed(2)}× | ${goal(rA, 0.5)} |`,
    ...(scale ? [`| Edgedeck on ${scale.n} targets | as above | ${fmt(scale.ms)} | ${scale.checked}/${scale.n} checked in | — | time per host flat |`] : []),
  ].join('\n');
  const perHostAt = (ms: number, n: number) => ms / n / 1000;
  const growth = scale ? (perHostAt(scale.ms, scale.n) / perHostAt(e.ms, N) - 1) * 100 : 0;
  const flat = scale
    ? `- Time per host: ${perHostAt(e.ms, N).toFixed(2)} s at ${N} targets, ${perHostAt(scale.ms, scale.n).toFixed(2)} s at ${scale.n} (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} %); the SSH work alone: ${(ea.sshDoneMs / N / 1000).toFixed(2)} s and ${(scale.sshDoneMs / scale.n / 1000).toFixed(2)} s per host. The check-in tail is paid once per run, so the time per host ${scale.checked < scale.n || eChecked < N ? 'cannot be judged from this run: not every host was verified' : growth <= 10 ? 'stays flat (or falls)' : 'grows: see the load figures'}.\n`
    : '';
  // Hosts Edgedeck did not verify, and why (the first reason of each kind).
  const failedWhy = (s: Summary) => {
    const bad = s.hosts.filter((h) => !h.checkedIn);
    const kinds = [...new Set(bad.map((h) => (h.reason ?? h.state).replace(/\d+(\.\d+)? s\b/g, 'N s').slice(0, 160)))];
    return bad.length ? `${bad.length} host(s) not verified: ${kinds.slice(0, 3).join('; ')}` : '';
  };
  const eFailed = failedWhy(e.summary);
  if (scale && scaleSummary) scale.failed = failedWhy(scaleSummary);
  const [topStep, topS] = [...ea.steps].filter(([n]) => n !== 'verify').sort((x, y) => y[1] - x[1])[0] ?? ['none', 0];
  const totalS = (Date.now() - t0) / 1000;
  writeSection(
    '## SSH install',
    `## SSH install

\`npm run bench:ssh\` (test/bench/ssh.ts): one command, as root, on a machine with Docker 20.10
(\`docker.io\`), OpenSSH sshd, Ansible and parallel-ssh (\`scripts/install-test-deps.sh\` installs
them; without one of them the bench says which and measures nothing). It takes about 10–20 min
(this run: ${(totalS / 60).toFixed(1)} min) and stops itself after BENCH_SSH_MAX_S (default 1800 s). BENCH_SSH_HOSTS
(default 50) and BENCH_SSH_SCALE_HOSTS (default 100; at most the former to skip the scale run) set the sizes. It rewrites this section and ends with a
short summary table on standard output.

Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores,
shared with other work: 1-minute load average ${loadStart} at the start; at the end 1/5/15-minute ${load.join(' / ')}). ${N} real OpenSSH sshd instances on
127.0.0.1, one throwaway user each, all logged in to with the same key and host keys checked
against the same known_hosts file. Each host's \`docker\` is Debian's real CLI (20.10) on one real
dockerd (test/fixtures/engine), through a per-host wrapper that maps Portainer's container and
volume names to the host's own (one engine serves every host; 50 engines would not fit 2 cores,
and contexts or DOCKER_HOST per host would still share one namespace of names), so every tool
sends the same commands a real host gets. The agent is the image built by \`docker import\`
(the simulated agent and the real chisel client), polling a local Portainer-compatible server over
HTTPS on the engine's bridge. One run each, in the order Edgedeck, floor, playbook (Edgedeck
first because it creates the environments whose keys and Edge IDs the others reuse), after one
warm-up container; the agents are removed between runs. Every tool gets the same check-in bound, ${CHECKIN_BOUND_S} s: Edgedeck per host
from its container running (\`--checkin-timeout ${CHECKIN_BOUND_S}\`), the floor after its push, the playbook per host (\`uri\` retries).

${table}

- Every tool runs as its own process: Edgedeck is \`node bin/edgedeck.mjs install\` (CLI start-up
  included), the local server runs in the bench's process. Edgedeck does more per host than
  the floor: ${perHost} (mean per host), in ${ea.cmdsPerHost.toFixed(1)} remote commands (preflight ${ea.cmdsIn('preflight').toFixed(1)}, write env file
  ${ea.cmdsIn('write env file').toFixed(1)}, start agent ${ea.cmdsIn('start agent').toFixed(1)}) where the floor runs one. Its 10 slots bound the SSH work only: a host
  gives its slot back once its container runs and waits for the check-in outside it.
- One \`docker\` call through a host's wrapper costs ${dockerCallMs.toFixed(0)} ms of CPU and ${dockerCallWallMs.toFixed(0)} ms of wall time
  (\`docker info\`, measured before the runs).
- What dominates Edgedeck's wall time: the SSH work at 10 lanes took ${fmt(ea.sshDoneMs)} of ${fmt(e.ms)} (the largest
  step ${topStep}, ${(topS / N).toFixed(2)} s per host); the rest, ${fmt(Math.max(0, e.ms - ea.sshDoneMs))}, is the last agents' start-up in their
  containers and their first poll (up to 5 s after the agent's poll loop starts, then every ${intervalS || 5} s).
  The floor is dominated the same way: its push took ${fmt(psPushMs)}, the check-in wait after it ${fmt(floorMs - psPushMs)}.
- The playbook: Ansible runs task by task across all hosts (10 at a time per task), each task a
  Python module sent over SSH, and \`uri\` retries every 1 s (its \`delay\` is whole seconds); its
  login runs once on the control node.
${eFailed ? `- Edgedeck at ${N} targets: ${eFailed}.\n` : ''}${scale?.failed ? `- Edgedeck at ${scale.n} targets: ${scale.failed}.\n` : ''}${flat}`,
  );
  // The short summary for whoever reruns it (the coordinator on a quiet machine).
  const pad = (x: string, n: number) => x.padEnd(n);
  const rows: string[][] = [
    ['tool', 'wall', 'verified', 'Edgedeck ÷ it', 'goal'],
    ['edgedeck install', fmt(e.ms), `${eChecked}/${N}`, '—', ''],
    ['floor (pssh + wait)', fmt(floorMs), `${fChecked}/${envIds.length}`, `${rF.toFixed(2)}×`, goal(rF, 1.15).replace(/\*\*/g, '')],
    ['ansible-playbook', fmt(ans.ms), `${aChecked}/${envIds.length}`, `${rA.toFixed(2)}×`, goal(rA, 0.5).replace(/\*\*/g, '')],
    ...(scale ? [[`edgedeck, ${scale.n} hosts`, fmt(scale.ms), `${scale.checked}/${scale.n}`, '', `per host ${perHostAt(scale.ms, scale.n).toFixed(2)} s vs ${perHostAt(e.ms, N).toFixed(2)} s at ${N} (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} %)`]] : []),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(
    `\nbench:ssh summary: ${N} hosts, 10 at a time, check-in bound ${CHECKIN_BOUND_S} s; load ${loadStart} at the start, ${load.join(' / ')} (1/5/15 min) at the end; ${(totalS / 60).toFixed(1)} min in all\n` +
      rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd()).join('\n') +
      `\nEdgedeck, mean seconds per host by step: ${perHost}\nwritten to docs/benchmarks.md (## SSH install)\n`,
  );
}
try {
  await Promise.race([measure(), bound]);
} catch (e) {
  process.stdout.write(`\n${e instanceof Error ? e.message : String(e)}\n`);
  exitCode = 1;
} finally {
  await resetHosts(hosts).catch(() => undefined);
  await Promise.all(hosts.map((h) => h.stop()));
  await server?.close();
  await engine?.stop();
  for (const s of userSets) s.remove();
  execFileSync('rm', ['-rf', root]);
}
process.exit(exitCode);
