import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { AppError, failureOf } from '../../shared/contract/errors';
import { FAILURE_FIXES, type FailureReason } from '../../shared/domain/failures';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { installEnvEntries, type EnvEntry } from '../../shared/domain/installCommands';
import { agentImage, releaseLineFor } from '../../shared/domain/releaseLines';
import { causeLine, isImageMissing } from '../../shared/domain/cliError';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { Platform } from '../../shared/domain/types';
import type { Redactor } from '../logging/redact';
import type { SshConnection } from '../ssh/connection';
import type { Prompter } from '../ssh/prompter';
import { CheckinPoller } from './checkinPoller';
import { K8S_CONFIGMAP, K8S_DEPLOYMENT, K8S_SECRET } from '../../shared/domain/kubernetesManifest';
import { allUnchanged, checkKubeAccess, kubectlCommands, kubePreflight, kubernetesManifestForHost, kubernetesRunCommands, manifestPath, parseApplyOutput, restartNeeded, ROLLOUT_TIMEOUT_S } from './kubernetes';
import { diagnoseAgentLogs, type Diagnosis } from './logSignatures';
import {
  checkClock,
  checkDns,
  checkExistingAgent,
  checkHttps,
  checkImage,
  checkOs,
  imageIdOf,
  checkPrivileges,
  checkRuntime,
  checkTunnel,
  DOCKER_INFO_FORMAT,
  EXISTING_NOT_RECORDED,
  hideSections,
  PODMAN_INFO_FORMAT,
  parseExistingAgent,
  parseExistingKube,
  parseExistingService,
  parseProbe,
  parseWhich,
  probeScript,
  runtimeScript,
  type Check,
  type ProbeSection,
  type RuntimeProbe,
} from './preflight';
import { RemoteHost } from './remoteHost';
import { agentImageFor, type RunImage } from './imageArchive';
import { pushImage } from './imagePush';
import type { HostTranscript } from './transcript';

/** What the installer needs from Portainer to verify a host (the lead may back it with the real client). */
/** What the check-in wait reads of an environment. */
export interface CheckinState {
  lastCheckIn: number;
  edgeId?: string;
  heartbeat: boolean;
  tunnelVerified?: boolean;
}

export interface CheckinProbe {
  getEnvironment(id: number, signal?: AbortSignal): Promise<CheckinState>;
  /**
   * Many environments in one call (Portainer's list filtered by endpointIds[]); an id missing
   * from the answer is an environment that is gone. Rejects with code 'unsupported' when the
   * server cannot filter so (then the caller asks one by one).
   */
  getEnvironments?(ids: number[], signal?: AbortSignal): Promise<Map<number, CheckinState>>;
  /**
   * Opens the environment's tunnel if needed and checks it end to end, as Portainer's TunnelAddr
   * (up to 2 × the check-in interval); rejects with what to check. Only where the server can (the
   * local server); without it the wait relies on `tunnelVerified`.
   */
  verifyTunnel?(id: number, signal?: AbortSignal): Promise<void>;
}

export interface HostPlan {
  platform: Platform;
  agentVersion: string;
  edgeKey: string;
  edgeId: string;
  insecurePoll: boolean;
  agentSecret?: string;
  /** Extra env vars, Portainer's comma-separated field (NAME=value or bare NAME from the target's environment). */
  envVars?: string;
  environmentId: number;
  /** The environment's name, for the Kubernetes manifest's header comment (default: the target). */
  environmentName?: string;
  /** The environment's check-in interval in seconds (server default when 0). */
  checkinIntervalS: number;
}

export type InstallMode = 'install' | 'preflight-only' | 'dry-run';

/**
 * The caller's SSH connection and concurrency slot, for a verification that runs without them
 * (see fleet.ts PIPELINE). Without a lease, the installer keeps the connection for the whole host.
 */
export interface SshLease {
  /** The SSH work is done (agent started, container running): close the connection, free the slot. */
  release(): void;
  /** A slot and a fresh connection again, for `docker logs` after a failed verification; call done() after. */
  reconnect(): Promise<{ conn: SshConnection; done(): void }>;
}

export interface InstallHostOptions {
  conn: SshConnection;
  plan: HostPlan;
  probe?: CheckinProbe;
  transcript: HostTranscript;
  redactor: Redactor;
  prompter: Prompter;
  target: string;
  /** Known up front (CLI --sudo-password-stdin); else the prompter is asked when sudo needs one. */
  sudoPassword?: string;
  /** Root-only folder for the env file; default /etc/portainer-edge. */
  remoteDir?: string;
  /** What to do with an existing, different agent: ask the prompter (default), always replace, or never. */
  replaceExisting?: 'ask' | 'always' | 'never';
  mode?: InstallMode;
  signal?: AbortSignal;
  now?: () => number;
  resolveOnDesktop?: (host: string) => Promise<string[]>;
  /** Between container checks (default 1000 ms); also the slow check-in probe interval when no poller is given. */
  pollMs?: number;
  containerWaitMs?: number;
  /** Shared check-in poller of the run (one per fleet run); default: a private one for this host. */
  checkins?: CheckinPoller;
  lease?: SshLease;
  /** Extra seconds on top of 2 × interval + 20 for the first check-in (agent start time). */
  startGraceS?: number;
  /**
   * The agent's container / service name (default portainer_edge_agent, its volume
   * portainer_agent_data). Another name (volume `<name>_data`) is for test hosts that share one
   * engine, as remoteDir is for hosts that share one file system.
   */
  agentName?: string;
  /** --push-image: the run's agent image, loaded on the host over SSH when it lacks it (Docker, Swarm, Podman). */
  pushImage?: RunImage;
}

