import { causeLine, isImageMissing } from '../../shared/domain/cliError';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { SshPlatform } from '../../shared/schemas/run';
import { runCommands } from './dockerCommands';
import { waitForContainer, waitForService } from './dockerWait';
import { planEnvEntries, renderEnvFile, resolveBareNames } from './envFile';
import { checkinInterval, wantedSecrets } from './hostPlan';
import { HostFailure } from './hostFailure';
import { pushImage } from './imagePush';
import { askSwarmNodes, pushToSwarmNodes } from './swarmNodeImages';
import { checkSwarmNodes, nodeLabel, parseSwarmNodes, swarmNodesCommand, type NodeImage, type SwarmNode } from './swarmNodes';
import {
  checkExistingAgent,
  checkImage,
  checkRuntime,
  DOCKER_INFO_FORMAT,
  hideExistingSection,
  imageIdOf,
  parseExistingAgent,
  parseExistingService,
  parseProbe,
  PODMAN_INFO_FORMAT,
  runtimeScript,
  type ProbeSection,
  type RuntimeProbe,
} from './preflight';
import { MOVE_FAILED, moveIntoPlace, stageFile } from './rootOnlyFile';
import { removalScript } from './secretFiles';
import type { HostBase, HostContext, InstallStrategy, Started } from './strategy';

/** Separates the start command's own output from the container inspect that follows it. */
const CONTAINER_MARK = '@@edgedeck container';
/** Followed by the index of the preparatory command that failed (see start()). */
const PREP_FAILED = '@@edgedeck prep-failed';

export type DockerLikePlatform = Exclude<SshPlatform, 'kubernetes'>;

/**
 * Docker-like engines: the agent as a container (Standalone, Podman) or a global service (Swarm),
 * started with Portainer's own command reading its env from a root-only file (dockerCommands.ts).
 */
