import type { GroupTagCalls } from '../../shared/domain/groupsAndTags';
import type { GroupView, TagView } from '../../shared/schemas/portainer';
import type { PortainerClient } from './client';

/**
 * A Portainer client as the core's group/tag resolver wants it (shared/domain/groupsAndTags.ts).
 * With `create: false` the resolver only looks names up (dry runs, previews).
 */
export function groupTagCalls(client: Pick<PortainerClient, 'listGroups' | 'listTags' | 'createGroup' | 'createTag'>, o: { create: boolean; signal?: AbortSignal }): GroupTagCalls<GroupView, TagView> {
  const calls: GroupTagCalls<GroupView, TagView> = {
    listGroups: () => client.listGroups(o.signal),
    listTags: () => client.listTags(o.signal),
  };
  if (o.create) {
    calls.createGroup = (name) => client.createGroup({ name }, o.signal);
    calls.createTag = (name) => client.createTag(name, o.signal);
  }
  return calls;
}
