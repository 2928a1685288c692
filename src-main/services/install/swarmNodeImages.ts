/**
 * --push-image on a Swarm of several nodes: the agent's global service runs a task on every node,
 * and each node's engine needs the image. The install reaches the other nodes over SSH at their
 * swarm address (`docker node inspect` .Status.Addr) with the manager target's user, port and
 * credentials, under the run's host key policy (docs/image-push.md says why and what that means),
 * asks each for its image ID in the preflight, and pushes to those that lack it before the
 * service is created. A node that cannot be reached or loaded is named; the service's bounded
 * watch then ends the host with that node's task error if it still lacks the image.
 */
import { AppError } from '../../shared/contract/errors';
import { causeLine } from '../../shared/domain/cliError';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { SshConnection } from '../ssh/connection';
import { PUSH_NOTE, pushImage, sameImageId } from './imagePush';
import { checkPrivileges, connectProbeScript, parseProbe, parseWhich } from './preflight';
import { RemoteHost } from './remoteHost';
import type { HostContext } from './strategy';
import { getsTask, nodeLabel, unreachableAddress, type NodeImage, type SwarmNode } from './swarmNodes';

/** How the run reaches a swarm node (fleetInstall.ts): the manager target's login at the node's address. */
export interface SwarmNodeAccess {
  connect(address: string, signal?: AbortSignal): Promise<SshConnection>;
  /** In words, for messages: "USER over SSH port PORT". */
  login: string;
}

/** Nodes asked or pushed to at the same time (each is one SSH connection). */
const NODE_CONCURRENCY = 4;

async function eachLimited<T>(items: T[], f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(NODE_CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

interface NodeSession {
  host: RemoteHost;
  docker: string;
}

/** Connects to a node, finds docker and how to be root there (the manager's sudo password, if any). */
async function openNode(h: HostContext, n: SwarmNode, access: SwarmNodeAccess, sudoPassword: string | undefined): Promise<{ conn: SshConnection; session?: NodeSession; why?: string }> {
  const conn = await access.connect(n.addr, h.o.signal);
  h.t.note(`node ${nodeLabel(n)}: connected as ${conn.endpoint.user}; host key ${conn.hostKeyFingerprint}`);
  const host = new RemoteHost(conn, h.t, h.o.signal);
  const s = parseProbe((await host.run(connectProbeScript(['docker', 'sudo']), { timeoutMs: 20_000 })).stdout);
  const which = parseWhich(s.which);
  const priv = checkPrivileges(s.id, s.sudo, which, sudoPassword !== undefined);
  if (!which.docker) return { conn, why: 'docker is not on its PATH' };
  if (priv.check.status !== 'pass') return { conn, why: `${priv.check.found}${priv.check.fix ? ` (${priv.check.fix})` : ''}` };
  host.privilege = priv.privilege;
  if (priv.privilege === 'sudo-password') host.setSudoPassword(sudoPassword!);
  return { conn, session: { host, docker: which.docker } };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The other nodes that get a task, each asked for its image ID (preflight; nothing is changed). */
export async function askSwarmNodes(h: HostContext, nodes: SwarmNode[], access: SwarmNodeAccess, sudoPassword: string | undefined): Promise<Map<string, NodeImage>> {
  const images = new Map<string, NodeImage>();
  await eachLimited(
    nodes.filter((n) => !n.self && getsTask(n)),
    async (n) => {
      const bad = unreachableAddress(n.addr);
      if (bad) return void images.set(n.id, { kind: 'unreachable', why: bad });
      let conn: SshConnection | undefined;
      try {
        const o = await openNode(h, n, access, sudoPassword);
        conn = o.conn;
        if (!o.session) return void images.set(n.id, { kind: 'unreachable', why: o.why! });
        const r = await o.session.host.run(`${shellQuote(o.session.docker)} image inspect --format '{{.Id}}' ${shellQuote(h.image)}`, { privileged: true, timeoutMs: 30_000 });
        const id = r.stdout.trim();
        // As on the manager (pushImage): only the same image ID as this computer's counts as present.
        images.set(n.id, r.code !== 0 || !id ? { kind: 'missing' } : sameImageId(id, h.o.pushImage?.id) ? { kind: 'present', id } : { kind: 'missing', id });
      } catch (e) {
        if (e instanceof AppError && e.code === 'cancelled') throw e;
        images.set(n.id, { kind: 'unreachable', why: message(e) });
      } finally {
        conn?.close('swarm node asked');
      }
    },
  );
  return images;
}

/**
 * Pushes the image to each node the preflight found without it. Returns the nodes that did not
 * get it, each with why; the caller goes on (the node may still pull) and the service watch decides.
 */
export async function pushToSwarmNodes(h: HostContext, nodes: SwarmNode[], images: ReadonlyMap<string, NodeImage>, access: SwarmNodeAccess, sudoPassword: string | undefined): Promise<Array<{ node: SwarmNode; why: string }>> {
  const failed: Array<{ node: SwarmNode; why: string }> = [];
  const image = h.o.pushImage!;
  await eachLimited(
    nodes.filter((n) => images.get(n.id)?.kind === 'missing'),
    async (n) => {
      let conn: SshConnection | undefined;
      try {
        const o = await openNode(h, n, access, sudoPassword);
        conn = o.conn;
        if (!o.session) throw new Error(o.why);
        const known = images.get(n.id);
        await pushImage({ host: o.session.host, runtime: o.session.docker, runtimeName: 'docker', image, ...(known?.kind === 'missing' && known.id ? { targetId: known.id } : {}), ...(h.o.signal ? { signal: h.o.signal } : {}), now: h.now, label: `node ${nodeLabel(n)}` });
      } catch (e) {
        if (h.o.signal?.aborted) throw e;
        const why = causeLine(message(e)) || message(e);
        h.t.note(`${PUSH_NOTE} node ${nodeLabel(n)}: not loaded: ${why}`);
        failed.push({ node: n, why });
      } finally {
        conn?.close('swarm node image pushed');
      }
    },
  );
  return failed;
}
