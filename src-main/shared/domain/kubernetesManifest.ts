/**
 * The Kubernetes manifest of the Edge agent: ONE builder for the prestage export
 * (services/prestage/bundle.ts → kubernetes.yaml) and the SSH install (services/install/kubernetes.ts
 * → `kubectl apply -f`). Pure: values in, YAML text out.
 *
 * It creates what Portainer's hosted setup script creates (docs/portainer-edge.md §5.8), but
 * self-contained (nothing is downloaded at install time): namespace `portainer`, a ServiceAccount
 * bound to `cluster-admin`, the Secret `portainer-agent-edge-key` (EDGE_KEY, AGENT_SECRET), the
 * ConfigMap `portainer-agent-edge` (the other env: EDGE_ID, EDGE_INSECURE_POLL, extra vars), a
 * headless Service `portainer-agent`, and a Deployment running portainer/agent:<version> with
 * EDGE=1, AGENT_CLUSTER_ADDR=portainer-agent and KUBERNETES_POD_IP from the pod IP.
 */

/** The agent's env (installEnvEntries order), every value resolved (no bare NAME left). */
export type ResolvedEnvEntry = readonly [name: string, value: string];

export interface KubernetesManifestInput {
  /** Shown in the header comment only (control characters become spaces). */
  name: string;
  environmentId: number;
  /** The agent image tag (the server's version). */
  agentVersion: string;
  entries: readonly ResolvedEnvEntry[];
}

export const K8S_NAMESPACE = 'portainer';
export const K8S_DEPLOYMENT = 'portainer-agent';
export const K8S_SECRET = 'portainer-agent-edge-key';
export const K8S_CONFIGMAP = 'portainer-agent-edge';
/** Env names that go into the Secret; EDGE is set in the Deployment itself. */
const SECRET_NAMES = new Set(['EDGE_KEY', 'AGENT_SECRET']);

/**
 * A YAML scalar: a JSON double-quoted string (valid YAML 1.1 and 1.2 flow scalar), so no value
 * can change the document's structure. Same rule as services/prestage/yamlText.ts `yq` (the
 * shared core may not import services).
 */
function yq(value: string): string {
  return JSON.stringify(value);
}

function oneLine(s: string): string {
  // Control characters are exactly what we replace here.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

export function renderKubernetesManifest(i: KubernetesManifestInput): string {
  const secret = i.entries.filter(([n]) => SECRET_NAMES.has(n));
  const config = i.entries.filter(([n]) => n !== 'EDGE' && !SECRET_NAMES.has(n));
  const kv = (list: readonly ResolvedEnvEntry[]) => list.map(([n, v]) => `  ${n}: ${yq(v)}`).join('\n');
  return `# Portainer Edge agent for ${yq(oneLine(i.name))} (environment ${i.environmentId}), written by Edgedeck.
# Self-contained (nothing is downloaded at install time): kubectl apply -f kubernetes.yaml
# Holds the join token in a Secret: keep this file private.
---
apiVersion: v1
kind: Namespace
metadata:
  name: ${K8S_NAMESPACE}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: portainer-sa-clusteradmin
  namespace: ${K8S_NAMESPACE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: portainer-crb-clusteradmin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: portainer-sa-clusteradmin
    namespace: ${K8S_NAMESPACE}
---
apiVersion: v1
kind: Secret
metadata:
  name: ${K8S_SECRET}
  namespace: ${K8S_NAMESPACE}
type: Opaque
stringData:
${kv(secret)}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${K8S_CONFIGMAP}
  namespace: ${K8S_NAMESPACE}
data:
${kv(config)}
---
apiVersion: v1
kind: Service
metadata:
  name: portainer-agent
  namespace: ${K8S_NAMESPACE}
spec:
  clusterIP: None
  selector:
    app: portainer-agent
  ports:
    - name: agent
      protocol: TCP
      port: 80
      targetPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${K8S_DEPLOYMENT}
  namespace: ${K8S_NAMESPACE}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: portainer-agent
  template:
    metadata:
      labels:
        app: portainer-agent
    spec:
      serviceAccountName: portainer-sa-clusteradmin
      containers:
        - name: portainer-agent
          image: ${yq(`portainer/agent:${i.agentVersion}`)}
          imagePullPolicy: IfNotPresent
          env:
            - name: EDGE
              value: "1"
            - name: AGENT_CLUSTER_ADDR
              value: "portainer-agent"
            - name: KUBERNETES_POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
          envFrom:
            - configMapRef:
                name: ${K8S_CONFIGMAP}
            - secretRef:
                name: ${K8S_SECRET}
          ports:
            - containerPort: 9001
              protocol: TCP
            - containerPort: 80
              protocol: TCP
`;
}
