import { z } from 'zod';

/** Request schemas for the pure edge tools. Limits keep a pasted blob from tying up main. */
export const edgeKeyText = z.string().trim().min(1, 'Paste a join token (Edge key).').max(8192, 'A join token is at most 8 KiB.');

export const keyDecodeRequest = z.object({ key: edgeKeyText });

export const keyEncodeRequest = z.object({
  portainerUrl: z.string().min(1, 'The Portainer URL is required.').max(2048),
  tunnelAddress: z.string().min(1, 'The tunnel address (host:port) is required.').max(1024),
  tunnelFingerprint: z.string().max(512),
  environmentId: z.number().int('The environment ID is a whole number.').min(0, 'The environment ID cannot be negative.'),
});

export const platformSchema = z.enum(['standalone', 'swarm', 'podman', 'kubernetes', 'nomad']);
export const osSchema = z.enum(['linux', 'windows']);

export const commandOptionsSchema = z.object({
  platform: platformSchema,
  os: osSchema,
  agentVersion: z.string().min(1, 'The agent version (the server version) is required.').max(64),
  edgeKey: edgeKeyText,
  edgeId: z.string().max(512).optional(),
  edgeIdGenerator: z.string().max(1024).optional(),
  insecurePoll: z.boolean().default(true),
  agentSecret: z.string().max(1024).optional(),
  envVars: z.string().max(8192).optional(),
  async: z.boolean().optional(),
  nomadToken: z.string().max(1024).optional(),
  nomadTls: z.boolean().optional(),
});

export const platformsRequest = z.object({ serverVersion: z.string().min(1).max(64), os: osSchema });
