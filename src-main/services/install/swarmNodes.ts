/**
 * A Swarm's nodes as the agent's global service sees them (pure: parsing and verdicts over command
 * output; the SSH side is swarmNodeImages.ts). The manager the install reaches lists the nodes
 * (`docker node ls -q`, then `docker node inspect`); a global service with the agent's constraint
 * (`node.platform.os == linux`) gets one task on each node that is ready, active and Linux.
 */
import { isIP } from 'node:net';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { Check } from './preflight';

export interface SwarmNode {
  id: string;
  hostname: string;
  /** ready, down, unknown, disconnected */
  state: string;
  /** active, pause, drain */
  availability: string;
  /** The node's address as the swarm knows it (what it advertised). */
  addr: string;
  os: string;
  /** The node the install is connected to. */
  self: boolean;
}

/** One line per node: the manager itself first (`self`), then every node of the swarm. */
export function swarmNodesCommand(runtime: string): string {
  const rt = shellQuote(runtime);
  return `${rt} node inspect --format '{{.ID}}|{{.Description.Hostname}}|{{.Status.State}}|{{.Spec.Availability}}|{{.Status.Addr}}|{{.Description.Platform.OS}}' self $(${rt} node ls -q)`;
}

export function parseSwarmNodes(out: string): SwarmNode[] {
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.split('|').length === 6);
  const selfId = lines[0]?.split('|')[0];
  const seen = new Set<string>();
  const nodes: SwarmNode[] = [];
  for (const l of lines) {
    const [id = '', hostname = '', state = '', availability = '', addr = '', os = ''] = l.split('|');
    if (seen.has(id)) continue;
    seen.add(id);
    nodes.push({ id, hostname, state, availability, addr, os, self: id === selfId });
  }
  return nodes;
}

/** Whether the agent's global service puts a task on the node. */
export function getsTask(n: SwarmNode): boolean {
  return n.state === 'ready' && n.availability === 'active' && n.os === 'linux';
}

export function nodeLabel(n: Pick<SwarmNode, 'hostname' | 'addr'>): string {
  return `${n.hostname || '(no hostname)'} (${n.addr})`;
}

/**
 * Why this computer cannot reach a node at its swarm address over SSH (undefined: it may). A
 * loopback or unspecified address names the node's own machine, not one this computer can reach:
 * connecting there would reach another host (this computer itself) with the run's credentials.
 */
export function unreachableAddress(addr: string): string | undefined {
  if (!isIP(addr)) return `its swarm address "${addr}" is not an IP address`;
  if (/^(127\.|0\.0\.0\.0$)/.test(addr) || addr === '::1' || addr === '::') return `its swarm address ${addr} is the node's own loopback or unspecified address, not one this computer can reach`;
  if (/^(169\.254\.|fe80:)/i.test(addr)) return `its swarm address ${addr} is link-local`;
  return undefined;
}

/** What the install knows of a node's agent image. */
export type NodeImage =
  | { kind: 'present'; id: string }
  | { kind: 'missing'; id?: string }
  | { kind: 'unreachable'; why: string }
  | { kind: 'not-asked' };

/** How a node that is not reached over SSH can still get the image (the check's and the failure's fix). */
export function nodeImageFix(image: string, login: string): string {
  return `Make the node reachable over SSH at its swarm address as ${login} with the same credentials (the install reaches it there with --push-image), or load the image there yourself (docker save ${image} | ssh NODE docker load), or let the node reach the registry.`;
}

/**
 * The preflight row for the other nodes of the swarm: which lack the image and how they get it.
 * `push`: --push-image is on, so reachable nodes were asked and get it over SSH. `login` is how
 * the install reaches nodes (user and port of the manager's target).
 */
