import { create } from 'zustand';
import { api } from '../../api';
import { errorMessage } from '../../components/notify';
import type { EnvironmentState, EnvironmentView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';

/** Rows per server request; the virtual list asks for the pages it shows. */
export const PAGE_SIZE = 100;
// Short enough that a search feels immediate (the UI goal is < 150 ms end to end), long enough to
// coalesce fast typing; stale answers are dropped by `generation` anyway.
export const SEARCH_DEBOUNCE_MS = 50;
export const REFRESH_MS = 5000;

export type SortChoice = 'name-asc' | 'name-desc' | 'checkin-desc' | 'checkin-asc';

export interface ListQuery {
  search: string;
  sort: SortChoice;
  groupId?: number;
  tagIds: number[];
  state?: EnvironmentState;
}

interface EnvListState {
  query: ListQuery;
  /** The search box text (the query follows it after the debounce). */
  searchText: string;
  total?: number;
  /** Loaded pages by index (0-based), for the current query. */
  pages: Record<number, EnvironmentView[]>;
  loading: Record<number, boolean>;
  error?: { message: string; field?: string; code?: string };
  /** Bumped on every query change: stale answers are dropped. */
  generation: number;
  selected: Set<number>;
  groups: GroupView[];
  tags: TagView[];

  setSearchText(text: string): void;
  setQuery(patch: Partial<ListQuery>): void;
  /** Loads the pages covering rows [from, to] that are not loaded (or all of them when `refresh`). */
  ensureRange(from: number, to: number, refresh?: boolean): Promise<void>;
  loadPage(index: number): Promise<void>;
  reload(): void;
  loadMeta(): Promise<void>;
  toggle(id: number, on?: boolean): void;
  setSelected(ids: number[], on: boolean): void;
  clearSelection(): void;
  rowAt(index: number): EnvironmentView | undefined;
}

const sortMap: Record<SortChoice, { sort: 'Name' | 'LastCheckIn'; order: 'asc' | 'desc' }> = {
  'name-asc': { sort: 'Name', order: 'asc' },
  'name-desc': { sort: 'Name', order: 'desc' },
  'checkin-desc': { sort: 'LastCheckIn', order: 'desc' },
  'checkin-asc': { sort: 'LastCheckIn', order: 'asc' },
};

/** The environments:list request for one page of a query. */
export function pageRequest(query: ListQuery, index: number) {
  const search = query.search.trim();
  return {
    start: index * PAGE_SIZE + 1,
    limit: PAGE_SIZE,
    ...sortMap[query.sort],
    ...(search ? { search } : {}),
    ...(query.groupId !== undefined ? { groupIds: [query.groupId] } : {}),
    ...(query.tagIds.length ? { tagIds: query.tagIds } : {}),
    ...(query.state ? { state: query.state } : {}),
  };
}

const initialQuery: ListQuery = { search: '', sort: 'name-asc', tagIds: [] };

const initial = {
  query: initialQuery,
  searchText: '',
  total: undefined,
  pages: {},
  loading: {},
  error: undefined,
  generation: 0,
  selected: new Set<number>(),
  groups: [],
  tags: [],
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
    set((s) => ({ query: { ...s.query, ...patch }, pages: {}, loading: {}, total: undefined, generation: s.generation + 1 }));
    void get().loadPage(0);
  },

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
      set((s) => ({ pages: { ...s.pages, [index]: page.items }, total: page.total, error: undefined }));
    } catch (err) {
      if (get().generation !== generation) return;
      const e = err as { code?: string; field?: string };
      set({ error: { message: errorMessage(err), field: e.field, code: e.code } });
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
    } catch {
      // The list's own error says what is wrong with the server.
    }
  },

  toggle: (id, on) =>
    set((s) => {
      const selected = new Set(s.selected);
      const want = on ?? !selected.has(id);
      if (want) selected.add(id);
      else selected.delete(id);
      return { selected };
    }),

  setSelected: (ids, on) =>
    set((s) => {
      const selected = new Set(s.selected);
      for (const id of ids) {
        if (on) selected.add(id);
        else selected.delete(id);
      }
      return { selected };
    }),

  clearSelection: () => set({ selected: new Set() }),

  rowAt: (index) => get().pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE],
}));

/** For tests. */
export function resetEnvList(): void {
  if (searchTimer !== undefined) clearTimeout(searchTimer);
  searchTimer = undefined;
  useEnvList.setState({ ...initial, selected: new Set() });
}
