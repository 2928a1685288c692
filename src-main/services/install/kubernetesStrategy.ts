import { causeLine, isImageMissing } from '../../shared/domain/cliError';
import { K8S_CONFIGMAP, K8S_DEPLOYMENT, K8S_SECRET } from '../../shared/domain/kubernetesManifest';
import { failWithAgentLogs } from './agentLogs';
import { planEnvEntries, resolveBareNames } from './envFile';
import { checkinInterval, wantedSecrets } from './hostPlan';
import { HostFailure } from './hostFailure';
import { allUnchanged, checkKubeAccess, kubectlCommands, kubePreflight, kubernetesManifestForHost, kubernetesRunCommands, manifestPath, parseApplyOutput, restartNeeded, ROLLOUT_TIMEOUT_S } from './kubernetes';
import { checkExistingAgent, checkRuntime, parseExistingKube, type Check } from './preflight';
import { uploadRootOnly } from './rootOnlyFile';
import type { InstallStrategy, PlatformChecks, Started } from './strategy';

/**
 * Kubernetes through the target's own kubectl, run as root (see kubernetes.ts for the steps and
 * the DECISIONs): the manifest goes over SFTP into the root-only folder, `kubectl apply`, the file
 * is removed, a restart when only the Secret/ConfigMap changed, then the rollout.
 */
export const kubernetesStrategy: InstallStrategy = {
  runtimeBin: 'kubectl',

  probe: () => undefined,

  async preflight(h, f): Promise<PlatformChecks> {
    let kubeContext;
    let access: Check | undefined;
    if (h.which.kubectl) {
      const k = await kubePreflight(h.host, h.runtime, f.canPrivilege);
      kubeContext = k.context;
      if (k.deploy) access = checkKubeAccess(k.context.out, k.deploy, k.bind);
    }
    const checks = [checkRuntime('kubernetes', { which: { ...h.which }, ...(kubeContext ? { kubeContext } : {}) })];
    if (!access) return { checks };
    checks.push(access);
    if (access.status !== 'pass') return { checks };
    // Run as root like the apply (root's kubeconfig); the Secret's values stay out of the transcript.
    const r = await h.host.run(kubectlCommands(h.runtime, '').existing, { privileged: f.canPrivilege, quietStdout: '(kubectl get JSON not recorded: the Secret holds the join token)' });
    if (r.code !== 0) h.t.note(`could not read the existing agent's objects (exit ${r.code}): ${causeLine(r.stderr || '')}`);
    const existing = parseExistingKube({ out: r.stdout, rc: r.code ?? 255 }, wantedSecrets(h.plan), { configMap: K8S_CONFIGMAP, secret: K8S_SECRET, deployment: K8S_DEPLOYMENT });
    return { checks, existing: checkExistingAgent(existing, { image: h.image, edgeId: h.plan.edgeId }, 'kubernetes') };
  },

  // --push-image is refused for Kubernetes before the run (imageArchive.ts openRunImage): the nodes' runtime is not the target's engine.
  prepare: async () => undefined,

  commands: (h) => kubernetesRunCommands(h.runtime, manifestPath(h.remoteDir)),

  secretFile: (h) => manifestPath(h.remoteDir),

  replaceQuestion: () => 'Overwrite its Secret and ConfigMap in namespace portainer, then restart it?',

  async removeExisting(h) {
    h.t.note('kubectl apply overwrites the Secret and ConfigMap; the agent restarts with them');
  },

  // An unchanged agent is applied too: `kubectl apply` says so object by object.
  async start(h): Promise<Started> {
    const { t, host, plan, now } = h;
    const file = manifestPath(h.remoteDir);
    t.step('write manifest');
    const entries = await resolveBareNames(planEnvEntries(plan), host);
    const manifest = kubernetesManifestForHost({ name: plan.environmentName ?? h.o.target, environmentId: plan.environmentId, agentVersion: plan.agentVersion, entries });
    await uploadRootOnly(host, h.secrets, h.remoteDir, file, manifest, 'the cluster keeps the Secret and ConfigMap for the pod; no second copy of the secrets stays at rest.');
    t.note(`wrote ${file} (0600 root:root in ${h.remoteDir} 0700) with ${entries.map(([n]) => n).join(', ')} — values not shown`);
    t.step('apply manifest');
    const k = kubectlCommands(h.runtime, file);
    const started = Math.floor(now() / 1000);
    let applied: Map<string, string>;
    try {
      const r = await host.run(k.apply, { privileged: true, timeoutMs: 5 * 60_000 });
      if (r.code !== 0) throw new HostFailure(`kubectl apply failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`);
      applied = parseApplyOutput(r.stdout);
    } finally {
      // Whatever the apply did; the host says whether the removal held (secretFiles.ts).
      await h.secrets.removePending(host);
    }
    if (restartNeeded(applied)) {
      t.note('the Secret/ConfigMap changed but not the pod template: restarting the deployment so the agent reads them');
      const r = await host.run(k.restart, { privileged: true });
      if (r.code !== 0) throw new HostFailure(`kubectl rollout restart failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`);
    }
    const unchanged = allUnchanged(applied);
    return { sinceEpoch: unchanged ? started - (2 * checkinInterval(plan) + 20) : started - 5, status: unchanged ? 'unchanged' : 'installed' };
  },

  async waitRunning(h, ssh) {
    const ro = await h.host.run(kubectlCommands(h.runtime, '').rollout, { privileged: true, timeoutMs: (ROLLOUT_TIMEOUT_S + 30) * 1000 });
    if (ro.code !== 0) {
      const why = ro.timedOut ? `kubectl rollout status did not answer within ${ROLLOUT_TIMEOUT_S + 30} s` : causeLine(ro.stderr || ro.stdout);
      await failWithAgentLogs(h, ssh, kubernetesStrategy.logsCommand(h), `the agent deployment did not roll out (${why})`, isImageMissing(`${ro.stderr}\n${ro.stdout}`) ? 'image-missing' : 'remote-command');
    }
  },

  logsCommand: (h) => kubectlCommands(h.runtime, '').logs,
};