export function dockerStrategy(platform: DockerLikePlatform): InstallStrategy {
  const swarm = platform === 'swarm';
  const bin = platform === 'podman' ? 'podman' : 'docker';
  const envPath = (h: HostBase) => `${h.remoteDir.replace(/\/+$/, '')}/agent.env`;
  // Swarm: the nodes the manager listed in the preflight and what each has of the image; kept for
  // prepare() (the push) and the service watch. One strategy object per host (installer.ts).
  let nodes: SwarmNode[] = [];
  let nodeImages = new Map<string, NodeImage>();
  let sudoPassword: string | undefined;
  const strategy: InstallStrategy = {
    runtimeBin: bin,

    probe: (h): RuntimeProbe => ({
      bin,
      infoFormat: platform === 'podman' ? PODMAN_INFO_FORMAT : DOCKER_INFO_FORMAT,
      existing: `${swarm ? 'service inspect' : 'inspect --type container'} ${h.names.agent}`,
      image: h.image,
      // --push-image: a missing image is brought over SSH, so no pull is tried.
      ...(h.o.pushImage ? { noPull: true } : {}),
    }),

    async preflight(h, f) {
      const s = f.sections;
      let info: ProbeSection | undefined;
      let existingSection: ProbeSection | undefined;
      let imageSection: ProbeSection | undefined;
      if (s.info) {
        // Asked by the probe itself, as root or with `sudo -n`.
        info = { out: s.info.out.trim(), rc: s.info.rc };
        existingSection = s.existing;
        imageSection = s.image;
      } else if (h.which[bin] && f.canPrivilege) {
        // sudo with a password: both questions in one privileged command (password on stdin).
        const r = await h.host.run(runtimeScript(h.runtime, strategy.probe(h)!), { privileged: true, quietStdout: hideExistingSection });
        const rs = parseProbe(r.stdout);
        info = rs.info ? { out: rs.info.out.trim(), rc: rs.info.rc } : { out: (r.stdout + r.stderr).trim(), rc: r.code ?? 255 };
        existingSection = rs.existing;
        imageSection = rs.image;
      } else if (h.which[bin]) {
        const r = await h.host.run(`${shellQuote(h.runtime)} info --format ${shellQuote(platform === 'podman' ? PODMAN_INFO_FORMAT : DOCKER_INFO_FORMAT)}`, { privileged: f.canPrivilege });
        info = { out: (r.stdout + r.stderr).trim(), rc: r.code ?? 255 };
      }
      const checks = [checkRuntime(platform, { which: { ...h.which }, ...(info ? { info } : {}) })];
      if (info?.rc !== 0) return { checks };
      // Swarm: this row is the manager's; the other nodes' is swarmNodesCheck's.
      checks.push(checkImage(h.image, imageSection, bin, h.o.pushImage !== undefined));
      sudoPassword = f.sudoPassword;
      if (swarm && checks[0]!.status === 'pass') {
        const nodesCheck = await swarmNodesCheck(h);
        if (nodesCheck) checks.push(nodesCheck);
      }
      const imageId = imageIdOf(imageSection);
      // Swarm: the agent is a service (there is no container of that name on the manager).
      let section = existingSection;
      if (!section) {
        const r = await h.host.run(`${shellQuote(h.runtime)} ${swarm ? 'service inspect' : 'inspect --type container'} ${h.names.agent}`, { privileged: true, quietStdout: `(${swarm ? 'docker service' : 'docker'} inspect JSON not recorded: it holds the agent env)` });
        section = { out: r.stdout, rc: r.code ?? 255 };
      }
      const existing = swarm ? parseExistingService(section, wantedSecrets(h.plan)) : parseExistingAgent(section, wantedSecrets(h.plan));
      return { checks, existing: checkExistingAgent(existing, { image: h.image, edgeId: h.plan.edgeId }, swarm ? 'service' : 'container'), ...(imageId ? { imageId } : {}) };
    },

    async prepare(h, found, o) {
      if (!h.o.pushImage) return;
      const toNodes = nodes.filter((n) => nodeImages.get(n.id)?.kind === 'missing');
      if (o?.dryRun) {
        h.t.note(`would push ${h.image} from this computer over SSH unless the host has the same image ID`);
        if (toNodes.length) h.t.note(`would push ${h.image} to the swarm nodes ${toNodes.map(nodeLabel).join(', ')}`);
        return;
      }
      h.t.step('push image');
      // The manager and the other nodes at once; the manager's failure ends the host (after the
      // nodes' pushes have ended), a node's is named and left to the service watch.
      const [own, others] = await Promise.allSettled([
        pushImage({ host: h.host, runtime: h.runtime, runtimeName: bin, image: h.o.pushImage, ...(found.imageId ? { targetId: found.imageId } : {}), ...(h.o.signal ? { signal: h.o.signal } : {}), now: h.now }),
        toNodes.length && h.o.swarmNodes ? pushToSwarmNodes(h, nodes, nodeImages, h.o.swarmNodes, sudoPassword) : Promise.resolve([]),
      ]);
      if (own.status === 'rejected') throw own.reason;
      if (others.status === 'rejected') throw others.reason;
      if (others.value.length) h.t.endStep('warn');
    },

    commands: (h) => runCommands(platform, h.runtime, envPath(h), h.plan.agentVersion, h.which.systemctl ? { systemctl: h.which.systemctl } : {}, h.names),

    secretFile: envPath,

    replaceQuestion: (h) => `Remove it and its ${h.names.volume} volume, then install?`,

    async removeExisting(h) {
      // One exec: the volume goes once the agent (its user) is gone; each exit code is in the output.
      const rt = shellQuote(h.runtime);
      await h.host.run(`${rt} ${swarm ? 'service rm' : 'rm -f'} ${h.names.agent}; echo "rm: exit $?"; ${rt} volume rm ${h.names.volume}; echo "volume rm: exit $?"`, { privileged: true });
    },

    async start(h, action): Promise<Started> {
      const { t, now } = h;
      if (action === 'unchanged') {
        t.step('verify existing agent');
        t.note('The agent already runs with this image, Edge ID and key: nothing to change.');
        return { sinceEpoch: Math.floor(now() / 1000) - (2 * checkinInterval(h.plan) + 20), status: 'unchanged' };
      }
      t.step('write env file');
      const entries = await resolveBareNames(planEnvEntries(h.plan), h.host);
      const tmpPath = await stageFile(h.host, h.secrets, renderEnvFile(entries));
      t.note(`staged the env file over SFTP as ${tmpPath} (0600, created exclusively) with ${entries.map(([n]) => n).join(', ')} — values not shown; the start command moves it to ${envPath(h)} (0600 root:root in ${h.remoteDir} 0700)`);
      t.step('start agent');
      const started = Math.floor(now() / 1000);
      const firstLook = await startAgent(h, strategy.commands(h), tmpPath, envPath(h));
      return { sinceEpoch: started - 5, status: 'installed', ...(firstLook !== undefined ? { firstLook } : {}) };
    },

    waitRunning: (h, ssh, started) => (swarm ? waitForService(h, ssh, { nodes, created: started.status === 'installed', ...(h.o.swarmNodes ? { login: h.o.swarmNodes.login } : {}) }) : waitForContainer(h, ssh, strategy.logsCommand(h), started.firstLook)),

    // A Swarm agent is a service: its logs come from `docker service logs` (there is no container of that name).
    logsCommand: (h) => `${shellQuote(h.runtime)}${swarm ? ' service' : ''} logs --tail 50 ${h.names.agent}`,

    runningProbe: (h) =>
      swarm
        ? { command: `${shellQuote(h.runtime)} service ps --filter desired-state=running --format '{{.CurrentState}}' ${h.names.agent}`, running: /^Running\b/m }
        : { command: `${shellQuote(h.runtime)} inspect --type container --format '{{.State.Running}}' ${h.names.agent}`, running: /^true$/m },
  };

  /**
   * The swarm's nodes (`docker node ls`), and with --push-image what each other node has of the
   * image (asked over SSH): the preflight row that says which lack it and how they get it.
   */
  async function swarmNodesCheck(h: HostContext): Promise<ReturnType<typeof checkSwarmNodes>> {
    const r = await h.host.run(swarmNodesCommand(h.runtime), { privileged: true, timeoutMs: 30_000 });
    if (r.code !== 0) return { id: 'swarm-nodes', title: 'Other swarm nodes', status: 'warn', found: `could not list the swarm's nodes: ${causeLine(r.stderr || r.stdout) || `exit ${r.code}`}`, fix: 'Check docker node ls on the manager; nodes without the image fail their task.' };
    nodes = parseSwarmNodes(r.stdout);
    if (h.o.pushImage && h.o.swarmNodes) nodeImages = await askSwarmNodes(h, nodes, h.o.swarmNodes, sudoPassword);
    return checkSwarmNodes(nodes, nodeImages, { image: h.image, push: h.o.pushImage !== undefined, login: h.o.swarmNodes?.login ?? "the manager target's user and port" });
  }

  return strategy;
}