export interface HostOutcome {
  status: 'installed' | 'unchanged' | 'preflight-ok' | 'dry-run' | 'failed';
  /** What happened, in words (failed hosts). */
  reason?: string;
  /** Why, as a stable code, and what to do (failed hosts; shared/domain/failures.ts). */
  reasonCode?: FailureReason;
  fix?: string;
  checks: Check[];
  diagnoses?: Diagnosis[];
  checkedIn?: boolean;
  tunnel?: 'verified' | 'not-verified' | 'unknown';
  /** The commands the install runs (dry-run shows them; never holds secrets). */
  commands?: string[];
}

export const AGENT_NAME = 'portainer_edge_agent';
export const AGENT_VOLUME = 'portainer_agent_data';

export interface AgentNames {
  agent: string;
  volume: string;
}

export function agentNames(name = AGENT_NAME): AgentNames {
  return { agent: name, volume: name === AGENT_NAME ? AGENT_VOLUME : `${name}_data` };
}

/** A host-level failure with its code (shared/domain/failures.ts); an agent-log diagnosis's fix wins over the generic one. */
class HostFailure extends AppError {
  constructor(
    message: string,
    readonly diagnoses?: Diagnosis[],
    reason: FailureReason = 'remote-command',
  ) {
    super('unavailable', message, undefined, { reason, ...(diagnoses?.[0] ? { fix: diagnoses[0].fix } : {}) });
  }
}

/**
 * The equivalent of Portainer's command (same image, mounts, restart policy, name) reading the env
 * from a file. agentVersion is the server's version: it picks the release line's form.
 */
export function runCommands(platform: Platform, runtime: string, envFile: string, agentVersion: string, bins: { systemctl?: string } = {}, names: AgentNames = agentNames()): string[] {
  const { agent: AGENT, volume: VOLUME } = names;
  const { line } = releaseLineFor(agentVersion, 'agentVersion');
  const image = agentImage(line, platform === 'podman' ? 'podman' : 'standalone', agentVersion);
  const f = shellQuote(envFile);
  switch (platform) {
    case 'standalone':
      return [
        `${runtime} run -d -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes -v /:/host -v ${VOLUME}:/data --restart always --env-file ${f} --name ${AGENT} ${image}`,
      ];
    case 'podman':
      return [
        // 2.28 on: no socket line and the agent's own volume, as Portainer's text (the env file has PODMAN=1).
        ...(line.templates.podman === 'env'
          ? [`${runtime} volume create ${VOLUME}`]
          : [`${bins.systemctl ? shellQuote(bins.systemctl) : 'systemctl'} enable --now podman.socket`, `${runtime} volume create portainer`]),
        `${runtime} run -d -v /run/podman/podman.sock:/var/run/docker.sock -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes -v /:/host -v ${VOLUME}:/data --restart always --privileged --env-file ${f} --name ${AGENT} ${image}`,
      ];
    case 'swarm':
      return [
        `${runtime} network create --driver overlay portainer_agent_network`,
        // --detach: the CLI would otherwise wait for convergence, forever when a task is rejected
        // (a missing image); waitForService() watches the tasks for a bounded time instead.
        `${runtime} service create --detach --name ${AGENT} --network portainer_agent_network --env-file ${f} --mode global --constraint 'node.platform.os == linux' ` +
          `--mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes ` +
          `--mount type=bind,src=//,dst=/host --mount type=volume,src=${VOLUME},dst=/data ${image}`,
      ];
    default:
      throw new AppError('unsupported', `The SSH install supports standalone, swarm and podman; for ${platform} use the copy-paste command.`, 'platform');
  }
}

/**
 * Renders the env file (docker --env-file format: NAME=value per line, no quoting). A bare NAME
 * is resolved from the target's environment by the caller, never left for sudo's reset env.
 */
export function renderEnvFile(entries: EnvEntry[]): string {
  return (
    entries
      .map(([name, value]) => {
        if (value === undefined) throw new AppError('invalid_input', `The env var ${name} has no value.`, 'envVars');
        if (/[\r\n\0]/.test(value)) throw new AppError('invalid_input', `The value of ${name} has a line break or NUL, which an env file cannot carry.`, 'envVars');
        return `${name}=${value}`;
      })
      .join('\n') + '\n'
  );
}

