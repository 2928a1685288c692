import { create } from 'zustand';
import { api } from '../../api';
import { errorMessage } from '../../components/notify';
import type { PinMismatch } from '../../../src-main/shared/contract/errors';
import type { EnvironmentState, EnvironmentView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';

/** Rows per server request; the virtual list asks for the pages it shows. */
export const PAGE_SIZE = 100;
// Short enough that a search feels immediate (the UI goal is < 150 ms end to end), long enough to
// coalesce fast typing; stale answers are dropped by `generation` anyway.
export const SEARCH_DEBOUNCE_MS = 50;
export const REFRESH_MS = 5000;

/** The columns the server sorts by (Portainer's `sort` values the list offers). */
export type SortField = 'Name' | 'Group' | 'Status' | 'LastCheckIn';
export type SortOrder = 'asc' | 'desc';
export type PlatformFilter = 'docker' | 'kubernetes';

export interface ListQuery {
  search: string;
  sort: SortField;
  order: SortOrder;
  groupId?: number;
  tagIds: number[];
  state?: EnvironmentState;
  platform?: PlatformFilter;
  agentVersion?: string;
}

/** A click on a column that is not the sort column sorts by it in this order first (newest check-in on top). */
const firstOrder: Record<SortField, SortOrder> = { Name: 'asc', Group: 'asc', Status: 'asc', LastCheckIn: 'desc' };

/** The query after a click on column `field`'s header: the same column flips its order, another starts at its first order. */
export function sortAfterClick(query: Pick<ListQuery, 'sort' | 'order'>, field: SortField): Pick<ListQuery, 'sort' | 'order'> {
  if (query.sort === field) return { sort: field, order: query.order === 'asc' ? 'desc' : 'asc' };
  return { sort: field, order: firstOrder[field] };
}

/** Rows per request when "select all matching" walks the whole filtered set (the contract's limit). */
export const SELECT_ALL_PAGE = 1000;

interface EnvListState {
  query: ListQuery;
  /** The search box text (the query follows it after the debounce). */
  searchText: string;
  total?: number;
  /** Loaded pages by index (0-based), for the current query. */
  pages: Record<number, EnvironmentView[]>;
  loading: Record<number, boolean>;
  error?: { message: string; field?: string; code?: string; pinMismatch?: PinMismatch };
  /** Bumped on every query change: stale answers are dropped. */
  generation: number;
  /** The selected environments by id, as last seen (bulk actions show and change exactly these). */
  selected: Map<number, EnvironmentView>;
  /** "Select all matching" at work: rows fetched so far of the query's total. */
  selectingAll?: { loaded: number; total: number };
  selectAllError?: string;
  groups: GroupView[];
  tags: TagView[];
  /** Agent versions the server's environments reported, for the filter. */
  agentVersions: string[];

  setSearchText(text: string): void;
  setQuery(patch: Partial<ListQuery>): void;
  /** Loads the pages covering rows [from, to] that are not loaded (or all of them when `refresh`). */
  ensureRange(from: number, to: number, refresh?: boolean): Promise<void>;
  loadPage(index: number): Promise<void>;
  reload(): void;
  loadMeta(): Promise<void>;
  toggle(env: EnvironmentView, on?: boolean): void;
  select(envs: EnvironmentView[], on: boolean): void;
  /** Drops these ids from the selection (deleted, or no longer wanted). */
  deselect(ids: number[]): void;
  /** Selects every environment the query matches, loaded or not (pages of SELECT_ALL_PAGE). */
  selectAllMatching(): Promise<void>;
  /** Sorts by a column, as a click on its header does. */
  sortBy(field: SortField): void;
  clearSelection(): void;
  rowAt(index: number): EnvironmentView | undefined;
}

/** The environments:list request for one page of a query (`size` rows a page). */
export function pageRequest(query: ListQuery, index: number, size = PAGE_SIZE) {
  const search = query.search.trim();
  return {
    start: index * size + 1,
    limit: size,
    sort: query.sort,
    order: query.order,
    ...(search ? { search } : {}),
    ...(query.groupId !== undefined ? { groupIds: [query.groupId] } : {}),
    ...(query.tagIds.length ? { tagIds: query.tagIds } : {}),
    ...(query.state ? { state: query.state } : {}),
    ...(query.platform ? { platform: query.platform } : {}),
    ...(query.agentVersion ? { agentVersions: [query.agentVersion] } : {}),
  };
}

/** Whether the query narrows the list (the total then reads "matching"). */
export function isFiltered(query: ListQuery): boolean {
  return query.search.trim() !== '' || query.groupId !== undefined || query.tagIds.length > 0 || query.state !== undefined || query.platform !== undefined || query.agentVersion !== undefined;
}

const initialQuery: ListQuery = { search: '', sort: 'Name', order: 'asc', tagIds: [] };

const initial = {
  query: initialQuery,
  searchText: '',
  total: undefined,
  pages: {},
  loading: {},
  error: undefined,
  generation: 0,
  selected: new Map<number, EnvironmentView>(),
  selectingAll: undefined,
  selectAllError: undefined,
  groups: [],
  tags: [],
  agentVersions: [],
} satisfies Partial<EnvListState>;

let searchTimer: ReturnType<typeof setTimeout> | undefined;

export const useEnvList = create<EnvListState>()((set, get) => ({
  ...initial,

  setSearchText: (text) => {
    set({ searchText: text });
    if (searchTimer !== undefined) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      searchTimer = undefined;
      if (get().query.search !== text) get().setQuery({ search: text });
    }, SEARCH_DEBOUNCE_MS);
  },

  setQuery: (patch) => {
    set((s) => ({ query: { ...s.query, ...patch }, pages: {}, loading: {}, total: undefined, generation: s.generation + 1, selectingAll: undefined }));
    void get().loadPage(0);
  },

  sortBy: (field) => get().setQuery(sortAfterClick(get().query, field)),

  reload: () => {
    set((s) => ({ pages: {}, loading: {}, total: undefined, generation: s.generation + 1 }));
    void get().loadPage(0);
  },

  ensureRange: async (from, to, refresh = false) => {
    if (to < from) return;
    const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
    const last = Math.floor(Math.max(0, to) / PAGE_SIZE);
    const jobs: Promise<void>[] = [];
    for (let i = first; i <= last; i++) {
      const { pages, loading } = get();
      if (loading[i]) continue;
      if (!refresh && pages[i]) continue;
      jobs.push(get().loadPage(i));
    }
    await Promise.all(jobs);
  },

  loadPage: async (index) => {
    const { generation, query } = get();
    set((s) => ({ loading: { ...s.loading, [index]: true } }));
    try {
      const page = await api.environments.list(pageRequest(query, index));
      if (get().generation !== generation) return;
      set((s) => ({ pages: { ...s.pages, [index]: page.items }, total: page.total, error: undefined, selected: refreshed(s.selected, page.items) }));
    } catch (err) {
      if (get().generation !== generation) return;
      const e = err as { code?: string; field?: string; pinMismatch?: PinMismatch };
      set({ error: { message: errorMessage(err), field: e.field, code: e.code, ...(e.pinMismatch ? { pinMismatch: e.pinMismatch } : {}) } });
    } finally {
      if (get().generation === generation) {
        set((s) => {
          const loading = { ...s.loading };
          delete loading[index];
          return { loading };
        });
      }
    }
  },

  loadMeta: async () => {
    try {
      const [{ groups }, { tags }] = await Promise.all([api.groups.list(), api.tags.list()]);
      set({ groups, tags });
      // Optional: a server that cannot list them just offers no version filter.
      const { versions } = await api.environments.agentVersions().catch(() => ({ versions: [] as string[] }));
      set({ agentVersions: versions });
    } catch {
      // The list's own error says what is wrong with the server.
    }
  },

  toggle: (env, on) => get().select([env], on ?? !get().selected.has(env.id)),

  select: (envs, on) =>
    set((s) => {
      const selected = new Map(s.selected);
      for (const env of envs) {
        if (on) selected.set(env.id, env);
        else selected.delete(env.id);
      }
      return { selected };
    }),

  deselect: (ids) =>
    set((s) => {
      const selected = new Map(s.selected);
      for (const id of ids) selected.delete(id);
      return { selected };
    }),

  selectAllMatching: async () => {
    const { generation, query, selectingAll } = get();
    if (selectingAll) return;
    set({ selectingAll: { loaded: 0, total: get().total ?? 0 }, selectAllError: undefined });
    const found: EnvironmentView[] = [];
    try {
      // Bounded: the server's total caps the pages asked for, whatever it answers.
      for (let index = 0; ; index++) {
        const page = await api.environments.list(pageRequest(query, index, SELECT_ALL_PAGE));
        if (get().generation !== generation) return;
        found.push(...page.items);
        set({ selectingAll: { loaded: found.length, total: page.total } });
        if (page.items.length < SELECT_ALL_PAGE || found.length >= page.total) break;
      }
      get().select(found, true);
    } catch (err) {
      if (get().generation === generation) set({ selectAllError: `Could not select all matching environments: ${errorMessage(err)}` });
    } finally {
      if (get().generation === generation) set({ selectingAll: undefined });
    }
  },

  clearSelection: () => set({ selected: new Map() }),

  rowAt: (index) => get().pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE],
}));

/** The selection with the rows of a fresh page in place of their older copies (bulk dialogs show what is current). */
function refreshed(selected: Map<number, EnvironmentView>, rows: EnvironmentView[]): Map<number, EnvironmentView> {
  if (!rows.some((r) => selected.has(r.id))) return selected;
  const next = new Map(selected);
  for (const r of rows) if (next.has(r.id)) next.set(r.id, r);
  return next;
}

/** For tests. */
export function resetEnvList(): void {
  if (searchTimer !== undefined) clearTimeout(searchTimer);
  searchTimer = undefined;
  useEnvList.setState({ ...initial, selected: new Map() });
}
