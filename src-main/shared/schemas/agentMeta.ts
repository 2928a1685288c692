import { z } from 'zod';

/**
 * Auto-onboarding metadata an install or export writes into the agent's environment
 * (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS; docs/portainer-versions.md fact 1). The agent
 * sends them when it enrols with a global key; Portainer reads them only then.
 */
const id = z.number().int().positive();
export const agentMetaSchema = z
  .object({
    edgeGroupIds: z.array(id).max(200).optional(),
    groupId: id.optional(),
    tagIds: z.array(id).max(200).optional(),
  })
  .strict();
