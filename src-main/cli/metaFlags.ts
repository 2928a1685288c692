import { invalidInput } from '../shared/contract/errors';
import { parseIdList } from '../shared/domain/idList';
import type { AgentMeta } from '../shared/domain/types';

/**
 * The auto-onboarding metadata flags, spelled as `edgedeck command` spells them (issue #15):
 * --edge-groups 1,2 → EDGE_GROUPS, --group-id 5 → PORTAINER_GROUP, --tag-ids 10,20 → PORTAINER_TAGS.
 */
export const META_OPTIONS = {
  'edge-groups': { type: 'string' },
  'group-id': { type: 'string' },
  'tag-ids': { type: 'string' },
} as const;

export const META_FLAG_OF_FIELD: Record<keyof AgentMeta, string> = { edgeGroupIds: '--edge-groups', groupId: '--group-id', tagIds: '--tag-ids' };

export const META_USAGE = '[--edge-groups 1,2] [--group-id 5] [--tag-ids 10,20]';

/** The metadata the flags ask for; undefined when none is given. */
export function metaFromFlags(values: { 'edge-groups'?: string; 'group-id'?: string; 'tag-ids'?: string }): AgentMeta | undefined {
  const groupId = values['group-id'] !== undefined ? parseIdList(values['group-id'], '--group-id', 'environment group') : undefined;
  if (groupId && groupId.length !== 1) throw invalidInput('--group-id', 'takes one environment group id, e.g. --group-id 5.');
  const meta: AgentMeta = {
    ...(values['edge-groups'] !== undefined ? { edgeGroupIds: parseIdList(values['edge-groups'], '--edge-groups', 'Edge group') } : {}),
    ...(groupId ? { groupId: groupId[0]! } : {}),
    ...(values['tag-ids'] !== undefined ? { tagIds: parseIdList(values['tag-ids'], '--tag-ids', 'tag') } : {}),
  };
  return Object.keys(meta).length ? meta : undefined;
}
