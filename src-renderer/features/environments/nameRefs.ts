import { findByName } from '../../../src-main/shared/domain/groupsAndTags';
import type { GroupView, TagView } from '../../../src-main/shared/schemas/portainer';

/**
 * A group and tags as the user typed them, against what the server has: known ones by id
 * (the core's findByName rule), new ones by name for the server to create.
 */
export function groupAndTagRefs(
  groups: GroupView[],
  tags: TagView[],
  groupText: string,
  tagTexts: string[],
): { groupId?: number; groupName?: string; tagIds: number[]; tagNames: string[] } {
  const name = groupText.trim();
  const group = name === '' ? undefined : findByName(groups, name);
  const tagIds: number[] = [];
  const tagNames: string[] = [];
  for (const raw of tagTexts) {
    const t = raw.trim();
    if (!t) continue;
    const found = findByName(tags, t);
    if (found) tagIds.push(found.id);
    else tagNames.push(t);
  }
  return { ...(group ? { groupId: group.id } : name ? { groupName: name } : {}), tagIds, tagNames };
}
