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
  const { ids: tagIds, names: tagNames } = namesToRefs(tags, tagTexts);
  return { ...(group ? { groupId: group.id } : name ? { groupName: name } : {}), tagIds, tagNames };
}

/** Typed names against what the server has: known ones by id, new ones by name (tags, Edge groups). */
export function namesToRefs(known: readonly { id: number; name: string }[], texts: readonly string[]): { ids: number[]; names: string[] } {
  const ids: number[] = [];
  const names: string[] = [];
  for (const raw of texts) {
    const t = raw.trim();
    if (!t) continue;
    const found = findByName(known, t);
    if (found) ids.push(found.id);
    else names.push(t);
  }
  return { ids, names };
}
