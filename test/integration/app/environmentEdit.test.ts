import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { boot, call } from './appHarness';

// Issue #11 item 5: the Edit dialog creates groups and tags by name, as the Add form does.
const dataDir = mkdtempSync(join(tmpdir(), 'edgedeck-edit-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('environments:update finds or creates the group and tags it is given by name', async () => {
  const app = await boot(dataDir);
  try {
    const created = await call(app, 'environments:create', { name: 'edit-me', tagNames: ['red'] });
    const red = created.created.tags[0].id;
    const view = await call(app, 'environments:update', { id: created.environment.id, groupName: 'warehouse', tagIds: [red], tagNames: ['blue', 'RED'] });
    const { groups } = await call(app, 'groups:list');
    const { tags } = await call(app, 'tags:list');
    const warehouse = groups.find((g: { name: string }) => g.name === 'warehouse');
    const blue = tags.find((t: { name: string }) => t.name === 'blue');
    expect(warehouse).toBeDefined();
    expect(blue).toBeDefined();
    // "RED" is the existing "red", not a second tag.
    expect(tags.filter((t: { name: string }) => t.name.toLowerCase() === 'red')).toHaveLength(1);
    expect(view.environment.groupId).toBe(warehouse.id);
    expect([...view.environment.tagIds].sort()).toEqual([red, blue.id].sort());
  } finally {
    await app.close();
  }
});

// Issue #15 item 3: the Add form's Edge groups go with the create; the environment joins them.
it('environments:create puts the new environment in the Edge groups it names (ids, and names created when missing)', async () => {
  const app = await boot(dataDir);
  try {
    const shops = await call(app, 'edgeGroups:create', { name: 'shops' });
    const other = await call(app, 'environments:create', { name: 'already-in', edgeGroupIds: [shops.id] });
    const created = await call(app, 'environments:create', { name: 'joins-groups', edgeGroupIds: [shops.id], edgeGroupNames: ['lab', 'SHOPS'] });
    const id = created.environment.id;
    const { edgeGroups } = await call(app, 'edgeGroups:list');
    const lab = edgeGroups.find((g: { name: string }) => g.name === 'lab');
    expect(created.created.edgeGroups.map((g: { name: string }) => g.name)).toEqual(['lab']);
    expect(lab.environmentIds).toEqual([id]);
    // The existing group keeps its member and gains the new one; "SHOPS" is "shops", not a new group.
    expect(edgeGroups.find((g: { id: number }) => g.id === shops.id).environmentIds).toEqual([other.environment.id, id]);
    expect(edgeGroups).toHaveLength(2);
    await expect(call(app, 'environments:create', { name: 'bad-group', edgeGroupIds: [999] })).rejects.toThrow(/no Edge group with ID 999/);
  } finally {
    await app.close();
  }
});