/**
 * One privileged exec whatever the platform: the preparatory commands (Podman's socket and
 * volume, Swarm's overlay network), then moving the env file into place, the run / service
 * create, and removing the file. Its exit code is the runtime's own, install's when the file
 * could not be put in place, or a preparatory command's (which then names itself on stderr and
 * removes the staged file). `network create` may fail: the network exists already.
 * Answers the container's inspect JSON when the start command looked at it (Standalone, Podman).
 */
async function startAgent(h: HostContext, commands: string[], tmpPath: string, envPath: string): Promise<string | undefined> {
  const { host, runtime } = h;
  const last = commands[commands.length - 1]!;
  const failedMsg = (c: string, r: { code: number | null; stderr: string; stdout: string }) => `${c.split(' ').slice(1, 3).join(' ')} failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`;
  const prep = commands
    .slice(0, -1)
    .map((c, i) => (/network create/.test(c) ? `${c};` : `${c} || { rc=$?; ${removalScript([tmpPath])}; echo '${PREP_FAILED} ${i}' >&2; exit $rc; };`))
    .join(' ');
  let firstLook: string | undefined;
  h.secrets.written(envPath, 'the runtime keeps the env in its root-only container config for restarts; no second copy of the secrets stays at rest.');
  try {
    // DECISION (env file afterwards): removed right after the run. Docker/Podman copy the env
    // into the container (or service) config, which root-only storage keeps for restarts, so a
    // second copy of the join token and agent secret at rest would only add exposure. A
    // reinstall writes a fresh file. Also written to the transcript.
    // Standalone/Podman: the first container check rides along once the run succeeded (its
    // inspect JSON holds the env, so it is kept out of the transcript like every inspect).
    const look = h.plan.platform === 'standalone' || h.plan.platform === 'podman' ? ` if [ $rc -eq 0 ]; then echo '${CONTAINER_MARK}'; ${shellQuote(runtime)} inspect --type container ${h.names.agent}; fi;` : '';
    const r = await host.run(`${prep ? `${prep} ` : ''}${moveIntoPlace(h.remoteDir, tmpPath, envPath)}; ${last}; rc=$?; ${removalScript([envPath])};${look} exit $rc`, {
      privileged: true,
      timeoutMs: 10 * 60_000,
      quietStdout: (out) => (out.includes(`${CONTAINER_MARK}\n`) ? `${out.slice(0, out.indexOf(`${CONTAINER_MARK}\n`))}${CONTAINER_MARK}\n(inspect JSON not recorded)` : out),
    });
    r.stdout = h.secrets.read(r.stdout);
    const at = r.stdout.indexOf(`${CONTAINER_MARK}\n`);
    if (at >= 0) {
      firstLook = r.stdout.slice(at + CONTAINER_MARK.length + 1);
      r.stdout = r.stdout.slice(0, at);
    }
    const prepFailed = new RegExp(`^${PREP_FAILED} (\\d+)$`, 'm').exec(r.stderr);
    if (prepFailed) throw new HostFailure(failedMsg(commands[Number(prepFailed[1])]!, { ...r, stderr: r.stderr.replace(prepFailed[0], '') }));
    if (r.stderr.includes(MOVE_FAILED)) throw new HostFailure(`could not install the env file into ${h.remoteDir}: ${r.stderr.replace(MOVE_FAILED, '').trim()}`);
    if (r.code !== 0 && !/network create/.test(last)) throw new HostFailure(failedMsg(last, r), undefined, isImageMissing(r.stderr) ? 'image-missing' : 'remote-command');
  } finally {
    // What the start command did not confirm gone (it did not run to its end: a timeout, a lost
    // connection) is removed here; the host says whether that held.
    await h.secrets.removePending(host);
  }
  return firstLook;
}