/** Runs preflight, then (unless preflight-only / dry-run) the install and its verification on one host. */
export async function installOnHost(o: InstallHostOptions): Promise<HostOutcome> {
  const t = o.transcript;
  const host = new RemoteHost(o.conn, t, o.signal);
  const checks: Check[] = [];
  const now = o.now ?? Date.now;
  const plan = o.plan;
  o.redactor.add(plan.edgeKey);
  o.redactor.add(plan.agentSecret);
  o.redactor.add(o.sudoPassword);
  const mode = o.mode ?? 'install';
  const names = agentNames(o.agentName);
  let sudoPassword = o.sudoPassword;
  let commands: string[] | undefined;
  try {
    // ---------------- preflight
    t.step('preflight');
    const key = decodeEdgeKey(plan.edgeKey);
    const url = new URL(key.portainerUrl);
    const portainerHost = url.hostname.replace(/^\[|\]$/g, '');
    const tIdx = key.tunnelAddress.lastIndexOf(':');
    const tunnelHost = key.tunnelAddress.slice(0, tIdx).replace(/^\[|\]$/g, '');
    const tunnelPort = Number(key.tunnelAddress.slice(tIdx + 1));
    // Docker/Podman: `info` and the existing agent's inspect ride in the same probe (run as root or
    // with `sudo -n` when possible), so the whole preflight is one exec for most hosts.
    const swarm = plan.platform === 'swarm';
    const image = agentImageFor(plan.platform, plan.agentVersion);
    const runtimeProbe: RuntimeProbe | undefined =
      plan.platform === 'kubernetes'
        ? undefined
        : { bin: plan.platform === 'podman' ? 'podman' : 'docker', infoFormat: plan.platform === 'podman' ? PODMAN_INFO_FORMAT : DOCKER_INFO_FORMAT, existing: `${swarm ? 'service inspect' : 'inspect --type container'} ${names.agent}`, image, ...(o.pushImage ? { noPull: true } : {}) };
    const hideExisting = (out: string) => hideSections(out, ['existing'], EXISTING_NOT_RECORDED);
    const [probe, desktopResolved] = await Promise.all([
      host.run(probeScript({ portainerUrl: key.portainerUrl, portainerHost, tunnelHost, tunnelPort, ...(runtimeProbe ? { runtime: runtimeProbe } : {}) }), { timeoutMs: 60_000, quietStdout: hideExisting }),
      (o.resolveOnDesktop ?? defaultResolve)(portainerHost).catch(() => [] as string[]),
    ]);
    const s = parseProbe(probe.stdout);
    const which = parseWhich(s.which);
    checks.push(checkOs(s.uname, s.osrelease));
    const priv = checkPrivileges(s.id, s.sudo, which, o.sudoPassword !== undefined);
    host.privilege = priv.privilege;
    if (priv.privilege === 'sudo-password') {
      const pw = o.sudoPassword ?? (await o.prompter.secret({ kind: 'sudo', target: o.target, message: `sudo password for ${o.target}` }));
      if (pw === undefined) {
        priv.check.status = 'fail';
        priv.check.fix = 'Give the sudo password (--sudo-password-stdin or the prompt).';
      } else {
        o.redactor.add(pw);
        host.setSudoPassword(pw);
        sudoPassword = pw;
        priv.check.status = 'pass';
        priv.check.found = priv.check.found.replace(': sudo needs a password', ' with sudo (password sent on stdin)');
      }
    }
    checks.push(priv.check);
    // For Kubernetes the "runtime" is kubectl, run as root like docker (services/install/kubernetes.ts).
    const runtimeBin = plan.platform === 'podman' ? 'podman' : plan.platform === 'kubernetes' ? 'kubectl' : 'docker';
    const runtime = which[runtimeBin] ?? runtimeBin;
    const canPriv = priv.privilege !== 'none' && priv.check.status === 'pass';
    let info: ProbeSection | undefined;
    let existingSection: ProbeSection | undefined;
    let imageSection: ProbeSection | undefined;
    let kubeContext;
    let kubeAccess: Check | undefined;
    if (plan.platform === 'kubernetes') {
      if (which.kubectl) {
        const k = await kubePreflight(host, runtime, canPriv);
        kubeContext = k.context;
        if (k.deploy) kubeAccess = checkKubeAccess(k.context.out, k.deploy, k.bind);
      }
    } else if (s.info) {
      // Asked by the probe itself, as root or with `sudo -n`.
      info = { out: s.info.out.trim(), rc: s.info.rc };
      existingSection = s.existing;
      imageSection = s.image;
    } else if (which[runtimeBin] && canPriv && runtimeProbe) {
      // sudo with a password: both questions in one privileged command (password on stdin).
      const r = await host.run(runtimeScript(runtime, runtimeProbe), { privileged: true, quietStdout: hideExisting });
      const rs = parseProbe(r.stdout);
      info = rs.info ? { out: rs.info.out.trim(), rc: rs.info.rc } : { out: (r.stdout + r.stderr).trim(), rc: r.code ?? 255 };
      existingSection = rs.existing;
      imageSection = rs.image;
    } else if (which[runtimeBin]) {
      const r = await host.run(`${shellQuote(runtime)} info --format ${shellQuote(plan.platform === 'podman' ? PODMAN_INFO_FORMAT : DOCKER_INFO_FORMAT)}`, { privileged: canPriv });
      info = { out: (r.stdout + r.stderr).trim(), rc: r.code ?? 255 };
    }
    checks.push(checkRuntime(plan.platform, { which, ...(info ? { info } : {}), ...(kubeContext ? { kubeContext } : {}) }));
    // Swarm: asked on the manager the install reaches; the other nodes pull for their own tasks.
    if (runtimeProbe && info?.rc === 0) checks.push(checkImage(image, imageSection, runtimeBin, o.pushImage !== undefined));
    if (kubeAccess) checks.push(kubeAccess);
    checks.push(checkDns(portainerHost, s.dns, desktopResolved));
    checks.push(checkHttps(key.portainerUrl, s.https, s.https_k, plan.insecurePoll));
    checks.push(checkTunnel(key.tunnelAddress, s.tunnel));
    checks.push(checkClock(s.date, Math.floor(now() / 1000)).check);

    let action: 'install' | 'unchanged' | 'replace' = 'install';
    const desired = plan.agentSecret !== undefined ? { edgeKey: plan.edgeKey, agentSecret: plan.agentSecret } : { edgeKey: plan.edgeKey };
    if (plan.platform !== 'kubernetes' && info?.rc === 0) {
      // Swarm: the agent is a service (there is no container of that name on the manager).
      let section = existingSection;
      if (!section) {
        const r = await host.run(`${shellQuote(runtime)} ${swarm ? 'service inspect' : 'inspect --type container'} ${names.agent}`, { privileged: true, quietStdout: `(${swarm ? 'docker service' : 'docker'} inspect JSON not recorded: it holds the agent env)` });
        section = { out: r.stdout, rc: r.code ?? 255 };
      }
      const existing = swarm ? parseExistingService(section, desired) : parseExistingAgent(section, desired);
      const ex = checkExistingAgent(existing, { image, edgeId: plan.edgeId }, swarm ? 'service' : 'container');
      checks.push(ex.check);
      action = ex.action;
    } else if (plan.platform === 'kubernetes' && kubeAccess?.status === 'pass') {
      // Run as root like the apply (root's kubeconfig); the Secret's values stay out of the transcript.
      const r = await host.run(kubectlCommands(runtime, '').existing, { privileged: canPriv, quietStdout: '(kubectl get JSON not recorded: the Secret holds the join token)' });
      if (r.code !== 0) t.note(`could not read the existing agent's objects (exit ${r.code}): ${causeLine(r.stderr || '')}`);
      const existing = parseExistingKube({ out: r.stdout, rc: r.code ?? 255 }, desired, { configMap: K8S_CONFIGMAP, secret: K8S_SECRET, deployment: K8S_DEPLOYMENT });
      const ex = checkExistingAgent(existing, { image, edgeId: plan.edgeId }, 'kubernetes');
      checks.push(ex.check);
      action = ex.action;
    }
    for (const c of checks) t.note(`[${c.status}] ${c.title}: ${c.found}${c.fix && c.status !== 'pass' ? ` — fix: ${c.fix}` : ''}`);
    const failed = checks.filter((c) => c.status === 'fail');
    if (failed.length) {
      t.endStep('failed');
      return { status: 'failed', reason: `preflight: ${failed.map((c) => `${c.title}: ${c.found}`).join('; ')}`, reasonCode: 'preflight', fix: failed.map((c) => (c.fix ? `${c.title}: ${c.fix}` : '')).filter(Boolean).join(' ') || FAILURE_FIXES.preflight, checks };
    }
    t.endStep(checks.some((c) => c.status === 'warn') ? 'warn' : 'ok');

    const remoteDir = o.remoteDir ?? '/etc/portainer-edge';
    const envPath = `${remoteDir.replace(/\/+$/, '')}/agent.env`;
    const k8sPath = manifestPath(remoteDir);
    commands = plan.platform === 'kubernetes' ? kubernetesRunCommands(runtime, k8sPath) : runCommands(plan.platform, runtime, envPath, plan.agentVersion, which.systemctl ? { systemctl: which.systemctl } : {}, names);
    if (mode === 'preflight-only') return { status: 'preflight-ok', checks };
    if (mode === 'dry-run') {
      t.step('dry run');
      if (o.pushImage) t.note(`would push ${image} from this computer over SSH unless the host has the same image ID`);
      for (const c of commands) t.note(`would run: ${c}`);
      t.note(`would write ${plan.platform === 'kubernetes' ? k8sPath : envPath} (0600, root-only folder ${remoteDir} 0700) with: ${installEnvEntries(envOptions(plan)).map(([n]) => n).join(', ')}`);
      return { status: 'dry-run', checks, commands };
    }

    if (o.pushImage && runtimeProbe) {
      t.step('push image');
      await pushImage({ host, runtime, runtimeName: runtimeBin, image: o.pushImage, targetId: imageIdOf(imageSection), ...(o.signal ? { signal: o.signal } : {}), now });
    }

    if (action === 'replace') {
      t.step('replace existing agent');
      const existingCheck = checks.find((c) => c.id === 'existing');
      const decision = o.replaceExisting ?? 'ask';
      const what = plan.platform === 'kubernetes' ? 'Overwrite its Secret and ConfigMap in namespace portainer, then restart it?' : `Remove it and its ${names.volume} volume, then install?`;
      const ok = decision === 'always' || (decision === 'ask' && (await o.prompter.confirm({ target: o.target, message: `${o.target} already runs a different Edge agent (${existingCheck?.found}). ${what}` })));
      if (!ok) throw new HostFailure(`an existing, different Edge agent runs on this host (${existingCheck?.found}) and replacing it was not confirmed (use --replace-existing)`, undefined, 'existing-agent');
      if (plan.platform !== 'kubernetes') {
        // One exec: the volume goes once the agent (its user) is gone; each exit code is in the output.
        const rt = shellQuote(runtime);
        await host.run(`${rt} ${plan.platform === 'swarm' ? 'service rm' : 'rm -f'} ${names.agent}; echo "rm: exit $?"; ${rt} volume rm ${names.volume}; echo "volume rm: exit $?"`, { privileged: true });
      } else {
        t.note('kubectl apply overwrites the Secret and ConfigMap; the agent restarts with them');
      }
    }

    if (plan.platform === 'kubernetes') {
      // ---------------- manifest, apply, rollout (see services/install/kubernetes.ts)
      t.step('write manifest');
      const entries = await resolveBareNames(installEnvEntries(envOptions(plan)), host);
      const manifest = kubernetesManifestForHost({ name: plan.environmentName ?? o.target, environmentId: plan.environmentId, agentVersion: plan.agentVersion, entries });
      await uploadRootOnly(host, remoteDir, k8sPath, manifest);
      t.note(`wrote ${k8sPath} (0600 root:root in ${remoteDir} 0700) with ${entries.map(([n]) => n).join(', ')} — values not shown`);
      t.step('apply manifest');
      const k = kubectlCommands(runtime, k8sPath);
      const started = Math.floor(now() / 1000);
      let applied: Map<string, string>;
      try {
        const r = await host.run(k.apply, { privileged: true, timeoutMs: 5 * 60_000 });
        if (r.code !== 0) throw new HostFailure(`kubectl apply failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`);
        applied = parseApplyOutput(r.stdout);
      } finally {
        await host.run(`rm -f ${shellQuote(k8sPath)}`, { privileged: true }).catch(() => undefined);
        t.note(`removed ${k8sPath}: the cluster keeps the Secret and ConfigMap for the pod; no second copy of the secrets stays at rest.`);
      }
      if (restartNeeded(applied)) {
        t.note('the Secret/ConfigMap changed but not the pod template: restarting the deployment so the agent reads them');
        const r = await host.run(k.restart, { privileged: true });
        if (r.code !== 0) throw new HostFailure(`kubectl rollout restart failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`);
      }
      const unchanged = allUnchanged(applied);
      const ssh = sshFor(o, host, () => sudoPassword);
      const ro = await host.run(k.rollout, { privileged: true, timeoutMs: (ROLLOUT_TIMEOUT_S + 30) * 1000 });
      if (ro.code !== 0) await logsDiagnosis(o, ssh, runtime, `the agent deployment did not roll out (${causeLine(ro.stderr || ro.stdout)})`, 'remote-command');
      t.step('verify');
      ssh.release();
      const v = await waitForCheckin(o, ssh, runtime, unchanged ? started - (2 * interval(plan) + 20) : started - 5, now);
      return { status: unchanged ? 'unchanged' : 'installed', checks, commands, ...v };
    }

    if (action === 'unchanged') {
      t.step('verify existing agent');
      t.note('The agent already runs with this image, Edge ID and key: nothing to change.');
      const ssh = sshFor(o, host, () => sudoPassword);
      await waitForContainer(o, ssh, runtime, now);
      ssh.release();
      const v = await waitForCheckin(o, ssh, runtime, Math.floor(now() / 1000) - (2 * interval(plan) + 20), now);
      return { status: 'unchanged', checks, commands, ...v };
    }

    // ---------------- env file
    t.step('write env file');
    const entries = await resolveBareNames(installEnvEntries(envOptions(plan)), host);
    const content = renderEnvFile(entries);
    const tmpPath = await stageFile(host, content);
    t.note(`staged the env file over SFTP as ${tmpPath} (0600, created exclusively) with ${entries.map(([n]) => n).join(', ')} — values not shown; the start command moves it to ${envPath} (0600 root:root in ${remoteDir} 0700)`);

    // ---------------- run
    t.step('start agent');
    const started = Math.floor(now() / 1000);
    // One privileged exec whatever the platform: the preparatory commands (Podman's socket and
    // volume, Swarm's overlay network), then moving the env file into place, the run / service
    // create, and removing the file. Its exit code is the runtime's own, install's when the file
    // could not be put in place, or a preparatory command's (which then names itself on stderr
    // and removes the staged file). `network create` may fail: the network exists already.
    const last = commands[commands.length - 1]!;
    const failedMsg = (c: string, r: { code: number | null; stderr: string; stdout: string }) => `${c.split(' ').slice(1, 3).join(' ')} failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`;
    const prep = commands
      .slice(0, -1)
      .map((c, i) => (/network create/.test(c) ? `${c};` : `${c} || { rc=$?; rm -f ${shellQuote(tmpPath)}; echo '${PREP_FAILED} ${i}' >&2; exit $rc; };`))
      .join(' ');
    let cleaned = false;
    let firstLook: string | undefined;
    try {
      // DECISION (env file afterwards): removed right after the run. Docker/Podman copy the env
      // into the container (or service) config, which root-only storage keeps for restarts, so a
      // second copy of the join token and agent secret at rest would only add exposure. A
      // reinstall writes a fresh file. Also written to the transcript.
      // Standalone/Podman: the first container check rides along once the run succeeded (its
      // inspect JSON holds the env, so it is kept out of the transcript like every inspect).
      const look = plan.platform === 'standalone' || plan.platform === 'podman' ? ` if [ $rc -eq 0 ]; then echo '${CONTAINER_MARK}'; ${shellQuote(runtime)} inspect --type container ${names.agent}; fi;` : '';
      const r = await host.run(`${prep ? `${prep} ` : ''}${moveIntoPlace(remoteDir, tmpPath, envPath)}; ${last}; rc=$?; rm -f ${shellQuote(envPath)};${look} exit $rc`, {
        privileged: true,
        timeoutMs: 10 * 60_000,
        quietStdout: (out) => (out.includes(`${CONTAINER_MARK}\n`) ? `${out.slice(0, out.indexOf(`${CONTAINER_MARK}\n`))}${CONTAINER_MARK}\n(inspect JSON not recorded)` : out),
      });
      cleaned = r.code !== null;
      const at = r.stdout.indexOf(`${CONTAINER_MARK}\n`);
      if (at >= 0) {
        firstLook = r.stdout.slice(at + CONTAINER_MARK.length + 1);
        r.stdout = r.stdout.slice(0, at);
      }
      const prepFailed = new RegExp(`^${PREP_FAILED} (\\d+)$`, 'm').exec(r.stderr);
      if (prepFailed) throw new HostFailure(failedMsg(commands[Number(prepFailed[1])]!, { ...r, stderr: r.stderr.replace(prepFailed[0], '') }));
      if (r.stderr.includes(MOVE_FAILED)) throw new HostFailure(`could not install the env file into ${remoteDir}: ${r.stderr.replace(MOVE_FAILED, '').trim()}`);
      if (r.code !== 0 && !/network create/.test(last)) throw new HostFailure(failedMsg(last, r), undefined, isImageMissing(r.stderr) ? 'image-missing' : 'remote-command');
    } finally {
      // The start command did not run to its end (a timeout, a lost connection): remove both
      // copies here.
      if (!cleaned) await host.run(`rm -f ${shellQuote(tmpPath)} ${shellQuote(envPath)}`, { privileged: true }).catch(() => undefined);
      t.note(`removed ${envPath}: the runtime keeps the env in its root-only container config for restarts; no second copy of the secrets stays at rest.`);
    }

    const ssh = sshFor(o, host, () => sudoPassword);
    await waitForContainer(o, ssh, runtime, now, firstLook);

    // ---------------- verify (through the Portainer API; the SSH connection and slot are given back)
    t.step('verify');
    ssh.release();
    const v = await waitForCheckin(o, ssh, runtime, started - 5, now);
    return { status: 'installed', checks, commands, ...v };
  } catch (e) {
    if (o.signal?.aborted) {
      t.note('cancelled');
      return { status: 'failed', reason: 'cancelled', reasonCode: 'cancelled', fix: FAILURE_FIXES.cancelled, checks, ...(commands ? { commands } : {}) };
    }
    const reason = `${t.currentStep ? `${t.currentStep}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
    t.note(`failed: ${reason}`);
    t.endStep('failed');
    const f = failureOf(e);
    return { status: 'failed', reason: o.redactor.redact(reason), reasonCode: f.reason, fix: o.redactor.redact(f.fix), checks, ...(e instanceof HostFailure && e.diagnoses ? { diagnoses: e.diagnoses } : {}), ...(commands ? { commands } : {}) };
  }
}

