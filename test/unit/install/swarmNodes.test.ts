import { describe, expect, it } from 'vitest';
import { checkSwarmNodes, getsTask, parseServiceTasks, parseSwarmNodes, taskVerdict, unreachableAddress, type NodeImage, type SwarmNode } from '../../../src-main/services/install/swarmNodes';

// What `docker node inspect --format … self $(docker node ls -q)` printed on a real two-node swarm (Docker 20.10).
const INSPECT = ['himd|vm|ready|active|10.214.16.1|linux', '0812|edt-89196a|ready|active|10.214.210.2|linux', 'himd|vm|ready|active|10.214.16.1|linux', ''].join('\n');
const node = (over: Partial<SwarmNode>): SwarmNode => ({ id: 'x', hostname: 'h', state: 'ready', availability: 'active', addr: '10.0.0.9', os: 'linux', self: false, ...over });
const opts = { image: 'portainer/agent:2.23.0', push: true, login: 'ops over SSH port 22' };

describe('swarm nodes', () => {
  it('parses the node list: the first line is the manager itself, duplicates dropped', () => {
    const nodes = parseSwarmNodes(INSPECT);
    expect(nodes.map((n) => [n.id, n.hostname, n.addr, n.self])).toEqual([
      ['himd', 'vm', '10.214.16.1', true],
      ['0812', 'edt-89196a', '10.214.210.2', false],
    ]);
  });

  it('a task goes only to ready, active Linux nodes', () => {
    expect(getsTask(node({}))).toBe(true);
    expect(getsTask(node({ availability: 'drain' }))).toBe(false);
    expect(getsTask(node({ state: 'down' }))).toBe(false);
    expect(getsTask(node({ os: 'windows' }))).toBe(false);
  });

  it('never connects to a loopback, unspecified or link-local swarm address (it would reach another machine)', () => {
    expect(unreachableAddress('10.0.0.9')).toBeUndefined();
    expect(unreachableAddress('2001:db8::5')).toBeUndefined();
    for (const a of ['127.0.0.1', '0.0.0.0', '::1', '169.254.3.4', 'fe80::1', 'node-3']) expect(unreachableAddress(a), a).toBeDefined();
  });

  it('the preflight row names each other node, what it has and how it gets the image', () => {
    const nodes = [node({ id: 'm', hostname: 'mgr', self: true }), node({ id: 'a', hostname: 'a', addr: '10.0.0.2' }), node({ id: 'b', hostname: 'b', addr: '10.0.0.3' }), node({ id: 'c', hostname: 'c', addr: '10.0.0.4' }), node({ id: 'd', hostname: 'd', availability: 'drain' })];
    const images = new Map<string, NodeImage>([
      ['a', { kind: 'present', id: 'sha256:1' }],
      ['b', { kind: 'missing' }],
      ['c', { kind: 'unreachable', why: 'connection refused' }],
    ]);
    const c = checkSwarmNodes(nodes, images, opts)!;
    expect(c.status).toBe('warn');
    expect(c.found).toBe(
      'a (10.0.0.2): has portainer/agent:2.23.0; b (10.0.0.3): lacks portainer/agent:2.23.0; it will be pushed over SSH; ' +
        'c (10.0.0.4): not reachable over SSH (connection refused); it must pull portainer/agent:2.23.0 itself; d (10.0.0.9): no agent task (ready, drain, linux)',
    );
    expect(c.fix).toMatch(/^c: Make the node reachable over SSH at its swarm address as ops over SSH port 22 .*docker save portainer\/agent:2\.23\.0 \| ssh NODE docker load/);
    // All reachable: a pass; without push: not checked, and the fix names --push-image.
    expect(checkSwarmNodes(nodes.slice(0, 3), images, opts)!.status).toBe('pass');
    const off = checkSwarmNodes(nodes.slice(0, 2), new Map(), { ...opts, push: false })!;
    expect(off).toMatchObject({ status: 'warn', found: expect.stringContaining('a (10.0.0.2): not checked') });
    expect(off.fix).toMatch(/--push-image/);
    // A single-node swarm has no row.
    expect(checkSwarmNodes(nodes.slice(0, 1), images, opts)).toBeUndefined();
  });

  it('the watch: running on every node, a rejected task with its node, or the nodes still waiting', () => {
    const nodes = parseSwarmNodes(INSPECT);
    const tasks = (lines: string[]) => parseServiceTasks(lines.join('\n'));
    expect(taskVerdict(tasks(['himd|running|running|', '0812|running|running|']), nodes)).toEqual({ kind: 'running' });
    const v = taskVerdict(tasks(['himd|running|running|', '0812|rejected|shutdown|No such image: portainer/agent:2.23.0']), nodes);
    expect(v).toMatchObject({ kind: 'failed', task: { error: 'No such image: portainer/agent:2.23.0', state: 'rejected' }, node: { hostname: 'edt-89196a' } });
    expect(taskVerdict(tasks(['himd|running|running|', '0812|preparing|running|']), nodes)).toEqual({ kind: 'waiting', pending: ['edt-89196a (10.214.210.2): preparing'] });
    expect(taskVerdict(tasks(['himd|running|running|']), nodes)).toEqual({ kind: 'waiting', pending: ['edt-89196a (10.214.210.2): no task yet'] });
    // Without a node list (it could not be read) one running task is enough.
    expect(taskVerdict(tasks(['himd|running|running|']), [])).toEqual({ kind: 'running' });
    // An error text with a "|" in it stays whole.
    expect(parseServiceTasks('n|failed|shutdown|a | b')[0]!.error).toBe('a | b');
  });
});
