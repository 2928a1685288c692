import { create } from 'zustand';
import { api } from '../../api';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { planDelete, planDisassociate, planGroupTags, runBulk, type BulkKind, type BulkPlan, type GroupTagsChange, type ItemResult, type PlannedItem } from './bulkPlan';
import { useEnvList } from './envListStore';

/** Requests in flight at once: quick on a real server, gentle on a busy one. */
export const BULK_CONCURRENCY = 4;

type Stage = 'closed' | 'edit' | 'confirm' | 'running' | 'done';

interface BulkState {
  kind?: BulkKind;
  stage: Stage;
  /** The selection the action was opened on (a snapshot: the list may move meanwhile). */
  targets: EnvironmentView[];
  change: GroupTagsChange;
  plan: BulkPlan;
  results: ItemResult[];
  stopRequested: boolean;

  open(kind: BulkKind): void;
  setChange(patch: Partial<GroupTagsChange>): void;
  /** From the group/tags form to the confirmation of exactly what changes. */
  review(): void;
  back(): void;
  run(items?: PlannedItem[]): Promise<void>;
  stop(): void;
  /** Runs the failed items again (same requests). */
  retryFailed(): Promise<void>;
  close(): void;
}

const noChange: GroupTagsChange = { addTagIds: [], removeTagIds: [] };
const emptyPlan: BulkPlan = { items: [], skipped: [] };

function send(item: PlannedItem): Promise<EnvironmentView | undefined> {
  const r = item.request;
  if (r.call === 'delete') return api.environments.delete({ id: r.id }).then(() => undefined);
  if (r.call === 'disassociate') return api.environments.disassociate({ id: r.id }).then((d) => d.environment);
  return api.environments.update({ id: r.id, ...(r.groupId !== undefined ? { groupId: r.groupId } : {}), ...(r.tagIds ? { tagIds: r.tagIds } : {}) }).then((d) => d.environment);
}

export const useBulk = create<BulkState>()((set, get) => ({
  stage: 'closed',
  targets: [],
  change: noChange,
  plan: emptyPlan,
  results: [],
  stopRequested: false,

  open: (kind) => {
    const targets = [...useEnvList.getState().selected.values()];
    if (!targets.length) return;
    const plan = kind === 'delete' ? planDelete(targets) : kind === 'disassociate' ? planDisassociate(targets) : emptyPlan;
    set({ kind, targets, change: noChange, plan, results: [], stopRequested: false, stage: kind === 'groupTags' ? 'edit' : 'confirm' });
  },

  setChange: (patch) => set((s) => ({ change: { ...s.change, ...patch } })),

  review: () => {
    const { groups, tags } = useEnvList.getState();
    set((s) => ({ plan: planGroupTags(s.targets, s.change, { groups, tags }), stage: 'confirm' }));
  },

  back: () => set({ stage: 'edit' }),

  run: async (items) => {
    const todo = items ?? get().plan.items;
    if (!todo.length || get().stage === 'running') return;
    const kept = get().results.filter((r) => !todo.some((t) => t.id === r.id));
    set({ stage: 'running', stopRequested: false, results: kept });
    const results = await runBulk(todo, send, {
      concurrency: BULK_CONCURRENCY,
      stopped: () => get().stopRequested,
      onResult: (_r, all) => set({ results: [...kept, ...all] }),
    });
    set({ stage: 'done', results: [...kept, ...results] });
    // The list and the selection follow what really happened.
    const list = useEnvList.getState();
    if (get().kind === 'delete') list.deselect(results.filter((r) => r.status === 'done').map((r) => r.id));
    else list.select(results.flatMap((r) => (r.env ? [r.env] : [])), true);
    list.reload();
  },

  stop: () => set({ stopRequested: true }),

  retryFailed: async () => {
    const failed = new Set(get().results.filter((r) => r.status !== 'done').map((r) => r.id));
    await get().run(get().plan.items.filter((i) => failed.has(i.id)));
  },

  close: () => {
    if (get().stage === 'running') return;
    set({ stage: 'closed', kind: undefined, targets: [], plan: emptyPlan, results: [], change: noChange });
  },
}));

/** For tests. */
export function resetBulk(): void {
  useBulk.setState({ stage: 'closed', kind: undefined, targets: [], change: noChange, plan: emptyPlan, results: [], stopRequested: false });
}
