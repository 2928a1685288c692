/**
 * The Kubernetes install over SSH, through the target's own `kubectl` (a host with kubectl and a
 * kubeconfig for the cluster: a k3s/k8s node or an admin box). Portainer's UI pipes a hosted
 * script into bash with the join token on the command line (docs/portainer-edge.md §5.8, §5.11);
 * here the same objects come from ONE manifest builder shared with the prestage export
 * (shared/domain/kubernetesManifest.ts), and the secrets only travel inside SFTP:
 *
 *   1. preflight: kubectl on PATH, `kubectl config current-context`, `kubectl auth can-i create
 *      deployments -n portainer` and `... create clusterrolebindings` (the manifest binds cluster-admin);
 *   2. the manifest is uploaded over SFTP, 0600, into the root-only folder (as for the env file);
 *   3. `kubectl apply -f <file>`, then the file is deleted (see DECISION below);
 *   4. when only the Secret/ConfigMap changed, `kubectl rollout restart` (envFrom is read at pod start);
 *   5. `kubectl -n portainer rollout status deployment/portainer-agent --timeout=<s>s`;
 *   6. the same check-in verification through the Portainer API as the Docker installs.
 *
 * DECISION (who runs kubectl): root (directly or via sudo), in every step, because the manifest
 * holding the join token sits in a root-only folder. So the kubeconfig is root's (e.g. k3s's
 * /etc/rancher/k3s/k3s.yaml, /root/.kube/config); the preflight runs the same way, so a user
 * whose kubeconfig exists only in their own home is told so before anything is written.
 *
 * DECISION (manifest file afterwards): deleted right after `kubectl apply`, whatever its result.
 * The API server keeps the Secret and ConfigMap (in etcd) and recreates the pod from them, so the
 * file is only a transport; leaving it would keep a second copy of the join token and agent secret
 * at rest on the host. A reinstall renders and uploads a fresh one.
 */
import { K8S_CONFIGMAP, K8S_DEPLOYMENT, K8S_NAMESPACE, K8S_SECRET, renderKubernetesManifest, type ResolvedEnvEntry } from '../../shared/domain/kubernetesManifest';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { Check, ProbeSection } from './preflight';
import type { RemoteHost } from './remoteHost';

/** The manifest's name inside the root-only folder (next to where agent.env goes for Docker). */
export const MANIFEST_FILE = 'portainer-agent.yaml';
/** Default `rollout status --timeout` (image pull on a slow link included). */
export const ROLLOUT_TIMEOUT_S = 300;

export function manifestPath(remoteDir: string): string {
  return `${remoteDir.replace(/\/+$/, '')}/${MANIFEST_FILE}`;
}

/** The manifest for one host: the same builder (and bytes) as the prestage export's kubernetes.yaml. */
export function kubernetesManifestForHost(o: { name: string; environmentId: number; agentVersion: string; entries: ReadonlyArray<readonly [string, string | undefined]> }): string {
  const entries: ResolvedEnvEntry[] = o.entries.map(([n, v]) => {
    if (v === undefined) throw new Error(`the env var ${n} has no value`);
    return [n, v] as const;
  });
  return renderKubernetesManifest({ name: o.name, environmentId: o.environmentId, agentVersion: o.agentVersion, entries });
}

/** The kubectl command lines (no secret ever: the values are in the uploaded file only). */
export function kubectlCommands(kubectl: string, file: string, rolloutTimeoutS = ROLLOUT_TIMEOUT_S) {
  const k = shellQuote(kubectl);
  const dep = `deployment/${K8S_DEPLOYMENT}`;
  return {
    context: `${k} config current-context`,
    canIDeploy: `${k} auth can-i create deployments -n ${K8S_NAMESPACE}`,
    canIBind: `${k} auth can-i create clusterrolebindings`,
    apply: `${k} apply -f ${shellQuote(file)}`,
    restart: `${k} -n ${K8S_NAMESPACE} rollout restart ${dep}`,
    rollout: `${k} -n ${K8S_NAMESPACE} rollout status ${dep} --timeout=${rolloutTimeoutS}s`,
    logs: `${k} -n ${K8S_NAMESPACE} logs ${dep} --tail 50`,
    /** The installed agent's objects (the Secret's values: never into the transcript). */
    existing: `${k} -n ${K8S_NAMESPACE} get configmap/${K8S_CONFIGMAP} secret/${K8S_SECRET} ${dep} -o json --ignore-not-found`,
  };
}