function envOptions(plan: HostPlan) {
  return {
    platform: plan.platform,
    os: 'linux' as const,
    agentVersion: plan.agentVersion,
    edgeKey: plan.edgeKey,
    edgeId: plan.edgeId,
    insecurePoll: plan.insecurePoll,
    ...(plan.agentSecret ? { agentSecret: plan.agentSecret } : {}),
    ...(plan.envVars ? { envVars: plan.envVars } : {}),
  };
}

function interval(plan: HostPlan): number {
  return plan.checkinIntervalS > 0 ? plan.checkinIntervalS : 5;
}

async function defaultResolve(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}

/** A bare NAME takes its value from the target's login environment (printenv), or the install refuses. */
async function resolveBareNames(entries: EnvEntry[], host: RemoteHost): Promise<EnvEntry[]> {
  const out: EnvEntry[] = [];
  for (const [name, value] of entries) {
    if (value !== undefined) {
      out.push([name, value]);
      continue;
    }
    const r = await host.run(`printenv ${name}`, { quietStdout: `(value of ${name} not recorded)` });
    if (r.code !== 0) throw new HostFailure(`the env var ${name} is to be copied from the host, but it is not set in the SSH session's environment on the target; give NAME=value instead`);
    out.push([name, r.stdout.replace(/\n$/, '')]);
  }
  return out;
}

