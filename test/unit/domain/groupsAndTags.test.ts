import { describe, expect, it } from 'vitest';
import { findByName, resolveGroupAndTags, resolveNames, type Named } from '../../../src-main/shared/domain/groupsAndTags';

/** A server's groups and tags in memory, counting the calls the resolver makes. */
function fakeServer(groups: Named[], tags: Named[], o: { failTag?: string } = {}) {
  const calls: string[] = [];
  let next = 100;
  return {
    calls,
    groups,
    tags,
    listGroups: async () => (calls.push('listGroups'), [...groups]),
    listTags: async () => (calls.push('listTags'), [...tags]),
    createGroup: async (name: string) => {
      calls.push(`createGroup ${name}`);
      const g = { id: next++, name };
      groups.push(g);
      return g;
    },
    createTag: async (name: string) => {
      calls.push(`createTag ${name}`);
      if (name === o.failTag) throw new Error(`tag ${name} refused`);
      const t = { id: next++, name };
      tags.push(t);
      return t;
    },
  };
}

describe('findByName', () => {
  it('exact spelling first, then ignoring case; trims the name', () => {
    const list = [{ id: 1, name: 'edge' }, { id: 2, name: 'Edge' }];
    expect(findByName(list, 'Edge')?.id).toBe(2);
    expect(findByName(list, 'EDGE ')?.id).toBe(1);
    expect(findByName(list, 'core')).toBeUndefined();
  });
});

describe('resolveNames', () => {
  it('creates each missing name once, even when spelled in two cases', async () => {
    const s = fakeServer([], [{ id: 1, name: 'prod' }]);
    const r = await resolveNames(s.tags, ['Prod', 'rack-1', 'RACK-1', ' ', 'rack-2'], s.createTag);
    expect(r.found.map((t) => t.name)).toEqual(['prod', 'rack-1', 'rack-2']);
    expect(r.created.map((t) => t.name)).toEqual(['rack-1', 'rack-2']);
    expect(s.calls).toEqual(['createTag rack-1', 'createTag rack-2']);
  });
  it('without a create function, reports what is missing', async () => {
    const r = await resolveNames([{ id: 1, name: 'a' }], ['a', 'b', 'B']);
    expect(r).toEqual({ found: [{ id: 1, name: 'a' }], created: [], missing: ['b'] });
  });
});

describe('resolveGroupAndTags', () => {
  it('asks only for what is requested, and creates what is missing', async () => {
    const s = fakeServer([{ id: 1, name: 'Unassigned' }, { id: 2, name: 'Factory' }], [{ id: 5, name: 'linux' }]);
    const r = await resolveGroupAndTags(s, { group: 'factory', tags: ['Linux', 'new'] });
    expect(r).toMatchObject({ groupId: 2, tagIds: [5, 100], created: { tags: [{ id: 100, name: 'new' }] }, missing: { tags: [] } });
    expect(s.calls).toEqual(['listGroups', 'listTags', 'createTag new']);
    const t = fakeServer([], []);
    expect(await resolveGroupAndTags(t, {})).toEqual({ created: { tags: [] }, missing: { tags: [] } });
    expect(t.calls).toEqual([]);
  });
  it('looks up only when the create calls are left out (dry runs)', async () => {
    const s = fakeServer([], [{ id: 5, name: 'linux' }]);
    const r = await resolveGroupAndTags({ listGroups: s.listGroups, listTags: s.listTags }, { group: 'g', tags: ['linux', 'x'] });
    expect(r).toEqual({ tagIds: [5], created: { tags: [] }, missing: { group: 'g', tags: ['x'] } });
  });
  it('a failure on the way leaves what was created in the caller\'s record', async () => {
    const s = fakeServer([], [], { failTag: 'bad' });
    const created = { tags: [] as Named[] } as { group?: Named; tags: Named[] };
    await expect(resolveGroupAndTags(s, { group: 'g', tags: ['ok', 'bad'] }, created)).rejects.toThrow(/tag bad refused/);
    expect(created).toEqual({ group: { id: 100, name: 'g' }, tags: [{ id: 101, name: 'ok' }] });
  });
});
