/**
 * The Kubernetes install over SSH: real OpenSSH sshd on loopback, the kubectl stand-in
 * (test/fixtures/ssh/kubectlStandIn.mjs: no cluster on this machine) first on the users' PATH,
 * and a local Portainer-compatible server the simulated agent (the "pod") checks in to.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../src-main/services/localserver';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { MANIFEST_FILE } from '../../../src-main/services/install/kubernetes';
import { renderKubernetes } from '../../../src-main/services/prestage/bundle';
import type { PrestagedEnvironment } from '../../../src-main/services/prestage/types';


import { fleetTestOptions } from '../../fixtures/ssh/fleetOptions';
import { agentBundle, type SshdHost, type TestUsers } from '../../fixtures/ssh/harness';
import { localServerApi } from '../../fixtures/ssh/localServerApi';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

const ADMIN_PW = 'local-admin-pw-k8s-5678';
const AGENT_SECRET = 'agent-secret-K8s-77 never-shown';
const ENV_VARS = 'LOG_LEVEL=DEBUG,HTTPS_PROXY=http://proxy.example:3128';
const standIn = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'ssh', 'kubectlStandIn.mjs');

let bed: SshTestBed;
let users: TestUsers;
let root: string;
let hosts: SshdHost[];
let server: LocalServer;
let api: ReturnType<typeof localServerApi>;
let key: { path: string; pub: string };
const logLines: string[] = [];
let runNo = 0;

interface KubeRecord {
  argv: string[];
  cmdlines: string[][];
  uid: number;
}
const kubeDir = (h: SshdHost) => join(h.dir, 'kube');
const readLines = <T>(f: string): T[] => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T) : []);
const kubeArgv = (h: SshdHost) => readLines<KubeRecord>(join(kubeDir(h), 'argv.log'));
const applied = (h: SshdHost) => readLines<{ path: string; mode: string; uid: number; dirMode: string; content: string }>(join(kubeDir(h), 'applied.log'));
const kubeState = (h: SshdHost) => JSON.parse(readFileSync(join(kubeDir(h), 'state.json'), 'utf8')) as { containers: Record<string, { pid: number; env: string[] }>; deny?: string[] };

function killPods(h: SshdHost): void {
  if (!existsSync(join(kubeDir(h), 'state.json'))) return;
  for (const c of Object.values(kubeState(h).containers)) {
    for (const pid of [-c.pid, c.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
        break;
      } catch {
        /* gone */
      }
    }
  }
}

beforeAll(async () => {
  bed = await startSshTestBed({ prefix: 'edt-ssh-k8s-', hostNames: ['k1', 'k2'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET, engine: 'none' });
  ({ users, root, hosts, key, server, api } = bed);
  for (const h of hosts) {
    // The per-host `kubectl` (first on the PATH sshd sets): the stand-in with this "cluster"'s state dir.
    mkdirSync(kubeDir(h), { recursive: true });
    chmodSync(kubeDir(h), 0o777);
    writeFileSync(join(h.dir, 'bin', 'kubectl'), `#!/bin/sh\nEDT_AGENT_BUNDLE=${agentBundle()} exec ${process.execPath} ${standIn} ${kubeDir(h)} "$@"\n`, { mode: 0o755 });
  }
}, 60_000);

afterAll(async () => {
  for (const h of hosts ?? []) killPods(h);
  await bed?.close();
});

const hostOf = (target: string): SshdHost => bed.hostOf(target);

function options(targets: string[], extra: Partial<FleetInstallOptions> = {}): FleetInstallOptions {
  return fleetTestOptions(
    { root, users, keyPath: key.path, server: api, logLines },
    {
      targets,
      platform: 'kubernetes',
      envVars: ENV_VARS,
      concurrency: 2,
      retry: { attempts: 2, delayMs: 10 },
      environment: { mode: 'create', nameTemplate: `k8s${++runNo}-{host}-{port}` },
      remoteDir: (t) => hostOf(t).remoteDir,
      ...extra,
    },
  );
}

/** Portainer's EndpointType of an environment, through the server's own API (GET /api/endpoints/:id). */
async function endpointType(id: number): Promise<number> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const auth = await request(`${server.url}/api/auth`, { method: 'POST', dispatcher, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Username: 'admin', Password: ADMIN_PW }) });
    const { jwt } = (await auth.body.json()) as { jwt: string };
    const r = await request(`${server.url}/api/endpoints/${id}`, { dispatcher, headers: { authorization: `Bearer ${jwt}` } });
    return ((await r.body.json()) as { Type: number }).Type;
  } finally {
    await dispatcher.close();
  }
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? allFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

