import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import type { FailureReason } from '../../shared/domain/failures';
import { HostFailure } from './hostFailure';
import { diagnoseAgentLogs } from './logSignatures';
import type { SshForVerify } from './sshForVerify';
import type { HostContext } from './strategy';

/**
 * Reads the agent's last log lines (`logsCommand`, the strategy's) and fails the host with `why`
 * plus the best diagnosis (logSignatures.ts). Reconnects when the connection was given back.
 */
export async function failWithAgentLogs(h: HostContext, ssh: SshForVerify, logsCommand: string, why: string, reason: FailureReason = 'no-checkin'): Promise<never> {
  const r = await ssh.withHost((host) => host.run(logsCommand, { privileged: true })).catch((e: unknown) => {
    if (h.o.signal?.aborted) throw e;
    h.t.note(`could not read the agent's logs: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  const logs = h.o.redactor.redact(`${r?.stdout ?? ''}\n${r?.stderr ?? ''}`);
  const d = diagnoseAgentLogs(logs, decodeEdgeKey(h.plan.edgeKey));
  const hint = d.length ? ` Likely cause: ${d[0]!.cause} Fix: ${d[0]!.fix} (log: ${d[0]!.line})` : logs.trim() ? ` Last log line: ${logs.trim().split('\n').pop()}` : '';
  throw new HostFailure(`${why}.${hint}`, d, reason);
}
