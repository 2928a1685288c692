import type { GroupView, TagView } from '../../../src-main/shared/schemas/portainer';

/**
 * A group and tags as the user typed them, against what the server has: known ones by id
 * (exact name first, else case-insensitive), new ones by name for the server to create.
 */
export function groupAndTagRefs(
  groups: GroupView[],
  tags: TagView[],
  groupText: string,
  tagTexts: string[],
): { groupId?: number; groupName?: string; tagIds: number[]; tagNames: string[] } {
  const name = groupText.trim();
  const group = name === '' ? undefined : (groups.find((g) => g.name === name) ?? groups.find((g) => g.name.toLowerCase() === name.toLowerCase()));
  const tagIds: number[] = [];
  const tagNames: string[] = [];
  for (const raw of tagTexts) {
    const t = raw.trim();
    if (!t) continue;
    const found = tags.find((x) => x.name === t) ?? tags.find((x) => x.name.toLowerCase() === t.toLowerCase());
    if (found) tagIds.push(found.id);
    else tagNames.push(t);
  }
  return { ...(group ? { groupId: group.id } : name ? { groupName: name } : {}), tagIds, tagNames };
}
