import { AppError } from '../../shared/contract/errors';
import { causeLine, isImageMissing } from '../../shared/domain/cliError';
import { FAILURE_FIXES } from '../../shared/domain/failures';
import { shellQuote } from '../../shared/domain/shellQuote';
import { abortableSleep } from './abortableSleep';
import { failWithAgentLogs } from './agentLogs';
import { HostFailure } from './hostFailure';
import type { SshForVerify } from './sshForVerify';
import type { HostContext } from './strategy';
import { getsTask, nodeImageFix, nodeLabel, parseServiceTasks, serviceTasksCommand, taskVerdict, type SwarmNode, type TaskVerdict } from './swarmNodes';

/**
 * Over SSH: until the agent container runs (Standalone, Podman), failing with its logs after
 * containerWaitMs (default 60 s). `firstLook` is the start command's own inspect, if it made one.
 */
export async function waitForContainer(h: HostContext, ssh: SshForVerify, logsCommand: string, firstLook?: string): Promise<void> {
  const { o, now } = h;
  const pollMs = o.pollMs ?? 1000;
  const until = now() + (o.containerWaitMs ?? 60_000);
  // The first look comes with `docker run` itself (firstLook: the start command's inspect), or
  // soon after it (a container usually runs within a moment).
  let waitMs = Math.min(250, pollMs);
  let pending = firstLook;
  for (;;) {
    const r = pending !== undefined ? { stdout: pending } : await ssh.host.run(`${shellQuote(h.runtime)} inspect --type container ${h.names.agent}`, { privileged: true, quietStdout: '(inspect JSON not recorded)' });
    pending = undefined;
    let st: { Running?: boolean; Status?: string } | undefined;
    try {
      st = (JSON.parse(r.stdout) as Array<{ State?: { Running?: boolean; Status?: string } }>)[0]?.State;
    } catch {
      st = undefined;
    }
    if (st?.Running) {
      h.t.note('container running');
      return;
    }
    if (now() > until) await failWithAgentLogs(h, ssh, logsCommand, `the agent container is not running (${st?.Status ?? 'not found'})`, 'remote-command');
    await abortableSleep(waitMs, o.signal);
    waitMs = pollMs;
  }
}

/** How long a new Swarm service's tasks may take to run (pulling the image included). */
export const SERVICE_WATCH_MS = 120_000;

/**
 * Watches the agent service's tasks until one runs on every node that gets one (the nodes the
 * preflight listed; one task is enough when there was no list). A task the orchestrator rejected
 * or that failed ends the host with the task's own error and, on a swarm of several nodes, the
 * node's name. A service this install created is then removed, so that nothing half-created stays
 * (Swarm would retry it forever); one found unchanged is left as it was. Bounded by
 * SERVICE_WATCH_MS (containerWaitMs when given).
 */
export async function waitForService(h: HostContext, ssh: SshForVerify, o: { nodes: SwarmNode[]; created: boolean; login?: string }): Promise<void> {
  const { now } = h;
  const name = h.names.agent;
  const waitMs = h.o.containerWaitMs ?? SERVICE_WATCH_MS;
  const until = now() + waitMs;
  const several = o.nodes.some((n) => !n.self);
  for (;;) {
    const r = await ssh.host.run(serviceTasksCommand(h.runtime, name), { privileged: true });
    const v = taskVerdict(parseServiceTasks(r.stdout), o.nodes);
    if (v.kind === 'running') {
      h.t.note(several ? `service tasks running on ${o.nodes.filter(getsTask).length} nodes` : 'service task running');
      return;
    }
    if (v.kind === 'failed' || now() > until) {
      if (o.created) {
        await ssh.host.run(`${shellQuote(h.runtime)} service rm ${name}`, { privileged: true }).catch(() => undefined);
        h.t.note(`removed the ${name} service: its tasks did not all run`);
      }
      if (v.kind === 'failed') throw taskFailure(h, v, several, o.login);
      const pending = v.pending.length ? v.pending.join('; ') : causeLine(r.stderr) || 'no task yet';
      throw new HostFailure(`the agent service's task${several ? 's' : ''} did not run within ${Math.round(waitMs / 1000)} s (${pending})`);
    }
    await abortableSleep(h.o.pollMs ?? 1000, h.o.signal);
  }
}

/** The host's failure for a rejected or failed task; the fix comes with the reason code (image-missing names the push option). */
function taskFailure(h: HostContext, v: Extract<TaskVerdict, { kind: 'failed' }>, several: boolean, login: string | undefined): AppError {
  const where = several ? ` on node ${v.node ? nodeLabel(v.node) : v.task.nodeId}` : '';
  const message = `the agent service's task${where} was ${v.task.state}: ${v.task.error}`;
  if (!isImageMissing(v.task.error)) return new HostFailure(message, undefined, 'task-rejected');
  if (!several || !v.node) return new HostFailure(message, undefined, 'image-missing');
  const fix = h.o.pushImage ? nodeImageFix(h.image, login ?? "the manager target's user and port") : FAILURE_FIXES['image-missing'];
  return new AppError('unavailable', message, undefined, { reason: 'image-missing', fix: `Node ${nodeLabel(v.node)} has no ${h.image}. ${fix}` });
}
