import type { FailureReason } from '../../shared/domain/failures';
import type { AgentMeta } from '../../shared/domain/types';
import type { SshPlatform } from '../../shared/schemas/run';
import type { Redactor } from '../logging/redact';
import type { SshConnection } from '../ssh/connection';
import type { Prompter } from '../ssh/prompter';
import type { CheckinPoller, CheckinProbe } from './checkinPoller';
import type { RunImage } from './imageArchive';
import type { Diagnosis } from './logSignatures';
import type { Check } from './preflight';
import type { SwarmNodeAccess } from './swarmNodeImages';
import type { HostTranscript } from './transcript';

/** What one host gets: the platform, the agent's version, and its environment's key and Edge ID. */
export interface HostPlan {
  platform: SshPlatform;
  agentVersion: string;
  edgeKey: string;
  edgeId: string;
  insecurePoll: boolean;
  agentSecret?: string;
  /** Extra env vars, Portainer's comma-separated field (NAME=value or bare NAME from the target's environment). */
  envVars?: string;
  /** Auto-onboarding metadata variables (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS). */
  meta?: AgentMeta;
  environmentId: number;
  /** The environment's name, for the Kubernetes manifest's header comment (default: the target). */
  environmentName?: string;
  /** The environment's check-in interval in seconds (server default when 0). */
  checkinIntervalS: number;
}

export type InstallMode = 'install' | 'preflight-only' | 'dry-run';

/**
 * The caller's SSH connection and concurrency slot, for a verification that runs without them
 * (see fleet.ts PIPELINE). Without a lease, the installer keeps the connection for the whole host.
 */
export interface SshLease {
  /** The SSH work is done (agent started, container running): close the connection, free the slot. */
  release(): void;
  /** A slot and a fresh connection again, for `docker logs` after a failed verification; call done() after. */
  reconnect(): Promise<{ conn: SshConnection; done(): void }>;
}

export interface InstallHostOptions {
  conn: SshConnection;
  plan: HostPlan;
  probe?: CheckinProbe;
  transcript: HostTranscript;
  redactor: Redactor;
  prompter: Prompter;
  target: string;
  /** Known up front (CLI --sudo-password-stdin); else the prompter is asked when sudo needs one. */
  sudoPassword?: string;
  /** Root-only folder for the env file; default /etc/portainer-edge. */
  remoteDir?: string;
  /** What to do with an existing, different agent: ask the prompter (default), always replace, or never. */
  replaceExisting?: 'ask' | 'always' | 'never';
  mode?: InstallMode;
  signal?: AbortSignal;
  now?: () => number;
  resolveOnDesktop?: (host: string) => Promise<string[]>;
  /** Between container checks (default 1000 ms); also the slow check-in probe interval when no poller is given. */
  pollMs?: number;
  containerWaitMs?: number;
  /** Shared check-in poller of the run (one per fleet run); default: a private one for this host. */
  checkins?: CheckinPoller;
  lease?: SshLease;
  /** How long to wait for the first check-in once the agent runs (default 2 × interval + 35 s: shared/domain/checkinWait.ts). */
  checkinTimeoutS?: number;
  /**
   * The agent's container / service name (default portainer_edge_agent, its volume
   * portainer_agent_data). Another name (volume `<name>_data`) is for test hosts that share one
   * engine, as remoteDir is for hosts that share one file system.
   */
  agentName?: string;
  /** --push-image: the run's agent image, loaded on the host over SSH when it lacks it (Docker, Swarm, Podman). */
  pushImage?: RunImage;
  /** Swarm with --push-image: how to reach the swarm's other nodes over SSH (swarmNodeImages.ts). */
  swarmNodes?: SwarmNodeAccess;
  /** Secret files an earlier run could not remove from this host (leftoverSecretFiles.ts): removed first. */
  leftoverSecretFiles?: string[];
}

export interface HostOutcome {
  status: 'installed' | 'unchanged' | 'preflight-ok' | 'dry-run' | 'failed';
  /** What happened, in words (failed hosts). */
  reason?: string;
  /** Why, as a stable code, and what to do (failed hosts; shared/domain/failures.ts). */
  reasonCode?: FailureReason;
  fix?: string;
  checks: Check[];
  diagnoses?: Diagnosis[];
  checkedIn?: boolean;
  tunnel?: 'verified' | 'not-verified' | 'unknown';
  /** The commands the install runs (dry-run shows them; never holds secrets). */
  commands?: string[];
  /** Files holding secrets whose removal the host did not confirm: a copy may remain there. */
  secretFilesLeft?: string[];
}

/** The check-in interval the waits count with (the server default, 5 s, when the environment has 0). */
export function checkinInterval(plan: HostPlan): number {
  return plan.checkinIntervalS > 0 ? plan.checkinIntervalS : 5;
}

/** The secrets an agent already on the host must hold to count as this plan's agent. */
export function wantedSecrets(plan: HostPlan): { edgeKey: string; agentSecret?: string } {
  return plan.agentSecret !== undefined ? { edgeKey: plan.edgeKey, agentSecret: plan.agentSecret } : { edgeKey: plan.edgeKey };
}
