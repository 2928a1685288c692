import { z } from 'zod';
import { FAILURE_REASONS } from '../domain/failures';
import { agentMetaSchema } from './agentMeta';
import { pollSeconds } from './portainer';
import { checkinTimeoutSeconds, RUN_ID, runSummarySchema } from './run';

/** Requests and views of the SSH install and of tasks (contract: ssh:*, tasks:*; events task:*). */

const target = z.string().trim().min(1).max(300);
/**
 * The SSH password and the sudo password, given once per run (the UI's Authentication fields, the
 * CLI's --ssh-password-stdin / --sudo-password-stdin): main tries them for every host that asks
 * and asks through a task prompt only when one is missing or wrong. Kept in memory for the run.
 */
const runSecrets = {
  sshPassword: z.string().min(1).max(4096).optional(),
  sudoPassword: z.string().min(1).max(4096).optional(),
};

/** The agent image from this computer: its Docker engine (docker save) or an archive file (docker save -o FILE). */
export const imageSourceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('engine') }).strict(),
  z.object({ from: z.literal('archive'), path: z.string().trim().min(1, 'Give the path of the image archive file.').max(1000) }).strict(),
]);

export const sshInstallRequest = z
  .object({
    /** Saved server profile to use (the handler resolves its client). */
    serverId: z.string().min(1).optional(),
    environment: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('existing'), id: z.number().int().positive() }),
      z.object({
        mode: z.literal('create'),
        nameTemplate: z.string().min(1).max(200).default('{host}'),
        groupId: z.number().int().positive().optional(),
        tagIds: z.array(z.number().int().positive()).max(100).optional(),
        pollSeconds: pollSeconds.optional(),
      }),
    ]),
    platform: z.enum(['standalone', 'swarm', 'podman', 'kubernetes']),
    insecurePoll: z.boolean().default(true),
    envVars: z.string().max(4000).optional(),
    /** Auto-onboarding metadata written into the agent's environment (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS). */
    meta: agentMetaSchema.optional(),
    targets: z.array(target).min(1).max(10_000),
    jump: target.optional(),
    identityFile: z.string().max(1000).optional(),
    concurrency: z.number().int().min(1).max(200).default(10),
    canary: z.number().int().min(0).max(10_000).default(0),
    maxFailPct: z.number().min(0).max(100).default(100),
    hostKeyPolicy: z.enum(['ask', 'accept-new', 'strict']).default('ask'),
    /** connect: only the SSH connection (host key, login) and whether sudo works without a password; no server needed. */
    mode: z.enum(['install', 'preflight-only', 'dry-run', 'connect']).default('install'),
    replaceExisting: z.enum(['ask', 'always', 'never']).default('ask'),
    /** Each host's wait for its first check-in once its agent runs (CLI --checkin-timeout); absent: 2 × interval + 35 s. */
    checkinTimeoutSeconds: checkinTimeoutSeconds.optional(),
    /**
     * Bring the agent image over SSH to hosts that lack it (CLI --push-image): from this computer's
     * Docker engine (docker save) or an archive file on this computer (docker save -o FILE).
     */
    pushImage: imageSourceSchema.optional(),
    ...runSecrets,
  })
  .strict();

export const sshResumeRequest = z.object({ runId: z.string().regex(RUN_ID), serverId: z.string().min(1).optional(), ...runSecrets }).strict();
export const sshRunRequest = z.object({ runId: z.string().regex(RUN_ID) }).strict();
export const sshTranscriptRequest = z.object({ runId: z.string().regex(RUN_ID), target }).strict();
export const taskIdRequest = z.object({ taskId: z.string().uuid() }).strict();
export const taskAnswerRequest = z.object({ taskId: z.string().uuid(), promptId: z.string().uuid(), answer: z.string().max(4096).optional() }).strict();

/** One concrete Host block of ~/.ssh/config (wildcard patterns are skipped), as ssh:configHosts lists it. */
export interface SshConfigHostView {
  alias: string;
  hostName?: string;
  user?: string;
  port?: number;
  proxyJump?: string;
  identityFile?: string;
}

export const taskStatusSchema = z.enum(['running', 'cancelling', 'succeeded', 'failed', 'cancelled']);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const taskPromptViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['host-key', 'passphrase', 'password', 'sudo', 'keyboard-interactive', 'confirm']),
    target: z.string(),
    message: z.string(),
    /** Fixed answers (host-key: once/remember/reject; confirm: yes/no); absent = free text. */
    choices: z.array(z.string()).optional(),
    /** The UI must mask the input and never echo it back. */
    secret: z.boolean(),
    fingerprint: z.string().optional(),
  })
  .strict();
export type TaskPromptView = z.infer<typeof taskPromptViewSchema>;

/** A long-running task as the UI sees it. The only kind is 'ssh:install', whose result is the run's summary. */
export const taskViewSchema = z
  .object({
    id: z.string(),
    kind: z.literal('ssh:install'),
    title: z.string(),
    status: taskStatusSchema,
    progress: z.number().min(0).max(1),
    message: z.string().optional(),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    pendingPrompts: z.array(taskPromptViewSchema),
    result: runSummarySchema.optional(),
    error: z.object({ code: z.string(), message: z.string(), reason: z.enum(FAILURE_REASONS).optional(), fix: z.string().optional() }).strict().optional(),
  })
  .strict();
export type TaskView = z.infer<typeof taskViewSchema>;

export const taskLogEventSchema = z.object({ taskId: z.string(), line: z.string() }).strict();
export type TaskLogEvent = z.infer<typeof taskLogEventSchema>;

export const taskPromptEventSchema = z.object({ taskId: z.string(), prompt: taskPromptViewSchema }).strict();
export type TaskPromptEvent = z.infer<typeof taskPromptEventSchema>;

export interface SshRunStarted {
  taskId: string;
  runId: string;
}