export function checkSwarmNodes(nodes: SwarmNode[], images: ReadonlyMap<string, NodeImage>, o: { image: string; push: boolean; login: string }): Check | undefined {
  const others = nodes.filter((n) => !n.self);
  if (!others.length) return undefined;
  const title = 'Other swarm nodes';
  const parts: string[] = [];
  const lacking: string[] = [];
  let status: Check['status'] = 'pass';
  for (const n of others) {
    const label = nodeLabel(n);
    if (!getsTask(n)) {
      parts.push(`${label}: no agent task (${n.state}, ${n.availability}, ${n.os || 'unknown OS'})`);
      continue;
    }
    const img = images.get(n.id) ?? { kind: 'not-asked' };
    if (img.kind === 'present') parts.push(`${label}: has ${o.image}`);
    else if (img.kind === 'missing') parts.push(`${label}: ${img.id ? `has another ${o.image} (${img.id})` : `lacks ${o.image}`}; it will be pushed over SSH`);
    else if (img.kind === 'unreachable') {
      status = 'warn';
      lacking.push(n.hostname || n.addr);
      parts.push(`${label}: not reachable over SSH (${img.why}); it must pull ${o.image} itself`);
    } else {
      status = 'warn';
      parts.push(`${label}: not checked (the install connects to other nodes only with --push-image); it pulls ${o.image} when its task starts`);
    }
  }
  const check: Check = { id: 'swarm-nodes', title, status, found: parts.join('; ') };
  if (status === 'warn') {
    check.fix = o.push
      ? `${lacking.join(', ')}: ${nodeImageFix(o.image, o.login)} A node whose task cannot get the image ends the install with its task error, and the service is removed.`
      : `A node that cannot pull fails its task ("No such image"). Run with --push-image to load the image on every node reachable over SSH at its swarm address as ${o.login} (same credentials), or load it on each node yourself.`;
  }
  return check;
}

/** One task of the agent service: `docker inspect` of the tasks (`service ps -q`). */
export interface SwarmTask {
  nodeId: string;
  state: string;
  desired: string;
  error: string;
}

/** Lists the service's tasks with their node, state and error (one line each). */
export function serviceTasksCommand(runtime: string, service: string): string {
  const rt = shellQuote(runtime);
  return `ids=$(${rt} service ps -q --no-trunc ${shellQuote(service)}) || exit $?; [ -z "$ids" ] || ${rt} inspect --type task --format '{{.NodeID}}|{{.Status.State}}|{{.DesiredState}}|{{.Status.Err}}' $ids`;
}

export function parseServiceTasks(out: string): SwarmTask[] {
  return out
    .split('\n')
    .filter((l) => l.split('|').length >= 4)
    .map((l) => {
      const [nodeId = '', state = '', desired = '', ...err] = l.split('|');
      return { nodeId, state, desired, error: err.join('|').trim() };
    });
}

export type TaskVerdict = { kind: 'running' } | { kind: 'failed'; task: SwarmTask; node?: SwarmNode } | { kind: 'waiting'; pending: string[] };

/**
 * Whether the agent runs everywhere it should: every node that gets a task has one running; a
 * task the orchestrator rejected or that failed (with an error) ends the wait. Without a node list
 * (it could not be read), one running task is enough, as on a single-node swarm.
 */
export function taskVerdict(tasks: SwarmTask[], nodes: SwarmNode[]): TaskVerdict {
  const bad = tasks.find((t) => /^(rejected|failed)$/.test(t.state) && t.error);
  if (bad) {
    const node = nodes.find((n) => n.id === bad.nodeId);
    return { kind: 'failed', task: bad, ...(node ? { node } : {}) };
  }
  const runningOn = new Set(tasks.filter((t) => t.state === 'running').map((t) => t.nodeId));
  const expected = nodes.filter(getsTask);
  if (!expected.length) return runningOn.size ? { kind: 'running' } : { kind: 'waiting', pending: [tasks[0]?.state ?? 'no task yet'] };
  const pending = expected.filter((n) => !runningOn.has(n.id));
  if (!pending.length) return { kind: 'running' };
  return { kind: 'waiting', pending: pending.map((n) => `${nodeLabel(n)}: ${tasks.find((t) => t.nodeId === n.id && t.desired === 'running')?.state ?? 'no task yet'}`) };
}
