import type { AgentNames } from './agentNames';
import type { HostPlan, InstallHostOptions } from './hostPlan';
import type { Check, ProbeSection, RuntimeProbe } from './preflight';
import type { RemoteHost } from './remoteHost';
import type { SecretFiles } from './secretFiles';
import type { SshForVerify } from './sshForVerify';
import type { HostTranscript } from './transcript';

/**
 * The install of one host is the same story on every platform (installer.ts): one preflight, the
 * decision about an agent already there, the file that carries the secrets, the start, the wait
 * until the agent runs, and the check-in through Portainer. What differs per platform family sits
 * behind this interface: Docker-like engines (Standalone, Swarm, Podman: dockerStrategy.ts) and
 * Kubernetes through kubectl (kubernetesStrategy.ts).
 */

/** What to do about an agent the preflight found. */
export type ExistingAction = 'install' | 'unchanged' | 'replace';

/** The host as the strategies see it (installer.ts builds it). */
export interface HostBase {
  readonly o: InstallHostOptions;
  readonly plan: HostPlan;
  readonly t: HostTranscript;
  readonly host: RemoteHost;
  readonly names: AgentNames;
  /** The agent image for the plan's version (what an existing agent is compared with). */
  readonly image: string;
  /** The root-only folder for the file that carries the secrets. */
  readonly remoteDir: string;
  readonly now: () => number;
  /** The files holding secrets on the host until their removal is confirmed. */
  readonly secrets: SecretFiles;
}

/** …once the preflight found the runtime. */
export interface HostContext extends HostBase {
  /** docker, podman or kubectl as the target's PATH has it (the bare name when not found). */
  readonly runtime: string;
  /** Commands found on the target's PATH (the probe's `which` section). */
  readonly which: Readonly<Record<string, string>>;
}

/** What the common preflight hands the platform's part. */
export interface PreflightFacts {
  /** The probe's sections (preflight.ts probeScript), including the runtime's when it asked them. */
  sections: Record<string, ProbeSection>;
  /** Privileged commands can run (root, sudo without or with a given password). */
  canPrivilege: boolean;
  /** The sudo password, when sudo needs one (a Swarm's other nodes are reached with the same). */
  sudoPassword?: string;
}

/** The platform's checks, in the order they are shown, and the agent already there. */
export interface PlatformChecks {
  checks: Check[];
  existing?: { check: Check; action: ExistingAction };
  /** The ID of the agent image already on the host (Docker-like engines). */
  imageId?: string;
}

/** The agent started (or was left as it was): when its check-ins count from, and the outcome. */
export interface Started {
  sinceEpoch: number;
  status: 'installed' | 'unchanged';
  /** The start command's own look at the container, saving one exec in waitRunning(). */
  firstLook?: string;
}

export interface InstallStrategy {
  /** The runtime command the preflight looks up on the target. */
  readonly runtimeBin: string;
  /** What the preflight probe asks of the runtime in its single exec (none for Kubernetes). */
  probe(h: HostBase): RuntimeProbe | undefined;
  /** The platform's preflight checks (runtime, image or cluster access) and the existing agent. */
  preflight(h: HostContext, f: PreflightFacts): Promise<PlatformChecks>;
  /**
   * Brings onto the host what the start needs and the preflight found missing (Docker-like: the
   * agent image with --push-image). A dry run only says what it would do.
   */
  prepare(h: HostContext, found: PlatformChecks, o?: { dryRun?: boolean }): Promise<void>;
  /** The commands the install runs, as a dry run shows them (never a secret). */
  commands(h: HostContext): string[];
  /** Where the file holding the secrets goes (a dry run names it). */
  secretFile(h: HostBase): string;
  /** The question before a different agent is replaced ("… then install?"). */
  replaceQuestion(h: HostContext): string;
  /** Removes (or prepares to overwrite) the different agent once replacing it was confirmed. */
  removeExisting(h: HostContext): Promise<void>;
  /** Writes the secrets, starts the agent and removes the file again; or keeps an unchanged agent. */
  start(h: HostContext, action: ExistingAction, ssh: SshForVerify): Promise<Started>;
  /** Over SSH: until the agent runs (container, service task, rollout); fails with its logs. */
  waitRunning(h: HostContext, ssh: SshForVerify, started: Started): Promise<void>;
  /** The command that prints the agent's last 50 log lines. */
  logsCommand(h: HostContext): string;
  /**
   * Whether the agent runs, asked after a check-in wait ran out (its failure then says so and names
   * the check-in wait option): the command, and what in its output means "running". None where
   * the platform has no single container to ask about (Kubernetes: the rollout said it runs).
   */
  runningProbe?(h: HostContext): { command: string; running: RegExp };
}
