import { describe, expect, it } from 'vitest';
import { checkExistingAgent, parseExistingAgent, parseExistingKube, parseExistingService, sameImage } from '../../../src-main/services/install/preflight';
import { listConfigHosts } from '../../../src-main/services/ssh/sshConfig';

const names = { configMap: 'portainer-agent-edge', secret: 'portainer-agent-edge-key', deployment: 'portainer-agent' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('existing agent (container, Swarm service, Kubernetes objects)', () => {
  it('reads docker inspect: image, running state and identity, with the same Env rule as a service (split at the first =, a bare name is empty)', () => {
    const out = JSON.stringify([{ Config: { Image: 'portainer/agent:2.23.0', Env: ['EDGE_ID=id-1', 'EDGE_KEY=k=1', 'AGENT_SECRET'] }, State: { Running: false } }]);
    expect(parseExistingAgent({ out, rc: 0 }, { edgeKey: 'k=1' })).toEqual({ image: 'portainer/agent:2.23.0', running: false, edgeId: 'id-1', sameKey: true, sameSecret: true });
    expect(parseExistingAgent({ out: '[]', rc: 0 }, { edgeKey: 'k1' })).toBeUndefined();
    expect(parseExistingAgent({ out: 'Error: No such object', rc: 1 }, { edgeKey: 'k1' })).toBeUndefined();
  });

  it('reads docker service inspect: image without the pinned digest, EDGE_ID/EDGE_KEY from the spec env; none when the service is absent', () => {
    const out = JSON.stringify([{ Spec: { TaskTemplate: { ContainerSpec: { Image: 'portainer/agent:2.21.0@sha256:abc', Env: ['EDGE_ID=id-1', 'EDGE_KEY=k1', 'AGENT_SECRET=s'] } } } }]);
    const e = parseExistingService({ out, rc: 0 }, { edgeKey: 'k1', agentSecret: 's' })!;
    expect(e).toEqual({ image: 'portainer/agent:2.21.0', running: true, edgeId: 'id-1', sameKey: true, sameSecret: true });
    expect(checkExistingAgent(e, { image: 'portainer/agent:2.21.0', edgeId: 'id-1' }, 'service').action).toBe('unchanged');
    const diff = checkExistingAgent(e, { image: 'portainer/agent:2.21.0', edgeId: 'id-2' }, 'service');
    expect(diff).toMatchObject({ action: 'replace', check: { status: 'warn', found: 'the portainer_edge_agent service exists with Edge ID id-1 → id-2' } });
    expect(parseExistingService({ out: '[]', rc: 1 }, { edgeKey: 'k1' })).toBeUndefined();
  });

  it('reads kubectl get -o json (List or one object; base64 Secret data); only the identity asks for a replace, an image change is a rolling update', () => {
    const list = {
      kind: 'List',
      items: [
        { kind: 'ConfigMap', metadata: { name: names.configMap }, data: { EDGE_ID: 'id-1' } },
        { kind: 'Secret', metadata: { name: names.secret }, data: { EDGE_KEY: b64('k1'), AGENT_SECRET: b64('s') } },
        { kind: 'Deployment', metadata: { name: names.deployment }, spec: { template: { spec: { containers: [{ image: 'portainer/agent:2.20.0' }] } } } },
      ],
    };
    const e = parseExistingKube({ out: JSON.stringify(list), rc: 0 }, { edgeKey: 'k1', agentSecret: 's' }, names)!;
    expect(e).toEqual({ image: 'portainer/agent:2.20.0', running: true, edgeId: 'id-1', sameKey: true, sameSecret: true });
    const upgrade = checkExistingAgent(e, { image: 'portainer/agent:2.21.0', edgeId: 'id-1' }, 'kubernetes');
    expect(upgrade.action).toBe('install');
    expect(upgrade.check.found).toMatch(/a rolling update/);
    expect(checkExistingAgent({ ...e, sameKey: false }, { image: 'portainer/agent:2.20.0', edgeId: 'id-1' }, 'kubernetes').action).toBe('replace');
    expect(parseExistingKube({ out: '', rc: 0 }, { edgeKey: 'k1' }, names)).toBeUndefined();
    const one = parseExistingKube({ out: JSON.stringify(list.items[0]), rc: 0 }, { edgeKey: 'k1' }, names)!;
    expect(one).toMatchObject({ edgeId: 'id-1', sameKey: false, running: false });
  });
});

describe('listConfigHosts', () => {
  it('lists concrete aliases in file order, resolved with Host * defaults; wildcard and negated patterns are skipped', () => {
    const text = 'Host *\n  User def\nHost a b\n  HostName 10.0.0.1\n  Port 2200\n  IdentityFile ~/.ssh/id_a\nHost c* !cx\n  User x\nHost a\n  User later\n';
    expect(listConfigHosts(text, '/home/me')).toEqual([
      { alias: 'a', hostName: '10.0.0.1', port: 2200, user: 'def', identityFile: '/home/me/.ssh/id_a' },
      { alias: 'b', hostName: '10.0.0.1', port: 2200, user: 'def', identityFile: '/home/me/.ssh/id_a' },
    ]);
  });
});

describe('image references (found on the real Podman: it records the name it resolved)', () => {
  it('docker.io/ and docker.io/library/ name Docker Hub; a rerun on Podman is unchanged, a different tag is not', () => {
    expect(sameImage('docker.io/portainer/agent:2.23.0', 'portainer/agent:2.23.0')).toBe(true);
    expect(sameImage('docker.io/library/alpine:3', 'alpine:3')).toBe(true);
    expect(sameImage('portainer/agent:2.23.0@sha256:abc', 'portainer/agent:2.23.0')).toBe(true);
    expect(sameImage('quay.io/portainer/agent:2.23.0', 'portainer/agent:2.23.0')).toBe(false);
    expect(sameImage('docker.io/portainer/agent:2.22.0', 'portainer/agent:2.23.0')).toBe(false);
    const e = { image: 'docker.io/portainer/agent:2.23.0', running: true, edgeId: 'id-1', sameKey: true, sameSecret: true };
    expect(checkExistingAgent(e, { image: 'portainer/agent:2.23.0', edgeId: 'id-1' }, 'container').action).toBe('unchanged');
  });
});
