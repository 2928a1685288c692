import type { EnvironmentView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';

/**
 * What a bulk action will do to each selected environment, worked out before anything is sent, so
 * the confirmation lists exactly the changes and the run sends exactly those (pure: unit-tested).
 */
export type BulkKind = 'delete' | 'groupTags' | 'disassociate';

export interface GroupTagsChange {
  /** The new group; undefined keeps each environment's own. */
  groupId?: number;
  addTagIds: number[];
  removeTagIds: number[];
}

/** The request of one item: the contract call it makes, with its payload. */
export type BulkRequest =
  | { call: 'delete'; id: number }
  | { call: 'disassociate'; id: number }
  | { call: 'update'; id: number; groupId?: number; tagIds?: number[] };

export interface PlannedItem {
  id: number;
  name: string;
  /** The change in words, e.g. "group Unassigned → shops; tags + a, − b". */
  change: string;
  request: BulkRequest;
}

export interface SkippedItem {
  id: number;
  name: string;
  reason: string;
}

export interface BulkPlan {
  items: PlannedItem[];
  skipped: SkippedItem[];
}

export interface NameBook {
  groups: GroupView[];
  tags: TagView[];
}

const groupName = (book: NameBook, id: number) => book.groups.find((g) => g.id === id)?.name ?? (id === 1 ? 'Unassigned' : `group #${id}`);
const tagName = (book: NameBook, id: number) => book.tags.find((t) => t.id === id)?.name ?? `tag #${id}`;

export function planDelete(envs: EnvironmentView[]): BulkPlan {
  return { items: envs.map((e) => ({ id: e.id, name: e.name, change: 'deleted, with its join token and Edge ID binding', request: { call: 'delete', id: e.id } })), skipped: [] };
}

/** Only environments with a bound Edge ID have something to clear; the others are listed as skipped. */
export function planDisassociate(envs: EnvironmentView[]): BulkPlan {
  const plan: BulkPlan = { items: [], skipped: [] };
  for (const e of envs) {
    if (!e.edge) plan.skipped.push({ id: e.id, name: e.name, reason: 'not an Edge environment' });
    else if (!e.edgeId) plan.skipped.push({ id: e.id, name: e.name, reason: 'no Edge ID bound yet: nothing to clear' });
    else plan.items.push({ id: e.id, name: e.name, change: `Edge ID ${e.edgeId} cleared: the next agent to poll binds its own`, request: { call: 'disassociate', id: e.id } });
  }
  return plan;
}

export function planGroupTags(envs: EnvironmentView[], change: GroupTagsChange, book: NameBook): BulkPlan {
  const plan: BulkPlan = { items: [], skipped: [] };
  const remove = new Set(change.removeTagIds);
  for (const e of envs) {
    const tagIds = [...new Set([...e.tagIds.filter((t) => !remove.has(t)), ...change.addTagIds])];
    const added = tagIds.filter((t) => !e.tagIds.includes(t));
    const removed = e.tagIds.filter((t) => !tagIds.includes(t));
    const groupChanges = change.groupId !== undefined && change.groupId !== e.groupId;
    const words: string[] = [];
    if (groupChanges) words.push(`group ${groupName(book, e.groupId)} → ${groupName(book, change.groupId!)}`);
    if (added.length || removed.length) {
      const parts = [...added.map((t) => `+ ${tagName(book, t)}`), ...removed.map((t) => `− ${tagName(book, t)}`)];
      words.push(`tags ${parts.join(', ')}`);
    }
    if (!words.length) {
      plan.skipped.push({ id: e.id, name: e.name, reason: 'already so: nothing changes' });
      continue;
    }
    plan.items.push({
      id: e.id,
      name: e.name,
      change: words.join('; '),
      request: { call: 'update', id: e.id, ...(groupChanges ? { groupId: change.groupId } : {}), ...(added.length || removed.length ? { tagIds } : {}) },
    });
  }
  return plan;
}

export interface ItemResult {
  id: number;
  name: string;
  status: 'done' | 'failed' | 'not started';
  message?: string;
  /** The environment as the server returned it after the change (update, disassociate). */
  env?: EnvironmentView;
}

/**
 * Runs `work` on each item, `concurrency` at a time, reporting after each; `stopped()` true stops
 * starting new ones (those already sent finish). Every item ends with a result: done, failed with
 * its reason, or not started, so nothing is left half-done without saying so.
 */
export async function runBulk(
  items: PlannedItem[],
  work: (item: PlannedItem) => Promise<EnvironmentView | undefined>,
  options: { concurrency?: number; stopped?: () => boolean; onResult?: (r: ItemResult, results: ItemResult[]) => void } = {},
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      let result: ItemResult;
      if (options.stopped?.()) {
        result = { id: item.id, name: item.name, status: 'not started', message: 'stopped before it was sent' };
      } else {
        try {
          const env = await work(item);
          result = { id: item.id, name: item.name, status: 'done', ...(env ? { env } : {}) };
        } catch (err) {
          result = { id: item.id, name: item.name, status: 'failed', message: err instanceof Error ? err.message : String(err) };
        }
      }
      results.push(result);
      options.onResult?.(result, results);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, items.length)) }, worker));
  return results;
}
