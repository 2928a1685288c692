import { create } from 'zustand';
import { api, AppError } from '../../api';
import { errorMessage } from '../../components/notify';
import type { EnvironmentState } from '../../../src-main/shared/schemas/portainer';
import type { PrestageExportResult } from '../../../src-main/shared/contract/calls';
import { startDownload } from './download';
import type { BundleFormat } from './formats';
import { optionFieldOf, useExportOptions } from './optionsStore';
import { useExportMeta } from '../../components/agentMeta/agentMetaStore';

/** Rows asked of the server per search (environments:list allows up to 1000). */
export const LIST_LIMIT = 500;
export const SEARCH_DEBOUNCE_MS = 200;

export type Source = 'server' | 'cache';
export type Tab = 'export' | 'import' | 'unused';
/** Where an export goes: a folder main writes on this computer, or (browser) one archive the browser downloads. */
export type Delivery = 'folder' | 'download';
/** Bundles per environment (each with its own Edge ID), or one auto-onboarding bundle with the global key. */
export type Kind = 'devices' | 'global';
/** The agent image in a folder export (CLI --include-image): none, this computer's engine, or an archive file. */
export type IncludeImage = 'off' | 'engine' | 'archive';

/** The error fields main uses for the image (prestageService, imageArchive.ts). */
const IMAGE_FIELDS = new Set(['image', 'includeImage', 'imageArchive', 'pushImage']);

/** Why the image cannot go into this export, or undefined (main refuses the same: a folder export only). */
export function imageProblem(include: IncludeImage, encrypted: boolean, delivery: Delivery, archivePath: string): string | undefined {
  if (include === 'off') return undefined;
  if (encrypted || delivery === 'download') return 'The agent image goes into a plain folder export only (it is large and holds no secret): choose no encryption and a folder, or export the image separately.';
  if (include === 'archive' && archivePath.trim() === '') return 'Give the path of the image archive on this computer (what docker save -o FILE portainer/agent:<version> wrote).';
  return undefined;
}

export interface PickRow {
  id: number;
  name: string;
  state?: EnvironmentState;
  edgeId?: string;
  /** Offline copy only: when the server last confirmed this environment's data (ISO). */
  lastConfirmed?: string;
}

export interface ExportOutcome {
  result: PrestageExportResult;
  formats: BundleFormat[];
  names: string[];
}

interface ExportState {
  tab: Tab;
  source: Source;
  /** Why the offline copy is shown (the server's error), when it was not the user's choice. */
  unreachable?: string;
  search: string;
  rows: PickRow[];
  /** Rows matching on the server (may exceed the rows shown). */
  total: number;
  loading: boolean;
  listError?: string;
  /** Selected environments, by ID, with their names (kept across searches). */
  selected: Map<number, string>;
  delivery: Delivery;
  kind: Kind;
  includeImage: IncludeImage;
  imageArchive: string;
  /** Why the image could not be included (no local engine has it, a bad archive…). */
  imageError?: string;
  exporting: boolean;
  /** An error not about an option field. */
  exportError?: string;
  outcome?: ExportOutcome;

  setTab(tab: Tab): void;
  setDelivery(delivery: Delivery): void;
  setKind(kind: Kind): void;
  setImage(patch: { includeImage?: IncludeImage; imageArchive?: string }): void;
  load(): Promise<void>;
  setSearch(text: string): void;
  setSource(source: Source): Promise<void>;
  toggle(row: PickRow, on: boolean): void;
  setRowsSelected(rows: PickRow[], on: boolean): void;
  /** Replaces the selection (e.g. with the environments a CSV import created). */
  select(items: Array<{ id: number; name: string }>): void;
  clearSelection(): void;
  runExport(): Promise<void>;
}

const unreachable = (e: unknown) => e instanceof AppError && (e.code === 'unavailable' || e.code === 'timeout');

let searchTimer: ReturnType<typeof setTimeout> | undefined;
let generation = 0;
/** The offline copy, loaded once per visit to it. */
let cacheRows: PickRow[] = [];

const initial = {
  tab: 'export' as Tab,
  source: 'server' as Source,
  unreachable: undefined,
  search: '',
  rows: [],
  total: 0,
  loading: false,
  listError: undefined,
  selected: new Map<number, string>(),
  delivery: 'folder' as Delivery,
  kind: 'devices' as Kind,
  includeImage: 'off' as IncludeImage,
  imageArchive: '',
  imageError: undefined,
  exporting: false,
  exportError: undefined,
  outcome: undefined,
} satisfies Partial<ExportState>;

function matches(row: PickRow, search: string): boolean {
  const q = search.trim().toLowerCase();
  return q === '' || row.name.toLowerCase().includes(q) || String(row.id) === q || (row.edgeId ?? '').toLowerCase().includes(q);
}

