import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allUnchanged, checkKubeAccess, kubectlCommands, kubernetesManifestForHost, kubernetesRunCommands, manifestPath, parseApplyOutput, restartNeeded } from '../../../src-main/services/install/kubernetes';
import { checkRuntime } from '../../../src-main/services/install/preflight';
import { renderKubernetes } from '../../../src-main/services/prestage/bundle';
import type { PrestagedEnvironment } from '../../../src-main/services/prestage/types';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { installEnvEntries } from '../../../src-main/shared/domain/installCommands';
import { renderKubernetesManifest } from '../../../src-main/shared/domain/kubernetesManifest';

const key = encodeEdgeKey({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'portainer.example.com:8000', tunnelFingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0', environmentId: 12 });
const SECRET = `s3cr3t "quoted" $HOME 'single' \\ back: colon # hash`;
const env: PrestagedEnvironment = {
  environmentId: 12,
  name: 'Store #12 "north"\nsecond line',
  edgeKey: key,
  edgeId: '6f1c2a9e-4b3d-4e5f-8a7b-0c1d2e3f4a5b',
  serverUrl: 'https://portainer.example.com:9443',
  portainerUrl: 'https://portainer.example.com:9443',
  tunnelAddress: 'portainer.example.com:8000',
  fingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0',
  agentVersion: '2.23.0',
  insecurePoll: false,
  agentSecret: SECRET,
  envVars: 'LOG_LEVEL=DEBUG,NO_PROXY=a: b # not a comment',
  platform: 'kubernetes',
  createdAt: '2025-03-01T10:00:00.000Z',
  lastConfirmedWithServer: '2025-03-02T10:00:00.000Z',
};

function yamlLoadAll(text: string): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const out = execFileSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))'], { input: text, encoding: 'utf8' });
  return JSON.parse(out) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('one Kubernetes manifest builder for the prestage export and the SSH install', () => {
  const entries = installEnvEntries({ platform: 'kubernetes', os: 'linux', agentVersion: env.agentVersion, edgeKey: env.edgeKey, edgeId: env.edgeId, insecurePoll: env.insecurePoll, agentSecret: SECRET, envVars: env.envVars! });
  const forHost = kubernetesManifestForHost({ name: env.name, environmentId: env.environmentId, agentVersion: env.agentVersion, entries });

  it('the installer and the export render the same bytes for the same inputs', () => {
    expect(forHost).toBe(renderKubernetes(env));
    expect(renderKubernetesManifest({ name: env.name, environmentId: 12, agentVersion: '2.23.0', entries: entries.map(([n, v]) => [n, v!] as const) })).toBe(forHost);
  });

  it('parses as YAML with hostile values kept exact (quotes, $, backslash, colon, #, newline in the name)', () => {
    const docs = yamlLoadAll(forHost);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRoleBinding', 'Secret', 'ConfigMap', 'Service', 'Deployment']);
    const byKind = Object.fromEntries(docs.map((d) => [d.kind, d]));
    expect(byKind.Secret.stringData).toEqual({ EDGE_KEY: key, AGENT_SECRET: SECRET });
    expect(byKind.ConfigMap.data).toEqual({ EDGE_ID: env.edgeId, EDGE_INSECURE_POLL: '0', LOG_LEVEL: 'DEBUG', NO_PROXY: 'a: b # not a comment' });
    expect(forHost.split('\n')[0]).toBe('# Portainer Edge agent for "Store #12 \\"north\\" second line" (environment 12), written by Edgedeck.');
    const c = byKind.Deployment.spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: 'EDGE', value: '1' },
      { name: 'AGENT_CLUSTER_ADDR', value: 'portainer-agent' },
      { name: 'KUBERNETES_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'portainer-agent-edge' } }, { secretRef: { name: 'portainer-agent-edge-key' } }]);
  });

  it('refuses an unresolved bare NAME (the installer resolves it from the target first)', () => {
    expect(() => kubernetesManifestForHost({ name: 'x', environmentId: 1, agentVersion: '2.23.0', entries: [['EDGE_KEY', key], ['FOO', undefined]] })).toThrow(/FOO has no value/);
  });
});

