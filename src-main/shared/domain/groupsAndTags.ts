/**
 * "Find a group or tag by name, create it if missing": the one copy of that rule, for the
 * environment form, `edgedeck env`, `edgedeck install --create`, and the bulk pre-creation.
 * The Portainer calls come in as functions, so the rule stays pure and each caller passes its
 * own client (or nothing to create, for a dry run).
 *
 * Matching: the exact spelling first, then ignoring case (people type "edge" for "Edge"; when a
 * server holds both spellings, the exact one wins).
 */
export interface Named {
  id: number;
  name: string;
}

export function findByName<T extends Named>(list: readonly T[], name: string): T | undefined {
  const n = name.trim();
  return list.find((x) => x.name === n) ?? list.find((x) => x.name.toLowerCase() === n.toLowerCase());
}

export interface NamesResolved<T extends Named> {
  /** One entry per distinct requested name (first spelling wins), in request order. */
  found: T[];
  /** What was created on the way (a subset of `found`). */
  created: T[];
  /** Names that do not exist and were not created (no `create` function given). */
  missing: string[];
}

/**
 * Resolves names against `known`, creating each missing one once with `create` (when given).
 * Names that differ only in case resolve to one item. `onCreated` hears of each creation as it
 * happens, so a caller can still report it when a later call fails.
 */
export async function resolveNames<T extends Named>(known: readonly T[], names: readonly string[], create?: (name: string) => Promise<T>, onCreated?: (item: T) => void): Promise<NamesResolved<T>> {
  const pool = [...known];
  const out: NamesResolved<T> = { found: [], created: [], missing: [] };
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    let item = findByName(pool, name);
    if (!item && create) {
      item = await create(name);
      pool.push(item);
      out.created.push(item);
      onCreated?.(item);
    }
    if (!item) {
      if (!out.missing.some((m) => m.toLowerCase() === name.toLowerCase())) out.missing.push(name);
    } else if (!out.found.some((f) => f.id === item!.id)) out.found.push(item);
  }
  return out;
}

/** The Portainer calls the resolver needs; leave out the create functions to only look up. */
export interface GroupTagCalls<G extends Named = Named, T extends Named = Named> {
  listGroups(): Promise<G[]>;
  listTags(): Promise<T[]>;
  createGroup?(name: string): Promise<G>;
  createTag?(name: string): Promise<T>;
}

export interface GroupTagResolution<G extends Named = Named, T extends Named = Named> {
  groupId?: number;
  tagIds?: number[];
  created: { group?: G; tags: T[] };
  missing: { group?: string; tags: string[] };
}

/**
 * One group and a list of tags by name, for an environment. Lists are asked only for what is
 * requested. `created` is filled as creations happen (pass your own object to read it after a
 * failure).
 */
export async function resolveGroupAndTags<G extends Named, T extends Named>(
  calls: GroupTagCalls<G, T>,
  want: { group?: string; tags?: readonly string[] },
  created: GroupTagResolution<G, T>['created'] = { tags: [] },
): Promise<GroupTagResolution<G, T>> {
  const out: GroupTagResolution<G, T> = { created, missing: { tags: [] } };
  const group = want.group?.trim();
  if (group) {
    const createGroup = calls.createGroup?.bind(calls);
    const r = await resolveNames(await calls.listGroups(), [group], createGroup, (g) => (created.group = g));
    if (r.found[0]) out.groupId = r.found[0].id;
    else out.missing.group = group;
  }
  const tags = want.tags?.map((t) => t.trim()).filter(Boolean);
  if (tags?.length) {
    const createTag = calls.createTag?.bind(calls);
    const r = await resolveNames(await calls.listTags(), tags, createTag, (t) => created.tags.push(t));
    out.tagIds = r.found.map((t) => t.id);
    out.missing.tags = r.missing;
  }
  return out;
}