export const useExportStore = create<ExportState>()((set, get) => ({
  ...initial,

  setTab: (tab) => set({ tab }),

  setDelivery: (delivery) => {
    set({ delivery, exportError: undefined });
    const options = useExportOptions.getState();
    if (delivery === 'download' && options.errors.outDir) options.setErrors({ ...options.errors, outDir: undefined });
  },

  setKind: (kind) => set({ kind, exportError: undefined }),

  setImage: (patch) => set({ ...patch, imageError: undefined }),

  load: async () => {
    const gen = ++generation;
    set({ loading: true, listError: undefined });
    if (get().source === 'server') {
      try {
        const search = get().search.trim();
        const page = await api.environments.list({ start: 1, limit: LIST_LIMIT, sort: 'Name', order: 'asc', ...(search ? { search } : {}) });
        if (gen !== generation) return;
        set({ rows: page.items.map((e) => ({ id: e.id, name: e.name, state: e.state, ...(e.edgeId ? { edgeId: e.edgeId } : {}) })), total: page.total, loading: false, unreachable: undefined });
        return;
      } catch (err) {
        if (gen !== generation) return;
        if (!unreachable(err)) {
          set({ rows: [], total: 0, loading: false, listError: errorMessage(err) });
          return;
        }
        // The server cannot be reached: offer the offline copy instead.
        set({ source: 'cache', unreachable: errorMessage(err) });
      }
    }
    try {
      const { environments } = await api.prestage.cached();
      if (gen !== generation) return;
      cacheRows = environments
        .map((e) => ({ id: e.environmentId, name: e.name, edgeId: e.edgeId, lastConfirmed: e.lastConfirmedWithServer }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const rows = cacheRows.filter((r) => matches(r, get().search));
      set({ rows, total: rows.length, loading: false });
    } catch (err) {
      if (gen !== generation) return;
      set({ rows: [], total: 0, loading: false, listError: errorMessage(err) });
    }
  },

  setSearch: (text) => {
    set({ search: text });
    if (get().source === 'cache') {
      const rows = cacheRows.filter((r) => matches(r, text));
      set({ rows, total: rows.length });
      return;
    }
    if (searchTimer !== undefined) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      searchTimer = undefined;
      void get().load();
    }, SEARCH_DEBOUNCE_MS);
  },

  setSource: async (source) => {
    // Environment IDs are per server and the offline copy may lack some: start a new selection.
    set({ source, rows: [], total: 0, selected: new Map(), ...(source === 'server' ? { unreachable: undefined } : {}) });
    await get().load();
  },

  toggle: (row, on) =>
    set((s) => {
      const selected = new Map(s.selected);
      if (on) selected.set(row.id, row.name);
      else selected.delete(row.id);
      return { selected };
    }),

  setRowsSelected: (rows, on) =>
    set((s) => {
      const selected = new Map(s.selected);
      for (const r of rows) {
        if (on) selected.set(r.id, r.name);
        else selected.delete(r.id);
      }
      return { selected };
    }),

  select: (items) => set({ selected: new Map(items.map((i) => [i.id, i.name])) }),

  clearSelection: () => set({ selected: new Map() }),

  runExport: async () => {
    const { selected, source, delivery, includeImage, imageArchive } = get();
    const options = useExportOptions.getState();
    const value = options.validate({ outDir: delivery === 'folder' });
    if (selected.size === 0) {
      set({ exportError: 'Choose at least one environment to export.' });
      return;
    }
    const imageError = imageProblem(includeImage, options.encryption !== 'none', delivery, imageArchive);
    set({ imageError });
    if (!value || imageError) {
      set({ exportError: undefined });
      return;
    }
    set({ exporting: true, exportError: undefined, outcome: undefined });
    try {
      // New Edge groups, groups and tags are made now (the picker shows a failure on its fields).
      const meta = await useExportMeta.getState().resolve().catch(() => null);
      if (meta === null) return;
      const { outDir, ...rest } = value;
      const where = delivery === 'download' ? { deliver: 'download' as const } : { outDir };
      const image = includeImage === 'engine' ? { from: 'engine' as const } : includeImage === 'archive' ? { from: 'archive' as const, path: imageArchive.trim() } : undefined;
      const result = await api.prestage.export({ environmentIds: [...selected.keys()], offline: source === 'cache', ...rest, ...where, ...(meta ? { meta } : {}), ...(image ? { image } : {}) });
      set({ outcome: { result, formats: value.formats, names: [...selected.values()] } });
      // Main holds the archive for one fetch: the browser saves it to its downloads folder now.
      if (result.download) startDownload(result.download);
      // The folder now exists and an export never overwrites one: suggest a new one for the next.
      else void useExportOptions.getState().suggestOutDir(!result.encrypted);
    } catch (err) {
      const field = optionFieldOf(err, options.encryption);
      if (err instanceof AppError && err.field && IMAGE_FIELDS.has(err.field.split('.')[0]!)) set({ imageError: errorMessage(err) });
      else if (field) useExportOptions.getState().setErrors({ ...useExportOptions.getState().errors, [field]: errorMessage(err) });
      else set({ exportError: errorMessage(err) });
    } finally {
      set({ exporting: false });
    }
  },

}));

/** For tests. */
export function resetExportStore(): void {
  if (searchTimer !== undefined) clearTimeout(searchTimer);
  searchTimer = undefined;
  generation++;
  cacheRows = [];
  useExportStore.setState({ ...initial, selected: new Map() });
}
