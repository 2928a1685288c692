import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrestageCache } from '../../../src-main/services/prestage/cache';
import { PrestageService } from '../../../src-main/services/prestage/prestageService';
import type { PrestagedEnvironment } from '../../../src-main/services/prestage/types';
import { MemoryStore } from '../../../src-main/services/stores/keyValueStore';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { ensureTool, skipReason, tmp, yamlLoadAll } from './helpers';

/** Every artefact checked by the tool that consumes it (or skipped with the printed reason). */

const key = encodeEdgeKey({ portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'portainer.example.com:8000', tunnelFingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0', environmentId: 12 });
const base: PrestagedEnvironment = {
  environmentId: 12,
  name: 'Store #12 "north"',
  edgeKey: key,
  edgeId: '6f1c2a9e-4b3d-4e5f-8a7b-0c1d2e3f4a5b',
  serverUrl: 'https://portainer.example.com:9443',
  portainerUrl: 'https://portainer.example.com:9443',
  tunnelAddress: 'portainer.example.com:8000',
  fingerprint: 'SHA256:q1w2e3r4t5y6u7i8o9p0',
  agentVersion: '2.23.0',
  insecurePoll: true,
  agentSecret: 's3cr3t $with spaces',
  envVars: 'LOG_LEVEL=DEBUG,HTTPS_PROXY=http://proxy:3128',
  platform: 'standalone',
  tags: ['north', 'retail'],
  groupName: 'Stores',
  createdAt: '2025-03-01T10:00:00.000Z',
  lastConfirmedWithServer: '2025-03-02T10:00:00.000Z',
};
const podman: PrestagedEnvironment = { ...base, environmentId: 13, name: 'store-13', edgeId: 'store-13-edge', platform: 'podman', agentSecret: undefined as never, envVars: undefined as never, host: '10.0.0.13' };
delete (podman as Partial<PrestagedEnvironment>).agentSecret;
delete (podman as Partial<PrestagedEnvironment>).envVars;

let out: string;
const dev = (f: string) => join(out, 'devices', 'Store_12_north_', f);

const tools = {
  cloudInit: ensureTool('cloud-init', 'cloud-init'),
  compose: ensureTool('docker-compose', 'docker-compose'),
  yamllint: ensureTool('yamllint', 'yamllint'),
  age: ensureTool('age', 'age'),
  ansible: ensureTool('ansible-playbook', 'ansible'),
  pwsh: spawnSync('sh', ['-c', 'command -v pwsh']).status === 0 ? undefined : 'PowerShell (pwsh) is not available on this machine (no Debian package); install.ps1 is checked as text only',
};

beforeAll(async () => {
  out = join(tmp('consumers'), 'export');
  const service = new PrestageService({ cache: new PrestageCache(new MemoryStore()), now: () => Date.parse('2025-03-03T00:00:00Z') });
  await service.exportTo([base, podman], { outDir: out, formats: ['env', 'script', 'compose', 'ps1', 'cloud-init', 'k8s', 'ansible', 'labels'], expires: '2099-01-31' });
});

afterAll(() => {});

describe('consumers', () => {
  it.skipIf(skipReason('cloud-init schema', tools.cloudInit))('cloud-init schema --config-file accepts cloud-init.yaml; it writes the env file 0600 and runs install.sh', () => {
    const r = spawnSync('cloud-init', ['schema', '--config-file', dev('cloud-init.yaml')], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toContain('Valid');
    expect(r.status).toBe(0);
    const [doc] = yamlLoadAll(dev('cloud-init.yaml')) as Array<{ write_files: Array<{ path: string; permissions: string; content: string; encoding: string }>; runcmd: unknown[] }>;
    const envFile = doc!.write_files.find((f) => f.path.endsWith('/agent.env'))!;
    expect(envFile.permissions).toBe('0600');
    expect(Buffer.from(envFile.content, 'base64').toString('utf8')).toBe(readFileSync(dev('agent.env'), 'utf8'));
    const script = Buffer.from(doc!.write_files.find((f) => f.path.endsWith('/install.sh'))!.content, 'base64').toString('utf8');
    expect(script).toContain('WAIT="${EDGEDECK_DOCKER_WAIT:-300}"');
    expect(JSON.stringify(doc!.runcmd)).toContain('install.sh');
    expect(readFileSync(dev('cloud-init.yaml'), 'utf8').startsWith('#cloud-config\n')).toBe(true);
  });

  it.skipIf(skipReason('docker-compose config', tools.compose))('docker-compose -f docker-compose.yml config reads it with env_file agent.env (no daemon needed)', () => {
    const r = spawnSync('docker-compose', ['-f', dev('docker-compose.yml'), 'config'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('image: portainer/agent:2.23.0');
    expect(r.stdout).toContain('restart: always');
    expect(r.stdout).toContain('EDGE_ID: 6f1c2a9e-4b3d-4e5f-8a7b-0c1d2e3f4a5b');
    expect(r.stdout).toContain('- /:/host:rw');
    expect(r.stdout).toContain("EDGE: '1'");
    // Compose escapes $ in its output: the literal secret survived.
    expect(r.stdout).toContain('AGENT_SECRET: s3cr3t $$with spaces');
  });

  it.skipIf(skipReason('yamllint', tools.yamllint))('yamllint passes on every YAML file', () => {
    const conf = '{extends: default, rules: {line-length: {max: 200, allow-non-breakable-inline-mappings: true}}}';
    const files = [dev('kubernetes.yaml'), dev('docker-compose.yml'), join(out, 'inventory.yml'), join(out, 'playbook.yml')];
    const r = spawnSync('yamllint', ['-s', '-d', conf, ...files], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    // #cloud-config is a required magic first line, not a prose comment.
    const ci = spawnSync('yamllint', ['-s', '-d', '{extends: default, rules: {comments: {require-starting-space: false}, line-length: {max: 200, allow-non-breakable-inline-mappings: true}}}', dev('cloud-init.yaml')], { encoding: 'utf8' });
    expect(ci.stdout).toBe('');
    expect(ci.status).toBe(0);
  });

  it('kubernetes.yaml: namespace, Secret with the key, ConfigMap, cluster-admin binding, Deployment and headless Service', () => {
    if (tools.yamllint) console.log(`SKIP-PART python3 yaml parse may be missing: ${tools.yamllint}`);
    const docs = yamlLoadAll(dev('kubernetes.yaml')) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRoleBinding', 'Secret', 'ConfigMap', 'Service', 'Deployment']);
    const byKind = Object.fromEntries(docs.map((d) => [d.kind, d]));
    expect(byKind.Namespace.metadata.name).toBe('portainer');
    expect(byKind.Secret.stringData).toEqual({ EDGE_KEY: key, AGENT_SECRET: 's3cr3t $with spaces' });
    expect(byKind.ConfigMap.data).toEqual({ EDGE_ID: base.edgeId, EDGE_INSECURE_POLL: '1', LOG_LEVEL: 'DEBUG', HTTPS_PROXY: 'http://proxy:3128' });
    expect(byKind.ClusterRoleBinding.roleRef.name).toBe('cluster-admin');
    expect(byKind.Service.spec.clusterIP).toBe('None');
    expect(byKind.Service.metadata.name).toBe('portainer-agent');
    const c = byKind.Deployment.spec.template.spec.containers[0];
    expect(c.image).toBe('portainer/agent:2.23.0');
    expect(c.env).toContainEqual({ name: 'EDGE', value: '1' });
    expect(c.env).toContainEqual({ name: 'AGENT_CLUSTER_ADDR', value: 'portainer-agent' });
    expect(c.env).toContainEqual({ name: 'KUBERNETES_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    expect(byKind.Deployment.spec.template.spec.serviceAccountName).toBe(byKind.ServiceAccount.metadata.name);
    expect(readFileSync(dev('kubernetes.yaml'), 'utf8')).not.toMatch(/https?:\/\/downloads|curl /);
  });

  it.skipIf(skipReason('ansible-playbook --syntax-check', tools.ansible))('ansible-playbook --syntax-check and ansible-inventory accept playbook.yml and inventory.yml', () => {
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', 'playbook.yml', '--syntax-check'], { cwd: out, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    expect(r.status).toBe(0);
    const inv = JSON.parse(execFileSync('ansible-inventory', ['-i', 'inventory.yml', '--list'], { cwd: out, encoding: 'utf8' }));
    expect(inv.edgedeck_devices.hosts.sort()).toEqual(['Store #12 "north"', 'store-13']);
    expect(inv._meta.hostvars['store-13'].ansible_host).toBe('10.0.0.13');
    expect(inv._meta.hostvars['Store #12 "north"'].ansible_host).toBeUndefined();
  });

  it('install.ps1 is text only here', () => {
    skipReason('PowerShell parse of install.ps1', tools.pwsh);
    const ps = readFileSync(dev('install.ps1'), 'utf8');
    expect(ps).toContain("--env-file $EnvFile");
    expect(ps).toContain("$EdgeIdWanted = '6f1c2a9e-4b3d-4e5f-8a7b-0c1d2e3f4a5b'");
    expect(ps).toContain('--mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine');
    expect(ps).not.toContain(key);
  });

  it('podman bundles run the SSH install\'s podman commands', () => {
    const sh = readFileSync(join(out, 'devices', 'store-13', 'install.sh'), 'utf8');
    expect(sh).toContain('podman run -d -v /run/podman/podman.sock:/var/run/docker.sock');
    expect(sh).toContain('--privileged --env-file "$ENV_FILE" --name portainer_edge_agent portainer/agent:2.23.0');
    expect(spawnSync('sh', ['-n', join(out, 'devices', 'store-13', 'install.sh')]).status).toBe(0);
  });

  it('labels.html holds QR codes of the Edge ID and name, never the key by default', () => {
    const html = readFileSync(join(out, 'labels.html'), 'utf8');
    expect(html).not.toContain(key);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('Store #12 &quot;north&quot;');
    expect(statSync(join(out, 'labels.html')).mode & 0o777).toBe(0o644);
  });
});

describe('age encryption', () => {
  it.skipIf(skipReason('age -d (X25519 recipient)', tools.age))('age -d -i KEY decrypts the .tar.age export; tar restores the files and modes', async () => {
    const dir = tmp('age');
    execFileSync('age-keygen', ['-o', join(dir, 'key.txt')], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key.txt')], { encoding: 'utf8' }).trim();
    const service = new PrestageService({ cache: new PrestageCache(new MemoryStore()) });
    const res = await service.exportTo([base], { outDir: join(dir, 'enc'), formats: ['env', 'script'], encrypt: { recipients: [recipient] }, archiveName: 'x.tar.age' });
    expect(res.encrypted).toBe(true);
    expect(statSync(res.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(res.path).includes(Buffer.from('EDGE_KEY'))).toBe(false);
    const tar = join(dir, 'x.tar');
    execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), '-o', tar, res.path]);
    const into = join(dir, 'x');
    mkdirSync(into);
    execFileSync('tar', ['-xpf', tar, '-C', into]);
    const envFile = join(into, 'edgedeck-export', 'devices', 'Store_12_north_', 'agent.env');
    expect(readFileSync(envFile, 'utf8')).toContain(`EDGE_KEY=${key}`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(into, 'edgedeck-export', 'devices')).mode & 0o777).toBe(0o700);
  });

  it.skipIf(skipReason('age -d (passphrase, through a pty from script(1))', tools.age ?? (spawnSync('sh', ['-c', 'command -v script']).status === 0 ? undefined : 'script(1) is missing')))(
    'age -d decrypts a passphrase (scrypt) export; age reads the passphrase from a terminal, so script(1) provides one',
    async () => {
      const dir = tmp('agepw');
      const service = new PrestageService({ cache: new PrestageCache(new MemoryStore()) });
      const res = await service.exportTo([base], { outDir: dir, formats: ['env'], encrypt: { passphrase: 'correct horse battery staple' }, scryptWorkFactor: 12, archiveName: 'p.tar.age' });
      const tar = join(dir, 'p.tar');
      const feeder = join(dir, 'feed.sh');
      writeFileSync(feeder, `(sleep 1; printf '%s\\n' 'correct horse battery staple') | script -qec "age -d -o ${tar} ${res.path}" /dev/null\n`);
      const r = spawnSync('sh', [feeder], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(0);
      const list = execFileSync('tar', ['-tvf', tar], { encoding: 'utf8' });
      expect(list).toMatch(/^-rw------- .*edgedeck-export\/devices\/Store_12_north_\/agent\.env$/m);
    },
    40_000,
  );
});
