import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import type { FailureReason } from '../../shared/domain/failures';
import { HostFailure } from './hostFailure';
import { diagnoseAgentLogs } from './logSignatures';
import type { SshForVerify } from './sshForVerify';
import type { HostContext } from './strategy';

/** Asked together with the logs: when the agent runs, the failure says `why` and `reason` instead. */
export interface WhenRunning {
  command: string;
  running: RegExp;
  why: string;
  reason: FailureReason;
}

/**
 * Reads the agent's last log lines (`logsCommand`, the strategy's) and fails the host with `why`
 * plus the best diagnosis (logSignatures.ts). Reconnects when the connection was given back (once,
 * for the logs and `whenRunning`'s look at the agent alike).
 */
export async function failWithAgentLogs(h: HostContext, ssh: SshForVerify, logsCommand: string, why: string, reason: FailureReason = 'no-checkin', whenRunning?: WhenRunning): Promise<never> {
  const r = await ssh
    .withHost(async (host) => {
      const logs = await host.run(logsCommand, { privileged: true });
      const state = whenRunning ? await host.run(whenRunning.command, { privileged: true }) : undefined;
      return { ...logs, running: !!state && state.code === 0 && whenRunning!.running.test(state.stdout) };
    })
    .catch((e: unknown) => {
      if (h.o.signal?.aborted) throw e;
      h.t.note(`could not read the agent's logs: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
  const logs = h.o.redactor.redact(`${r?.stdout ?? ''}\n${r?.stderr ?? ''}`);
  const d = diagnoseAgentLogs(logs, decodeEdgeKey(h.plan.edgeKey));
  const hint = d.length ? ` Likely cause: ${d[0]!.cause} Fix: ${d[0]!.fix} (log: ${d[0]!.line})` : logs.trim() ? ` Last log line: ${logs.trim().split('\n').pop()}` : '';
  if (r?.running && whenRunning) throw new HostFailure(`${whenRunning.why}.${hint}`, d, whenRunning.reason);
  throw new HostFailure(`${why}.${hint}`, d, reason);
}