/**
 * Stages `content` for a root-only file: SFTP into a fresh /tmp/edgedeck-env.<random> created
 * exclusively (O_CREAT|O_EXCL, mode 0600: what mktemp does, without an exec for it). The content
 * only ever travels inside the SFTP channel, never on a command line. The caller moves it into
 * place with moveIntoPlace() in a privileged command, which also removes the temp file.
 */
async function stageFile(host: RemoteHost, content: string): Promise<string> {
  const tmpPath = `/tmp/edgedeck-env.${randomBytes(8).toString('hex')}`;
  try {
    await host.conn.writeFile(tmpPath, content, 0o600, { exclusive: true });
  } catch (e) {
    throw new HostFailure(`could not create a private temp file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return tmpPath;
}

/** Separates the start command's own output from the container inspect that follows it. */
const CONTAINER_MARK = '@@edgedeck container';

/** Written to stderr by moveIntoPlace()'s script when the file could not be put into place. */
const MOVE_FAILED = 'edgedeck: could not install the file into its root-only folder';
/** Followed by the index of the preparatory command that failed (see the start step). */
const PREP_FAILED = '@@edgedeck prep-failed';

/**
 * Shell text (run privileged): creates `dir` (0700 root:root), installs `tmp` as `path` (0600
 * root:root), removes `tmp` whatever happened, and stops with install's exit code on failure.
 */
function moveIntoPlace(dir: string, tmp: string, path: string): string {
  return `install -d -m 0700 -o root -g root ${shellQuote(dir)} && install -m 0600 -o root -g root ${shellQuote(tmp)} ${shellQuote(path)}; rc=$?; rm -f ${shellQuote(tmp)}; if [ $rc -ne 0 ]; then echo '${MOVE_FAILED}' >&2; exit $rc; fi`;
}

/** Puts `content` at `path` with mode 0600 in a 0700 root-only folder: one SFTP write and one privileged command. */
async function uploadRootOnly(host: RemoteHost, dir: string, path: string, content: string): Promise<void> {
  const tmpPath = await stageFile(host, content);
  let r;
  try {
    r = await host.run(moveIntoPlace(dir, tmpPath, path), { privileged: true });
  } finally {
    if (!r || r.code === null) await host.run(`rm -f ${shellQuote(tmpPath)}`).catch(() => undefined);
  }
  if (r.code !== 0) throw new HostFailure(`could not install the env file into ${dir}: ${(r.stderr || r.stdout).replace(MOVE_FAILED, '').trim()}`);
}

/**
 * SSH for the steps after `docker run`. DECISION (connection during the check-in wait): closed,
 * and reopened only when a failed verification needs the agent's logs. Holding it would keep one
 * sshd session per waiting host (and one channel on a jump host) for up to 2 × interval + 35 s —
 * minutes with long intervals, long enough for idle NAT/firewall timeouts to cut it anyway —
 * while a failure costs one extra handshake (a fraction of a second), and failures are the rare
 * case. Without a lease (a caller that runs one host) the connection simply stays.
 */
interface SshForVerify {
  release(): void;
  /** Runs `fn` on a live host: the original one, or a reconnected one (with a slot) after release(). */
  withHost<T>(fn: (host: RemoteHost) => Promise<T>): Promise<T>;
  readonly host: RemoteHost;
}

function sshFor(o: InstallHostOptions, host: RemoteHost, sudoPassword: () => string | undefined): SshForVerify {
  let released = false;
  return {
    host,
    release() {
      if (released || !o.lease) return;
      released = true;
      o.transcript.note('SSH work done: connection closed and concurrency slot given back while Portainer is polled for the check-in');
      o.lease.release();
    },
    async withHost(fn) {
      if (!released) return fn(host);
      const { conn, done } = await o.lease!.reconnect();
      try {
        o.transcript.note(`reconnected to ${o.target} to read the agent's logs`);
        const again = new RemoteHost(conn, o.transcript, o.signal);
        again.privilege = host.privilege;
        const pw = sudoPassword();
        if (pw !== undefined) again.setSudoPassword(pw);
        return await fn(again);
      } finally {
        done();
      }
    },
  };
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new AppError('cancelled', 'Cancelled.'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AppError('cancelled', 'Cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads the agent's last 50 log lines and fails the host with `why` plus the best diagnosis. */
async function logsDiagnosis(o: InstallHostOptions, ssh: SshForVerify, runtime: string, why: string, reason: FailureReason = 'no-checkin'): Promise<never> {
  // A Swarm agent is a service: its logs come from `docker service logs` (there is no container of that name).
  const cmd = o.plan.platform === 'kubernetes' ? kubectlCommands(runtime, '').logs : `${shellQuote(runtime)}${o.plan.platform === 'swarm' ? ' service' : ''} logs --tail 50 ${agentNames(o.agentName).agent}`;
  const r = await ssh.withHost((h) => h.run(cmd, { privileged: true })).catch((e: unknown) => {
    if (o.signal?.aborted) throw e;
    o.transcript.note(`could not read the agent's logs: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  const logs = o.redactor.redact(`${r?.stdout ?? ''}\n${r?.stderr ?? ''}`);
  const d = diagnoseAgentLogs(logs, decodeEdgeKey(o.plan.edgeKey));
  const hint = d.length ? ` Likely cause: ${d[0]!.cause} Fix: ${d[0]!.fix} (log: ${d[0]!.line})` : logs.trim() ? ` Last log line: ${logs.trim().split('\n').pop()}` : '';
  throw new HostFailure(`${why}.${hint}`, d, reason);
}

/** Over SSH: waits until the agent container runs (not for Swarm/Kubernetes, where the orchestrator starts it). */
async function waitForContainer(o: InstallHostOptions, ssh: SshForVerify, runtime: string, now: () => number, firstLook?: string): Promise<void> {
  if (o.plan.platform === 'kubernetes') return;
  if (o.plan.platform === 'swarm') return waitForService(o, ssh, runtime, now);
  const pollMs = o.pollMs ?? 1000;
  const until = now() + (o.containerWaitMs ?? 60_000);
  // The first look comes with `docker run` itself (firstLook: the start command's inspect), or
  // soon after it (a container usually runs within a moment).
  let waitMs = Math.min(250, pollMs);
  let pending = firstLook;
  for (;;) {
    const r = pending !== undefined ? { stdout: pending } : await ssh.host.run(`${shellQuote(runtime)} inspect --type container ${agentNames(o.agentName).agent}`, { privileged: true, quietStdout: '(inspect JSON not recorded)' });
    pending = undefined;
    let st: { Running?: boolean; Status?: string } | undefined;
    try {
      st = (JSON.parse(r.stdout) as Array<{ State?: { Running?: boolean; Status?: string } }>)[0]?.State;
    } catch {
      st = undefined;
    }
    if (st?.Running) {
      o.transcript.note('container running');
      return;
    }
    if (now() > until) await logsDiagnosis(o, ssh, runtime, `the agent container is not running (${st?.Status ?? 'not found'})`, 'remote-command');
    await abortableSleep(waitMs, o.signal);
    waitMs = pollMs;
  }
}

/** How long a new Swarm service's tasks may take to run (pulling the image included). */
export const SERVICE_WATCH_MS = 120_000;

/**
 * Watches the agent service's tasks (`docker service ps --no-trunc`) until one runs; a task the
 * orchestrator rejected or that failed ends the host with the task's own error, and the service is
 * removed so that nothing half-created stays (Swarm would retry it forever). Bounded by
 * SERVICE_WATCH_MS (containerWaitMs when given).
 */
async function waitForService(o: InstallHostOptions, ssh: SshForVerify, runtime: string, now: () => number): Promise<void> {
  const name = agentNames(o.agentName).agent;
  const until = now() + (o.containerWaitMs ?? SERVICE_WATCH_MS);
  const rt = shellQuote(runtime);
  for (;;) {
    const r = await ssh.host.run(`${rt} service ps --no-trunc --format '{{.CurrentState}}|{{.Error}}' ${name}`, { privileged: true });
    // The error comes quoted ("No such image: …"), as docker prints it.
    const tasks = r.stdout.split('\n').filter(Boolean).map((l) => ({ state: l.slice(0, l.indexOf('|')), error: l.slice(l.indexOf('|') + 1).trim().replace(/^"(.*)"$/, '$1') }));
    if (tasks.some((t) => /^Running/.test(t.state))) {
      o.transcript.note('service task running');
      return;
    }
    const bad = tasks.find((t) => /^(Rejected|Failed)/.test(t.state) && t.error);
    const last = tasks[0]?.state ?? (causeLine(r.stderr) || 'no task yet');
    if (bad || now() > until) {
      await ssh.host.run(`${rt} service rm ${name}`, { privileged: true }).catch(() => undefined);
      o.transcript.note(`removed the ${name} service: its task did not run`);
      // The fix comes with the reason code (shared/domain/failures.ts): image-missing names the push option.
      if (bad) throw new HostFailure(`the agent service's task was ${bad.state.split(' ')[0]!.toLowerCase()}: ${bad.error}`, undefined, isImageMissing(bad.error) ? 'image-missing' : 'task-rejected');
      throw new HostFailure(`the agent service's task did not run within ${Math.round((o.containerWaitMs ?? SERVICE_WATCH_MS) / 1000)} s (${last})`);
    }
    await abortableSleep(o.pollMs ?? 1000, o.signal);
  }
}

/** Through the Portainer API only (the shared poller): the first check-in since `sinceEpoch`, then the tunnel. */
async function waitForCheckin(o: InstallHostOptions, ssh: SshForVerify, runtime: string, sinceEpoch: number, now: () => number): Promise<Pick<HostOutcome, 'checkedIn' | 'tunnel'>> {
  const t = o.transcript;
  const plan = o.plan;
  if (!o.probe) {
    t.note('no Portainer connection given: check-in not verified');
    return { checkedIn: false, tunnel: 'unknown' };
  }
  const poller = o.checkins ?? new CheckinPoller(o.probe, { ...(o.pollMs !== undefined ? { fastMs: Math.min(500, o.pollMs), slowMs: o.pollMs } : {}), now });
  const budgetS = 2 * interval(plan) + 20 + (o.startGraceS ?? 15);
  const deadline = now() + budgetS * 1000;
  t.note(`waiting up to ${budgetS} s (2 × ${interval(plan)} s interval + 20 s + start time) for the first check-in of environment ${plan.environmentId}`);
  // Set by the poller's callback (TypeScript cannot see that, hence the explicit read-backs below).
  const seen: { checkedIn: boolean; tunnel: NonNullable<HostOutcome['tunnel']>; otherEdgeId?: string } = { checkedIn: false, tunnel: 'unknown' };
  await poller.wait(
    plan.environmentId,
    deadline,
    (e) => {
      if (e && e.lastCheckIn >= sinceEpoch && (!e.edgeId || e.edgeId === plan.edgeId)) {
        if (!seen.checkedIn) t.note(`checked in (last check-in ${new Date(e.lastCheckIn * 1000).toISOString()}, Edge ID ${e.edgeId ?? plan.edgeId})`);
        seen.checkedIn = true;
        // Where the server can open the tunnel on demand, that comes next (below), not a wait here.
        if (e.tunnelVerified === undefined || (o.probe?.verifyTunnel && !e.tunnelVerified)) return true;
        if (e.tunnelVerified) {
          seen.tunnel = 'verified';
          t.note('tunnel verified: the server reached the agent through the tunnel');
          return true;
        }
        seen.tunnel = 'not-verified';
      } else if (e?.edgeId && e.edgeId !== plan.edgeId) {
        seen.otherEdgeId = e.edgeId;
        return true;
      }
      return undefined;
    },
    o.signal,
  );
  const { checkedIn, otherEdgeId } = seen;
  let tunnel = seen.tunnel;
  if (otherEdgeId) await logsDiagnosis(o, ssh, runtime, `environment ${plan.environmentId} is associated with another Edge ID (${otherEdgeId})`);
  if (!checkedIn) await logsDiagnosis(o, ssh, runtime, `no check-in within ${budgetS} s`);
  let tunnelWhy = `the tunnel was not verified within ${budgetS} s`;
  if (tunnel !== 'verified' && o.probe.verifyTunnel) {
    t.note(`opening the tunnel on demand and checking it end to end (up to 2 × the ${interval(plan)} s check-in interval)`);
    try {
      await o.probe.verifyTunnel(plan.environmentId, o.signal);
      tunnel = 'verified';
      t.note('tunnel verified: the server reached the agent through the tunnel');
    } catch (e) {
      if (o.signal?.aborted) throw e;
      tunnel = 'not-verified';
      tunnelWhy = e instanceof Error ? e.message : String(e);
    }
  }
  if (tunnel === 'not-verified') await logsDiagnosis(o, ssh, runtime, `the agent checks in, but ${tunnelWhy} (tunnel address ${decodeEdgeKey(plan.edgeKey).tunnelAddress})`);
  return { checkedIn, tunnel };
}

/** A random Edge ID for a new device (Portainer's UI uses a UUID too). */
export function newEdgeId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
