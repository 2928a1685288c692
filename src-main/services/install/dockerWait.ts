import { causeLine, isImageMissing } from '../../shared/domain/cliError';
import { shellQuote } from '../../shared/domain/shellQuote';
import { abortableSleep } from './abortableSleep';
import { failWithAgentLogs } from './agentLogs';
import { HostFailure } from './hostFailure';
import type { SshForVerify } from './sshForVerify';
import type { HostContext } from './strategy';

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
 * Watches the agent service's tasks (`docker service ps --no-trunc`) until one runs; a task the
 * orchestrator rejected or that failed ends the host with the task's own error, and the service is
 * removed so that nothing half-created stays (Swarm would retry it forever). Bounded by
 * SERVICE_WATCH_MS (containerWaitMs when given).
 */
export async function waitForService(h: HostContext, ssh: SshForVerify): Promise<void> {
  const { o, now } = h;
  const name = h.names.agent;
  const until = now() + (o.containerWaitMs ?? SERVICE_WATCH_MS);
  const rt = shellQuote(h.runtime);
  for (;;) {
    const r = await ssh.host.run(`${rt} service ps --no-trunc --format '{{.CurrentState}}|{{.Error}}' ${name}`, { privileged: true });
    // The error comes quoted ("No such image: …"), as docker prints it.
    const tasks = r.stdout.split('\n').filter(Boolean).map((l) => ({ state: l.slice(0, l.indexOf('|')), error: l.slice(l.indexOf('|') + 1).trim().replace(/^"(.*)"$/, '$1') }));
    if (tasks.some((t) => /^Running/.test(t.state))) {
      h.t.note('service task running');
      return;
    }
    const bad = tasks.find((t) => /^(Rejected|Failed)/.test(t.state) && t.error);
    const last = tasks[0]?.state ?? (causeLine(r.stderr) || 'no task yet');
    if (bad || now() > until) {
      await ssh.host.run(`${rt} service rm ${name}`, { privileged: true }).catch(() => undefined);
      h.t.note(`removed the ${name} service: its task did not run`);
      // The fix comes with the reason code (shared/domain/failures.ts): image-missing names the push option.
      if (bad) throw new HostFailure(`the agent service's task was ${bad.state.split(' ')[0]!.toLowerCase()}: ${bad.error}`, undefined, isImageMissing(bad.error) ? 'image-missing' : 'task-rejected');
      throw new HostFailure(`the agent service's task did not run within ${Math.round((o.containerWaitMs ?? SERVICE_WATCH_MS) / 1000)} s (${last})`);
    }
    await abortableSleep(o.pollMs ?? 1000, o.signal);
  }
}
