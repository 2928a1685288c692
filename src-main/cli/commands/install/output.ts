/** `edgedeck install`'s output: the JSON summary on stdout, with each failed host's reason and fix. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir, type HostRecord, type RunSummary } from '../../../services/install/fleet';
import type { InstallMode } from '../../../services/install/hostPlan';
import type { Redactor } from '../../../services/logging/redact';
import { knownHostsName, parseTarget } from '../../../shared/domain/sshTarget';

interface HostLine {
  target: string;
  environmentId: number | null;
  edgeId: string | null;
  state: string;
  outcome?: string;
  checkedIn: boolean;
  tunnel?: string;
  reason?: string;
  /** Why, as a stable code (shared/domain/failures.ts): for scripts, which must not read the English. */
  reasonCode?: string;
  fix?: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  seconds?: number;
  steps?: Array<{ name: string; seconds: number; status: string }>;
  transcript?: string;
  /** Files holding secrets whose removal failed on the host: a copy may remain (the next run retries). */
  secretFilesLeft?: string[];
}

export function hostOk(h: HostRecord, mode: InstallMode): boolean {
  const outcome = h.detail?.outcome;
  if (mode === 'preflight-only') return outcome === 'preflight-ok';
  if (mode === 'dry-run') return outcome === 'dry-run';
  return (h.status === 'succeeded' || h.status === 'unchanged') && h.checkedIn === true;
}

/**
 * What to do about a host: what a host asked for that the CLI could not give, main's fix for the
 * failure's reason code, and the CLI's own next step for that code (a flag, a command). Only codes
 * are read here, never the wording of a message (shared/domain/failures.ts).
 */
function fixFor(h: HostRecord, runId: string, needs: string[] | undefined): string | undefined {
  const parts: string[] = [...(needs ?? [])];
  if (h.fix) parts.push(h.fix);
  const p = parseTarget(h.target);
  switch (h.reasonCode) {
    case 'host-key-unknown':
      parts.push(`then rerun with --accept-new-host-keys, or add the key to known_hosts (ssh-keyscan${p.port && p.port !== 22 ? ` -p ${p.port}` : ''} ${p.host} >> ~/.ssh/known_hosts, or --known-hosts FILE)`);
      break;
    case 'host-key-changed':
      parts.push(`for a known_hosts file: ssh-keygen -R "${knownHostsName(p.host, p.port ?? 22)}"`);
      break;
    case 'existing-agent':
      parts.push('to replace it, rerun with --replace-existing');
      break;
    case 'image-missing':
      parts.push("to bring the image from this computer, rerun with --push-image (this computer's docker) or --push-image --image-archive FILE");
      break;
  }
  if (h.status === 'skipped' || h.status === 'cancelled' || h.status === 'failed') parts.push(`retry the hosts that did not finish with --resume ${runId}`);
  return parts.length ? parts.join('; ') : undefined;
}

function stepsOf(dir: string, rel: string | undefined): HostLine['steps'] {
  if (!rel) return undefined;
  try {
    const doc = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as { steps?: Array<{ name: string; ms?: number; status: string }> };
    return doc.steps?.map((s) => ({ name: s.name, seconds: Math.round((s.ms ?? 0) / 100) / 10, status: s.status }));
  } catch {
    return undefined;
  }
}

export function summaryJson(s: RunSummary, runsDir: string, mode: InstallMode, needs: Map<string, string[]>, redactor: Redactor, wallMs: number) {
  const dir = runDir(runsDir, s.runId);
  const hosts: HostLine[] = s.hosts.map((h) => {
    const line: HostLine = {
      target: h.target,
      environmentId: h.environmentId ?? null,
      edgeId: h.edgeId ?? null,
      state: h.status,
      checkedIn: h.checkedIn === true,
      attempts: h.attempts,
    };
    const outcome = h.detail?.outcome;
    if (outcome) line.outcome = outcome;
    if (h.tunnel) line.tunnel = h.tunnel;
    if (h.reason) line.reason = redactor.redact(h.reason);
    if (h.reasonCode && !hostOk(h, mode)) line.reasonCode = h.reasonCode;
    const fix = fixFor(h, s.runId, needs.get(h.target));
    if (fix && !hostOk(h, mode)) line.fix = redactor.redact(fix);
    if (h.startedAt) line.startedAt = h.startedAt;
    if (h.finishedAt) line.finishedAt = h.finishedAt;
    if (h.ms !== undefined) line.seconds = Math.round(h.ms / 100) / 10;
    const steps = stepsOf(dir, h.transcript);
    if (steps) line.steps = steps;
    if (h.transcript) line.transcript = join(dir, h.transcript);
    if (h.secretFilesLeft?.length) line.secretFilesLeft = h.secretFilesLeft;
    return line;
  });
  const ok = s.hosts.every((h) => hostOk(h, mode));
  return {
    runId: s.runId,
    runDir: dir,
    mode,
    ok,
    ...(s.stoppedBecause ? { stoppedBecause: s.stoppedBecause } : {}),
    counts: s.counts,
    seconds: Math.round(wallMs / 100) / 10,
    hosts,
  };
}