/** The commands a dry run shows (and the install runs), in order. */
export function kubernetesRunCommands(kubectl: string, file: string, rolloutTimeoutS = ROLLOUT_TIMEOUT_S): string[] {
  const c = kubectlCommands(kubectl, file, rolloutTimeoutS);
  return [c.apply, `rm -f ${shellQuote(file)}`, c.rollout];
}

/**
 * Pure: may this kubeconfig create what the manifest holds? `kubectl auth can-i` prints yes/no
 * (exit 0 / 1); anything else (no cluster, auth error) is a failure with its first line.
 */
export function checkKubeAccess(context: string, deploy: ProbeSection | undefined, bind: ProbeSection | undefined): Check {
  const title = 'Kubernetes permissions';
  const answer = (s: ProbeSection | undefined) => {
    const first = (s?.out ?? '').trim().split('\n')[0] ?? '';
    if (s && /^yes\b/i.test(first)) return 'yes';
    if (s && /^no\b/i.test(first)) return 'no';
    return first || (s ? `exit ${s.rc}` : 'not asked');
  };
  const d = answer(deploy);
  const b = answer(bind);
  if (d === 'yes' && b === 'yes') return { id: 'kube-access', title, status: 'pass', found: `context ${context} may create deployments in ${K8S_NAMESPACE} and cluster role bindings` };
  if (d !== 'yes' && d !== 'no') {
    return { id: 'kube-access', title, status: 'fail', found: `kubectl auth can-i failed: ${d}`, fix: 'Check that the cluster is reachable from the target with root\'s kubeconfig (kubectl get nodes).' };
  }
  const missing = [d !== 'yes' ? `create deployments in namespace ${K8S_NAMESPACE}` : '', b !== 'yes' ? 'create cluster role bindings (the agent is bound to cluster-admin)' : ''].filter(Boolean);
  return { id: 'kube-access', title, status: 'fail', found: `context ${context} may not ${missing.join(', nor ')}`, fix: 'Use a cluster-admin kubeconfig for root on the target (Portainer\'s agent runs with cluster-admin).' };
}

/** Pure: `kubectl apply` output, one `kind[.group]/name verb` per line → verb by kind/name. */
export function parseApplyOutput(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([a-z0-9.-]+)\/(\S+)\s+(\S+)/.exec(line.trim());
    if (m) out.set(`${m[1]!.split('.')[0]}/${m[2]}`, m[3]!.replace(/[^a-z-]/g, ''));
  }
  return out;
}

/**
 * Pure: after apply, does the pod need a restart to see the new env? The Deployment reads the
 * Secret and ConfigMap through envFrom only when a pod starts; when they changed but the
 * Deployment's pod template did not, Kubernetes keeps the old pod running with the old key.
 */
export function restartNeeded(applied: Map<string, string>): boolean {
  const changed = (k: string) => applied.get(k) === 'configured' || applied.get(k) === 'created';
  const dep = applied.get(`deployment/${K8S_DEPLOYMENT}`);
  return (changed(`secret/${K8S_SECRET}`) || changed(`configmap/${K8S_CONFIGMAP}`)) && dep === 'unchanged';
}

/** Pure: every object unchanged = the same agent with the same settings already runs. */
export function allUnchanged(applied: Map<string, string>): boolean {
  return applied.size > 0 && [...applied.values()].every((v) => v === 'unchanged');
}

/** Over SSH (privileged, see DECISION): the context and the two can-i answers. */
export async function kubePreflight(host: RemoteHost, kubectl: string, privileged: boolean): Promise<{ context: ProbeSection; deploy?: ProbeSection; bind?: ProbeSection }> {
  const c = kubectlCommands(kubectl, '');
  const sec = (r: { stdout: string; stderr: string; code: number | null }): ProbeSection => ({ out: (r.stdout + r.stderr).trim(), rc: r.code ?? 255 });
  const ctx = await host.run(c.context, { privileged });
  const context = { out: ctx.stdout.trim(), rc: ctx.code ?? 255 };
  if (context.rc !== 0 || !context.out) return { context: { out: sec(ctx).out, rc: context.rc === 0 ? 1 : context.rc } };
  // Independent questions: two exec channels at once on the same connection (one round trip).
  const [deploy, bind] = await Promise.all([host.run(c.canIDeploy, { privileged }), host.run(c.canIBind, { privileged })]);
  return { context, deploy: sec(deploy), bind: sec(bind) };
}
