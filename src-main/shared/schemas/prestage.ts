import { z } from 'zod';
import { agentMetaSchema } from './agentMeta';
import { imageSourceSchema } from './install';

/** Requests and views of the prestage (offline join token) calls. Views never carry a join token. */

export const bundleFormatSchema = z.enum(['env', 'script', 'compose', 'ps1', 'cloud-init', 'k8s', 'ansible', 'labels']);
export const devicePlatformSchema = z.enum(['standalone', 'podman', 'kubernetes', 'windows']);

const id = z.number().int().positive();
const outDir = z.string().trim().min(1, 'Choose the folder to write the export to.').max(4096);
const expires = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Write the expiry date as YYYY-MM-DD.')
  .optional();
const encrypt = z
  .union([
    z.object({ passphrase: z.string().min(8, 'Use a passphrase of at least 8 characters.').max(1024) }).strict(),
    z.object({ recipients: z.array(z.string().trim().min(1).max(200)).min(1).max(50) }).strict(),
  ])
  .optional();

const exportOptions = {
  outDir,
  formats: z.array(bundleFormatSchema).max(8).optional(),
  expires,
  labelsIncludeKey: z.boolean().default(false),
  platform: devicePlatformSchema.optional(),
  insecurePoll: z.boolean().optional(),
  envVars: z.string().max(4096).optional(),
  /** Auto-onboarding metadata variables for every device (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS). */
  meta: agentMetaSchema.optional(),
  encrypt,
};

export const prestageExportRequest = z
  .object({
    environmentIds: z.array(id).min(1, 'Choose at least one environment.').max(5000),
    /** Use the local copy without contacting the server. */
    offline: z.boolean().default(false),
    ...exportOptions,
    /** CLI --include-image [--image-archive FILE]: the agent image archive in a folder export. */
    image: imageSourceSchema.optional(),
  })
  .strict();

export const globalFormatSchema = z.enum(['env', 'script', 'cloud-init']);

/** CLI `export --global-key`: one auto-onboarding bundle for any number of devices (environment id 0). */
export const prestageExportGlobalRequest = z
  .object({
    outDir,
    /** The Portainer URL agents use (default: the server profile's URL). */
    portainerUrl: z.string().trim().max(2048).optional(),
    platform: z.enum(['standalone', 'podman']).default('standalone'),
    formats: z.array(globalFormatSchema).min(1, 'Choose at least one format.').max(3).optional(),
    insecurePoll: z.boolean().optional(),
    envVars: z.string().max(4096).optional(),
    meta: agentMetaSchema.optional(),
    /** The shell command each device runs once to make its Edge ID (default: cat /proc/sys/kernel/random/uuid). */
    edgeIdGenerator: z.string().trim().min(1).max(500).optional(),
    expires,
    encrypt,
  })
  .strict();

export interface PrestageGlobalExportView {
  path: string;
  files: number;
  encrypted: boolean;
  platform: 'standalone' | 'podman';
  agentVersion: string;
}

/** The devices CSV of a bulk pre-creation: its columns (read by services/prestage/devicesCsv.ts) and size limit. */
export const DEVICES_CSV_COLUMNS = ['name', 'group', 'tags', 'poll', 'platform', 'edge_id', 'host'] as const;
export const DEVICES_CSV_MAX_BYTES = 5_000_000;

const csvText = z.string().min(1, 'The CSV file is empty.').max(DEVICES_CSV_MAX_BYTES, 'The CSV file is larger than 5 MB; split it.');

/** The import form's checkbox for `createGroups`: the renderer shows it, and row errors name it. */
export const CREATE_GROUPS_LABEL = 'Create missing groups';

export const prestageImportPlanRequest = z.object({ csv: csvText, createGroups: z.boolean().default(false) }).strict();

export const prestageImportRunRequest = z
  .object({
    csv: csvText,
    createGroups: z.boolean().default(false),
    /** The Portainer URL agents use (default: the server profile's URL). */
    portainerUrl: z.string().trim().max(2048).optional(),
    ...exportOptions,
  })
  .strict();

export const prestageUnusedRequest = z.object({ days: z.number().int().min(0).max(3650) }).strict();
export const prestageDeleteUnusedRequest = z.object({ ids: z.array(id).min(1).max(5000), confirm: z.literal(true, 'Confirm the deletion.') }).strict();

export interface PrestageExportView {
  path: string;
  files: number;
  devices: number;
  encrypted: boolean;
  source: 'server' | 'cache';
  warnings: string[];
  /** Files at the top and in each device folder, as written. */
  layout: { top: string[]; perDevice: string[] };
  /** The agent image archive the export holds (include-image): under agent-image/, with its .sha256. */
  image?: { file: string; size: number; sha256: string };
}

export interface PrestagePlanItemView {
  row: number;
  name: string;
  action: 'create' | 'exists' | 'error';
  message: string;
  environmentId?: number;
}

export interface PrestagePlanView {
  items: PrestagePlanItemView[];
  create: number;
  exists: number;
  errors: number;
  newGroups: string[];
  newTags: string[];
  warnings: string[];
}

export interface PrestageImportView {
  items: Array<{ row: number; name: string; action: 'created' | 'existing' | 'failed'; environmentId?: number; message?: string }>;
  created: number;
  failed: number;
  /** Absent when nothing could be exported, or when the plan had errors (then nothing is created). */
  export?: PrestageExportView;
  plan: PrestagePlanView;
}

export interface PrestageUnusedView {
  days: number;
  items: Array<{ environmentId: number; name: string; createdAt: string | null; ageDays: number | null; eligible: boolean }>;
  eligible: number[];
  unknownAge: number;
}

export interface PrestageCachedView {
  environments: Array<{ environmentId: number; name: string; edgeId: string; serverUrl: string; agentVersion: string; platform: string; createdAt: string; lastConfirmedWithServer: string }>;
}