function yamlLoadAll(text: string): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const out = execFileSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))'], { input: text, encoding: 'utf8' });
  return (JSON.parse(out) as Array<Record<string, any> | null>).filter((d) => d !== null); // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('Kubernetes install over real sshd through kubectl (stand-in) to a local server', () => {
  const edgeKeys: string[] = [];
  let firstRun: Awaited<ReturnType<typeof runFleetInstall>>;

  it('installs on 2 hosts (passwordless sudo; sudo with password): the pod checks in, the environment becomes Type 7, the tunnel is verified', async () => {
    const targets = [`${users.key.name}@127.0.0.1:${hosts[0]!.port}`, `${users.sudo.name}@127.0.0.1:${hosts[1]!.port}`];
    firstRun = await runFleetInstall(options(targets));
    const why = firstRun.hosts.map((h) => `${h.target}: ${h.status} ${h.reason ?? ''}`).join('\n');
    expect(firstRun.counts.succeeded, why).toBe(2);
    for (const h of firstRun.hosts) {
      expect(h).toMatchObject({ status: 'succeeded', checkedIn: true, tunnel: 'verified' });
      const env = await api.environment(h.environmentId!);
      edgeKeys.push(env.edgeKey);
      expect(env.edgeId).toBe(h.edgeId);
      expect(await endpointType(h.environmentId!), 'Type 7: Edge agent on Kubernetes').toBe(7);
    }
    for (const h of hosts) {
      const calls = kubeArgv(h).map((r) => r.argv.join(' '));
      expect(calls).toContain('config current-context');
      expect(calls).toContain('auth can-i create deployments -n portainer');
      expect(calls).toContain('auth can-i create clusterrolebindings');
      expect(calls).toContain(`apply -f ${join(h.remoteDir, MANIFEST_FILE)}`);
      expect(calls).toContain('-n portainer rollout status deployment/portainer-agent --timeout=300s');
      // kubectl ran as root every time (root's kubeconfig), via sudo for these users.
      expect(kubeArgv(h).every((r) => r.uid === 0)).toBe(true);
      expect(kubeArgv(h).find((r) => r.argv[0] === 'apply')!.cmdlines.some((c) => c[0] === 'sudo')).toBe(true);
    }
    expect(kubeArgv(hosts[1]!).find((r) => r.argv[0] === 'apply')!.cmdlines.some((c) => c[0] === 'sudo' && c.includes('-S'))).toBe(true);
  }, 120_000);

  it('the manifest travelled as a 0600 root-owned file in the 0700 root-only folder and is gone afterwards', () => {
    for (const h of hosts) {
      const a = applied(h);
      expect(a).toHaveLength(1);
      expect(a[0]).toMatchObject({ path: join(h.remoteDir, MANIFEST_FILE), mode: '600', uid: 0, dirMode: '700' });
      expect(existsSync(join(h.remoteDir, MANIFEST_FILE))).toBe(false);
      expect(readdirSync(h.remoteDir)).toEqual([]);
      expect(statSync(h.remoteDir).mode & 0o777).toBe(0o700);
      expect(readdirSync('/tmp').filter((f) => f.startsWith('edgedeck-env.'))).toEqual([]);
    }
  });

  it('the applied manifest parses (python3-yaml) and is byte for byte the prestage export for the same inputs', async () => {
    const agentVersion = await api.agentVersion();
    for (const [i, h] of hosts.entries()) {
      const r = firstRun.hosts.find((x) => hostOf(x.target) === h)!;
      const text = applied(h)[0]!.content;
      const docs = yamlLoadAll(text);
      expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRoleBinding', 'Secret', 'ConfigMap', 'Service', 'Deployment']);
      const byKind = Object.fromEntries(docs.map((d) => [d.kind, d]));
      expect(byKind.Secret.metadata.name).toBe('portainer-agent-edge-key');
      expect(byKind.Secret.stringData).toEqual({ EDGE_KEY: edgeKeys[i], AGENT_SECRET });
      expect(byKind.ConfigMap.metadata.name).toBe('portainer-agent-edge');
      expect(byKind.ConfigMap.data).toEqual({ EDGE_ID: r.edgeId, EDGE_INSECURE_POLL: '1', LOG_LEVEL: 'DEBUG', HTTPS_PROXY: 'http://proxy.example:3128' });
      expect(byKind.Deployment.spec.template.spec.containers[0].image).toBe(`portainer/agent:${agentVersion}`);
      const name = `k8s1-127.0.0.1-${h.port}`;
      const prestaged: PrestagedEnvironment = {
        environmentId: r.environmentId!,
        name,
        edgeKey: edgeKeys[i]!,
        edgeId: r.edgeId!,
        serverUrl: server.url,
        portainerUrl: server.url,
        tunnelAddress: server.tunnelAddress,
        fingerprint: server.fingerprint,
        agentVersion,
        insecurePoll: true,
        agentSecret: AGENT_SECRET,
        envVars: ENV_VARS,
        platform: 'kubernetes',
        createdAt: new Date().toISOString(),
        lastConfirmedWithServer: new Date().toISOString(),
      };
      expect(text).toBe(renderKubernetes(prestaged));
    }
    const lint = execFileSync('sh', ['-c', 'command -v yamllint || true'], { encoding: 'utf8' }).trim();
    if (lint) {
      const f = join(root, 'applied.yaml');
      writeFileSync(f, applied(hosts[0]!)[0]!.content, { mode: 0o600 });
      execFileSync(lint, ['-d', '{extends: relaxed, rules: {line-length: disable}}', f]);
    }
  });

  it('the pod got the key and Edge ID from the Secret/ConfigMap (envFrom), the pod IP and the Kubernetes service env', () => {
    for (const [i, h] of hosts.entries()) {
      const pod = kubeState(h).containers['pod-portainer-agent']!;
      expect(pod.env).toContain(`EDGE_KEY=${edgeKeys[i]}`);
      expect(pod.env).toContain('EDGE=1');
      expect(pod.env).toContain('KUBERNETES_POD_IP=127.0.0.1');
      expect(pod.env.some((e) => e.startsWith('KUBERNETES_SERVICE_HOST='))).toBe(true);
      // The "pod" process never had the key on its command line.
      expect(readFileSync(`/proc/${pod.pid}/cmdline`, 'utf8')).not.toContain(edgeKeys[i]!);
    }
  });

  it('secret scan: no join token, agent secret or sudo password in argv/cmdlines, transcripts, progress log, sshd logs, ps or shell history', () => {
    const secrets = [...edgeKeys, AGENT_SECRET, users.sudo.password];
    expect(edgeKeys).toHaveLength(2);
    const haystacks: Array<[string, string]> = [];
    for (const f of allFiles(join(root, 'runs'))) haystacks.push([f, readFileSync(f, 'utf8')]);
    haystacks.push(['progress log', logLines.join('\n')]);
    for (const h of hosts) {
      haystacks.push([`${h.name} kubectl argv.log`, JSON.stringify(kubeArgv(h))]);
      haystacks.push([`${h.name} docker argv.log`, JSON.stringify(h.argvLog())]);
      haystacks.push([`${h.name} sshd log`, h.sshdLog()]);
    }
    for (const u of users.all) {
      for (const f of ['.bash_history', '.sh_history']) {
        const p = `/home/${u.name}/${f}`;
        if (existsSync(p)) haystacks.push([p, readFileSync(p, 'utf8')]);
      }
    }
    haystacks.push(['ps', execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })]);
    for (const [where, text] of haystacks) {
      for (const s of secrets) expect(text.includes(s), `${where} holds a secret`).toBe(false);
      // No manifest text on any command line either.
      if (where.includes('argv')) expect(text.includes('stringData') || text.includes('kind: Secret'), `${where} holds manifest text`).toBe(false);
    }
    // The transcripts say the file was removed and why.
    expect(logLines.some((l) => l.includes(`removed `) && l.includes(MANIFEST_FILE))).toBe(true);
  });

  it('a second run finds everything unchanged (kubectl apply: unchanged) and still verifies the check-in', async () => {
    const h0 = firstRun.hosts.find((h) => hostOf(h.target) === hosts[0])!;
    const summary = await runFleetInstall(options([h0.target], { environment: { mode: 'existing', id: h0.environmentId! } }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('unchanged');
    expect(summary.hosts[0]!.checkedIn).toBe(true);
    expect(applied(hosts[0]!)).toHaveLength(2);
    expect(existsSync(join(hosts[0]!.remoteDir, MANIFEST_FILE))).toBe(false);
  }, 90_000);

  it('a changed setting (ConfigMap configured, Deployment unchanged) restarts the pod so the agent reads it', async () => {
    const h0 = firstRun.hosts.find((h) => hostOf(h.target) === hosts[0])!;
    const before = kubeState(hosts[0]!).containers['pod-portainer-agent']!.pid;
    const summary = await runFleetInstall(options([h0.target], { environment: { mode: 'existing', id: h0.environmentId! }, envVars: 'LOG_LEVEL=WARN' }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('succeeded');
    expect(summary.hosts[0]!.checkedIn).toBe(true);
    const calls = kubeArgv(hosts[0]!).map((r) => r.argv.join(' '));
    expect(calls).toContain('-n portainer rollout restart deployment/portainer-agent');
    const pod = kubeState(hosts[0]!).containers['pod-portainer-agent']!;
    expect(pod.pid).not.toBe(before);
    expect(pod.env).toContain('LOG_LEVEL=WARN');
    expect(pod.env).not.toContain('LOG_LEVEL=DEBUG');
  }, 90_000);

  it('the existing agent is read before apply (kubectl get configmap/secret/deployment -o json, as root; the JSON stays out of the transcript)', () => {
    const get = kubeArgv(hosts[0]!).filter((r) => r.argv.includes('get'));
    expect(get.length).toBeGreaterThan(0);
    expect(get.at(-1)!.argv.join(' ')).toBe('-n portainer get configmap/portainer-agent-edge secret/portainer-agent-edge-key deployment/portainer-agent -o json --ignore-not-found');
    expect(get.every((r) => r.uid === 0)).toBe(true);
    const transcripts = allFiles(join(root, 'runs')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(transcripts).toContain('kubectl get JSON not recorded');
    expect(transcripts).not.toContain('"kind": "Secret"');
  });

  it('a different Edge ID is refused without replace: nothing applied, the agent keeps its key', async () => {
    const h0 = firstRun.hosts.find((h) => hostOf(h.target) === hosts[0])!;
    const before = applied(hosts[0]!).length;
    const summary = await runFleetInstall(options([h0.target]));
    const h = summary.hosts[0]!;
    expect(h.status).toBe('failed');
    expect(h.reason).toMatch(/the agent in namespace portainer exists with Edge ID .* → .*a different Edge key.*replacing it was not confirmed/);
    expect(applied(hosts[0]!)).toHaveLength(before);
    expect(kubeState(hosts[0]!).containers['pod-portainer-agent']!.env).toContain(`EDGE_KEY=${edgeKeys[0]}`);
  }, 60_000);

  it('replaceExisting always: the Secret and ConfigMap are overwritten, the pod restarts with the new key and checks in', async () => {
    const h0 = firstRun.hosts.find((h) => hostOf(h.target) === hosts[0])!;
    const summary = await runFleetInstall(options([h0.target], { replaceExisting: 'always' }));
    const h = summary.hosts[0]!;
    expect(h.status, h.reason).toBe('succeeded');
    expect(h.checkedIn).toBe(true);
    const env = await api.environment(h.environmentId!);
    const pod = kubeState(hosts[0]!).containers['pod-portainer-agent']!;
    expect(pod.env).toContain(`EDGE_KEY=${env.edgeKey}`);
    expect(pod.env).toContain(`EDGE_ID=${h.edgeId}`);
    expect(kubeArgv(hosts[0]!).map((r) => r.argv.join(' '))).toContain('-n portainer rollout restart deployment/portainer-agent');
  }, 90_000);

  it('a pod that cannot start fails the host after rollout status, with the reason from kubectl logs', async () => {
    const h = hosts[1]!;
    const r = firstRun.hosts.find((x) => hostOf(x.target) === h)!;
    killPods(h);
    const f = join(kubeDir(h), 'state.json');
    writeFileSync(f, JSON.stringify({ ...kubeState(h), failPods: true }));
    try {
      const summary = await runFleetInstall(options([`${users.key.name}@127.0.0.1:${h.port}`], { environment: { mode: 'existing', id: r.environmentId! } }));
      expect(summary.hosts[0]!.status).toBe('failed');
      expect(summary.hosts[0]!.reason).toMatch(/did not roll out.*ImagePullBackOff/s);
      // kubectl's own line (the stand-in's, as Kubernetes cannot run here) gives the reason code; its fix names the node import.
      expect(summary.hosts[0]!.reasonCode).toBe('image-missing');
      expect(summary.hosts[0]!.fix).toMatch(/ctr -n k8s\.io images import <archive>/);
      expect(kubeArgv(h).map((x) => x.argv.join(' '))).toContain('-n portainer logs deployment/portainer-agent --tail 50');
      expect(existsSync(join(h.remoteDir, MANIFEST_FILE))).toBe(false);
    } finally {
      writeFileSync(f, JSON.stringify({ ...kubeState(h), failPods: false }));
    }
  }, 60_000);

  it('preflight fails before anything is written when the kubeconfig may not bind cluster-admin', async () => {
    const h = hosts[1]!;
    const f = join(kubeDir(h), 'state.json');
    const st = kubeState(h);
    writeFileSync(f, JSON.stringify({ ...st, deny: ['create clusterrolebindings'] }));
    try {
      const before = applied(h).length;
      const summary = await runFleetInstall(options([`${users.key.name}@127.0.0.1:${h.port}`]));
      expect(summary.hosts[0]!.status).toBe('failed');
      expect(summary.hosts[0]!.reason).toMatch(/Kubernetes permissions: .*may not create cluster role bindings/);
      expect(applied(h)).toHaveLength(before);
    } finally {
      writeFileSync(f, JSON.stringify({ ...kubeState(h), deny: [] }));
    }
  }, 60_000);
});
