import { z } from 'zod';
import { checkinWaitProblem } from '../domain/checkinWait';
import { FAILURE_REASONS } from '../domain/failures';

/** A run's id, which names its folder under runs/: letters, digits, '_' and '-', at most 64. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The record of an SSH run as main keeps it (summary.json, one transcript per host attempt) and
 * sends it (ssh:run, ssh:transcript, ssh:runs, the ssh:install task's result). One definition:
 * main's fleet runner and transcript writer take their types from here, the renderer reads the
 * same types, and the renderer's test fakes are checked against these schemas.
 */

export const hostStatusSchema = z.enum(['pending', 'running', 'succeeded', 'unchanged', 'failed', 'cancelled', 'skipped']);
export type HostStatus = z.infer<typeof hostStatusSchema>;

/** One preflight or connection check of a host. */
export const checkSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['pass', 'warn', 'fail']),
    found: z.string(),
    fix: z.string().optional(),
  })
  .strict();
export type CheckView = z.infer<typeof checkSchema>;

/** A known agent log line found after a failed check-in (services/install/logSignatures.ts). */
export const diagnosisSchema = z.object({ signature: z.string(), cause: z.string(), fix: z.string(), line: z.string() }).strict();
export type DiagnosisView = z.infer<typeof diagnosisSchema>;

/** What a host's job adds to its record (no secrets). */
export const hostDetailSchema = z
  .object({
    outcome: z.enum(['installed', 'unchanged', 'preflight-ok', 'dry-run', 'failed', 'connected']).optional(),
    checks: z.array(checkSchema).optional(),
    diagnoses: z.array(diagnosisSchema).optional(),
    /** The commands of a dry run. */
    commands: z.array(z.string()).optional(),
    /** Connection test: how privileged commands would run. */
    privilege: z.enum(['root', 'sudo-nopasswd', 'sudo-password', 'none']).optional(),
    /** The failure was about the host key. */
    hostKey: z.boolean().optional(),
    /** A changed host key: the known_hosts name and where the old key is (the Install screen offers to forget it). */
    changedHostKey: z.object({ name: z.string(), source: z.enum(['app', 'file']) }).strict().optional(),
  })
  .strict();
export type HostDetail = z.infer<typeof hostDetailSchema>;

export const hostRecordSchema = z
  .object({
    target: z.string(),
    status: hostStatusSchema,
    /** What happened, in words. */
    reason: z.string().optional(),
    /** Why, as a stable code, and what to do next (shared/domain/failures.ts). */
    reasonCode: z.enum(FAILURE_REASONS).optional(),
    fix: z.string().optional(),
    /** The Portainer environment this host is bound to (kept across resumes). */
    environmentId: z.number().int().optional(),
    edgeId: z.string().optional(),
    attempts: z.number().int().min(0),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    ms: z.number().optional(),
    /** The transcript's path inside the run folder. */
    transcript: z.string().optional(),
    checkedIn: z.boolean().optional(),
    tunnel: z.enum(['verified', 'not-verified', 'unknown']).optional(),
    detail: hostDetailSchema.optional(),
    /**
     * Files holding secrets (env file, manifest, staged copy) whose removal failed or was not
     * confirmed by the host: a copy may remain there. The next run that reaches the host retries.
     */
    secretFilesLeft: z.array(z.string()).optional(),
    /**
     * While status is 'running': 'ssh' (holds a concurrency slot: connect, preflight, install) or
     * 'verifying' (slot given back; waiting for the agent's first check-in through the API).
     */
    phase: z.enum(['ssh', 'verifying']).optional(),
  })
  .strict();
export type HostRecord = z.infer<typeof hostRecordSchema>;

export const environmentChoiceSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('existing'), id: z.number().int().positive() }).strict(),
  z
    .object({
      mode: z.literal('create'),
      nameTemplate: z.string(),
      groupId: z.number().int().optional(),
      tagIds: z.array(z.number().int()).optional(),
      pollSeconds: z.number().int().optional(),
    })
    .strict(),
]);
export type EnvironmentChoice = z.infer<typeof environmentChoiceSchema>;

/** The platforms an SSH install supports (Nomad is copy-paste only). */
export const sshPlatformSchema = z.enum(['standalone', 'swarm', 'podman', 'kubernetes']);
export type SshPlatform = z.infer<typeof sshPlatformSchema>;

/** Each host's wait for its first check-in (shared/domain/checkinWait.ts: one rule, one message). */
export const checkinTimeoutSeconds = z.number().superRefine((v, ctx) => {
  const problem = checkinWaitProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The non-secret options of a run, for display and resume. */
export const runOptionsSchema = z
  .object({
    platform: sshPlatformSchema.optional(),
    insecurePoll: z.boolean().optional(),
    environment: environmentChoiceSchema.optional(),
    mode: z.enum(['install', 'preflight-only', 'dry-run', 'connect']).optional(),
    agentVersion: z.string().optional(),
    /** The check-in wait the run was given (absent: the default); a resume keeps it. */
    checkinTimeoutSeconds: checkinTimeoutSeconds.optional(),
  })
  .strict();
export type RunOptions = z.infer<typeof runOptionsSchema>;

export const hostCountsSchema = z.object(Object.fromEntries(hostStatusSchema.options.map((s) => [s, z.number().int().min(0)])) as Record<HostStatus, z.ZodNumber>).strict();

export const runSummarySchema = z
  .object({
    runId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finished: z.boolean(),
    stoppedBecause: z.string().optional(),
    options: runOptionsSchema,
    hosts: z.array(hostRecordSchema),
    counts: hostCountsSchema,
  })
  .strict();
export type RunSummary = z.infer<typeof runSummarySchema>;

/** One run in the list of past runs (ssh:runs). */
export const runListItemSchema = runSummarySchema.pick({ runId: true, createdAt: true, finished: true, counts: true });
export type RunListItem = z.infer<typeof runListItemSchema>;

export const transcriptCommandSchema = z
  .object({
    command: z.string(),
    /** Whether it ran under sudo. */
    sudo: z.boolean().optional(),
    exitCode: z.number().int().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    ms: z.number(),
    timedOut: z.boolean().optional(),
  })
  .strict();
export type TranscriptCommand = z.infer<typeof transcriptCommandSchema>;

export const transcriptStepSchema = z
  .object({
    name: z.string(),
    startedAt: z.string(),
    ms: z.number().optional(),
    status: z.enum(['running', 'ok', 'warn', 'failed', 'skipped']),
    notes: z.array(z.string()),
    commands: z.array(transcriptCommandSchema),
  })
  .strict();
export type TranscriptStep = z.infer<typeof transcriptStepSchema>;

/** One host attempt's transcript: steps, commands, outputs (redacted and capped), timings. */
export const transcriptSchema = z
  .object({
    target: z.string(),
    runId: z.string(),
    attempt: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    outcome: z.string().optional(),
    steps: z.array(transcriptStepSchema),
  })
  .strict();
export type Transcript = z.infer<typeof transcriptSchema>;

/** The answers of the run calls, checked by the contract's response schemas (contract/calls.ts). */
export const sshRunResponse = z.object({ summary: runSummarySchema }).strict();
export const sshTranscriptResponse = z.object({ transcript: transcriptSchema }).strict();
export const sshRunsResponse = z.object({ runs: z.array(runListItemSchema) }).strict();