describe('kubectl command lines', () => {
  it('hold no secret and quote the paths', () => {
    const file = manifestPath("/etc/portainer edge/");
    expect(file).toBe('/etc/portainer edge/portainer-agent.yaml');
    const c = kubectlCommands('/usr/local/bin/kubectl', file, 120);
    expect(c.apply).toBe("/usr/local/bin/kubectl apply -f '/etc/portainer edge/portainer-agent.yaml'");
    expect(c.rollout).toBe('/usr/local/bin/kubectl -n portainer rollout status deployment/portainer-agent --timeout=120s');
    expect(c.restart).toBe('/usr/local/bin/kubectl -n portainer rollout restart deployment/portainer-agent');
    expect(c.logs).toBe('/usr/local/bin/kubectl -n portainer logs deployment/portainer-agent --tail 50');
    expect(c.canIDeploy).toBe('/usr/local/bin/kubectl auth can-i create deployments -n portainer');
    expect(kubernetesRunCommands('kubectl', '/etc/portainer-edge/portainer-agent.yaml')).toEqual([
      'kubectl apply -f /etc/portainer-edge/portainer-agent.yaml',
      'rm -f /etc/portainer-edge/portainer-agent.yaml',
      'kubectl -n portainer rollout status deployment/portainer-agent --timeout=300s',
    ]);
    for (const line of Object.values(c)) expect(line).not.toContain(key);
  });
});

describe('preflight checks for Kubernetes (pure)', () => {
  it('runtime: kubectl missing, no context, a context', () => {
    expect(checkRuntime('kubernetes', { which: {} })).toMatchObject({ status: 'fail', found: 'kubectl not found' });
    expect(checkRuntime('kubernetes', { which: { kubectl: '/usr/bin/kubectl' }, kubeContext: { out: 'error: current-context is not set', rc: 1 } })).toMatchObject({ status: 'fail' });
    expect(checkRuntime('kubernetes', { which: { kubectl: '/usr/bin/kubectl' }, kubeContext: { out: 'k3s-default', rc: 0 } })).toMatchObject({ status: 'pass', found: 'kubectl context k3s-default' });
  });

  it('permissions: yes/yes passes; a no names what is missing; an error is shown', () => {
    expect(checkKubeAccess('ctx', { out: 'yes', rc: 0 }, { out: 'yes', rc: 0 }).status).toBe('pass');
    const noBind = checkKubeAccess('ctx', { out: 'yes', rc: 0 }, { out: 'no', rc: 1 });
    expect(noBind).toMatchObject({ status: 'fail' });
    expect(noBind.found).toMatch(/may not create cluster role bindings/);
    expect(noBind.found).not.toMatch(/deployments/);
    const neither = checkKubeAccess('ctx', { out: 'no', rc: 1 }, { out: 'no', rc: 1 });
    expect(neither.found).toMatch(/create deployments in namespace portainer, nor create cluster role bindings/);
    const err = checkKubeAccess('ctx', { out: 'The connection to the server localhost:8080 was refused', rc: 1 }, undefined);
    expect(err).toMatchObject({ status: 'fail' });
    expect(err.found).toMatch(/connection to the server/);
  });
});

describe('kubectl apply outcome (pure)', () => {
  const first = parseApplyOutput(
    [
      'namespace/portainer created',
      'serviceaccount/portainer-sa-clusteradmin created',
      'clusterrolebinding.rbac.authorization.k8s.io/portainer-crb-clusteradmin created',
      'secret/portainer-agent-edge-key created',
      'configmap/portainer-agent-edge created',
      'service/portainer-agent created',
      'deployment.apps/portainer-agent created',
      '',
    ].join('\n'),
  );

  it('reads kind/name → verb (API group dropped)', () => {
    expect(first.get('deployment/portainer-agent')).toBe('created');
    expect(first.get('clusterrolebinding/portainer-crb-clusteradmin')).toBe('created');
    expect(first.size).toBe(7);
    expect(allUnchanged(first)).toBe(false);
    expect(restartNeeded(first)).toBe(false);
  });

  it('a changed Secret or ConfigMap with an unchanged Deployment needs a rollout restart (envFrom is read at pod start)', () => {
    const keyChanged = parseApplyOutput('namespace/portainer unchanged\nsecret/portainer-agent-edge-key configured\nconfigmap/portainer-agent-edge unchanged\ndeployment.apps/portainer-agent unchanged\n');
    expect(restartNeeded(keyChanged)).toBe(true);
    const imageChanged = parseApplyOutput('secret/portainer-agent-edge-key configured\ndeployment.apps/portainer-agent configured\n');
    expect(restartNeeded(imageChanged)).toBe(false);
    const same = parseApplyOutput('namespace/portainer unchanged\nsecret/portainer-agent-edge-key unchanged\ndeployment.apps/portainer-agent unchanged\n');
    expect(restartNeeded(same)).toBe(false);
    expect(allUnchanged(same)).toBe(true);
    expect(allUnchanged(parseApplyOutput(''))).toBe(false);
  });
});
