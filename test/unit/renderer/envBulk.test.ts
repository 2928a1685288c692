import { describe, expect, it } from 'vitest';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { planDelete, planDisassociate, planGroupTags, runBulk, type PlannedItem } from '../../../src-renderer/features/environments/bulkPlan';
import { pageRequest, sortAfterClick, type ListQuery } from '../../../src-renderer/features/environments/envListStore';
import { GRID_MIN_WIDTH, platformText } from '../../../src-renderer/features/environments/listColumns';

function env(id: number, patch: Partial<EnvironmentView> = {}): EnvironmentView {
  return { id, name: `env-${id}`, type: 4, edge: true, containerEngine: 'docker', groupId: 1, tagIds: [], url: 'h', status: 1, checkinInterval: 0, lastCheckIn: 0, queryDate: 0, heartbeat: false, state: 'never', userTrusted: true, ...patch };
}

const book = {
  groups: [
    { id: 1, name: 'Unassigned', description: '', tagIds: [] },
    { id: 2, name: 'shops', description: '', tagIds: [] },
  ],
  tags: [
    { id: 10, name: 'a' },
    { id: 11, name: 'b' },
  ],
};

// Issue #11 "also expected": bulk actions whose confirmation lists exactly what will change.
describe('bulk plans', () => {
  it('group and tags: each environment gets exactly its change, unchanged ones are listed apart', () => {
    const plan = planGroupTags([env(1, { tagIds: [11] }), env(2, { groupId: 2, tagIds: [10] }), env(3)], { groupId: 2, addTagIds: [10], removeTagIds: [11] }, book);
    expect(plan.items).toEqual([
      { id: 1, name: 'env-1', change: 'group Unassigned → shops; tags + a, − b', request: { call: 'update', id: 1, groupId: 2, tagIds: [10] } },
      { id: 3, name: 'env-3', change: 'group Unassigned → shops; tags + a', request: { call: 'update', id: 3, groupId: 2, tagIds: [10] } },
    ]);
    expect(plan.skipped).toEqual([{ id: 2, name: 'env-2', reason: 'already so: nothing changes' }]);
    // Tags only: the group is not sent (each keeps its own).
    expect(planGroupTags([env(4, { groupId: 2 })], { addTagIds: [11], removeTagIds: [] }, book).items[0]!.request).toEqual({ call: 'update', id: 4, tagIds: [11] });
  });

  it('disassociate: only environments with a bound Edge ID', () => {
    const plan = planDisassociate([env(1, { edgeId: 'dev-1' }), env(2)]);
    expect(plan.items.map((i) => [i.id, i.change])).toEqual([[1, 'Edge ID dev-1 cleared: the next agent to poll binds its own']]);
    expect(plan.skipped.map((s) => s.id)).toEqual([2]);
    expect(planDelete([env(5)]).items[0]!.request).toEqual({ call: 'delete', id: 5 });
  });

  it('runs every item to a result: failures keep their reason, a stop leaves the rest "not started"', async () => {
    const items: PlannedItem[] = planDelete([1, 2, 3, 4, 5, 6].map((id) => env(id))).items;
    let stop = false;
    const seen: number[] = [];
    const results = await runBulk(
      items,
      async (item) => {
        seen.push(item.id);
        if (item.id === 2) throw new Error('There is no environment with ID 2 on this server.');
        if (item.id === 3) stop = true;
        return undefined;
      },
      { concurrency: 1, stopped: () => stop },
    );
    expect(results.map((r) => [r.id, r.status])).toEqual([
      [1, 'done'],
      [2, 'failed'],
      [3, 'done'],
      [4, 'not started'],
      [5, 'not started'],
      [6, 'not started'],
    ]);
    expect(results[1]!.message).toBe('There is no environment with ID 2 on this server.');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('runs at most `concurrency` at once', async () => {
    let running = 0;
    let peak = 0;
    await runBulk(planDelete([1, 2, 3, 4, 5, 6, 7].map((id) => env(id))).items, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return undefined;
    }, { concurrency: 3 });
    expect(peak).toBe(3);
  });
});

describe('list query', () => {
  const q: ListQuery = { search: '', sort: 'Name', order: 'asc', tagIds: [] };

  it('a header click sorts by its column, a second click the other way', () => {
    expect(sortAfterClick(q, 'Name')).toEqual({ sort: 'Name', order: 'desc' });
    expect(sortAfterClick({ sort: 'Name', order: 'desc' }, 'Name')).toEqual({ sort: 'Name', order: 'asc' });
    expect(sortAfterClick(q, 'LastCheckIn')).toEqual({ sort: 'LastCheckIn', order: 'desc' });
    expect(sortAfterClick(q, 'Group')).toEqual({ sort: 'Group', order: 'asc' });
  });

  it('sends the platform and agent version filters as the contract takes them', () => {
    expect(pageRequest({ ...q, platform: 'kubernetes', agentVersion: '2.23.0' }, 2, 1000)).toEqual({ start: 2001, limit: 1000, sort: 'Name', order: 'asc', platform: 'kubernetes', agentVersions: ['2.23.0'] });
  });

  it('names the platform as Portainer does and fits its columns in 1024 px with the sidebar open', () => {
    expect(platformText({ type: 7, containerEngine: '' })).toBe('Kubernetes');
    expect(platformText({ type: 4, containerEngine: 'podman' })).toBe('Podman');
    expect(platformText({ type: 4, containerEngine: 'docker' })).toBe('Docker');
    // 1024 − 240 (sidebar) − 2 × 16 (page padding) − 15 (a scroll bar) = 737 px for the grid.
    expect(GRID_MIN_WIDTH).toBeLessThanOrEqual(737);
  });
});
