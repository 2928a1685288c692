import { create } from 'zustand';
import { api } from '../../api';
import { errorMessage } from '../../components/notify';
import type { PrestageUnusedView } from '../../../src-main/shared/schemas/prestage';

export type UnusedItem = PrestageUnusedView['items'][number];

export interface DeleteOutcome {
  removed: Array<{ id: number; name: string }>;
  skipped: Array<{ id: number; reason: string; name?: string }>;
}

interface UnusedState {
  days: number;
  loading: boolean;
  report?: PrestageUnusedView;
  error?: string;
  /** Environment IDs ticked for deletion (eligible ones only). */
  selected: Set<number>;
  confirming: boolean;
  deleting: boolean;
  outcome?: DeleteOutcome;

  setDays(days: number): void;
  load(): Promise<void>;
  toggle(id: number, on: boolean): void;
  setAll(on: boolean): void;
  askConfirm(): void;
  cancelConfirm(): void;
  confirmDelete(): Promise<void>;
  /** The ticked items, in the report's order. */
  chosen(): UnusedItem[];
}

const initial = {
  days: 30,
  loading: false,
  report: undefined,
  error: undefined,
  selected: new Set<number>(),
  confirming: false,
  deleting: false,
  outcome: undefined,
} satisfies Partial<UnusedState>;

export const useUnusedStore = create<UnusedState>()((set, get) => ({
  ...initial,

  setDays: (days) => set({ days }),

  load: async () => {
    const days = get().days;
    if (!Number.isInteger(days) || days < 0 || days > 3650) {
      set({ error: 'Give the number of days as a whole number from 0 to 3650.' });
      return;
    }
    set({ loading: true, error: undefined });
    try {
      const report = await api.prestage.unused({ days });
      // Every eligible environment starts ticked; the confirmation lists them before anything goes.
      set({ report, selected: new Set(report.eligible) });
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      set({ loading: false });
    }
  },

  toggle: (id, on) =>
    set((s) => {
      if (on && !s.report?.eligible.includes(id)) return {};
      const selected = new Set(s.selected);
      if (on) selected.add(id);
      else selected.delete(id);
      return { selected };
    }),

  setAll: (on) => set((s) => ({ selected: new Set(on ? (s.report?.eligible ?? []) : []) })),

  askConfirm: () => {
    if (get().selected.size > 0) set({ confirming: true, outcome: undefined });
  },

  cancelConfirm: () => set({ confirming: false }),

  confirmDelete: async () => {
    const items = get().chosen();
    if (items.length === 0) return;
    set({ deleting: true, error: undefined });
    try {
      const out = await api.prestage.deleteUnused({ ids: items.map((i) => i.environmentId), confirm: true });
      const names = new Map(items.map((i) => [i.environmentId, i.name]));
      set({ outcome: { removed: out.removed, skipped: out.skipped.map((s) => ({ ...s, ...(names.has(s.id) ? { name: names.get(s.id)! } : {}) })) }, confirming: false });
      await get().load();
    } catch (err) {
      set({ error: errorMessage(err), confirming: false });
    } finally {
      set({ deleting: false });
    }
  },

  chosen: () => {
    const { report, selected } = get();
    return (report?.items ?? []).filter((i) => selected.has(i.environmentId));
  },
}));

/** For tests. */
export function resetUnusedStore(): void {
  useUnusedStore.setState({ ...initial, selected: new Set() });
}
