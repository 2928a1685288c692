import { create } from 'zustand';
import { api } from '../../api';
import { errorMessage } from '../../components/notify';
import { DEVICES_CSV_COLUMNS, DEVICES_CSV_MAX_BYTES, type PrestageImportView, type PrestagePlanView } from '../../../src-main/shared/schemas/prestage';
import type { BundleFormat } from './formats';
import { optionFieldOf, useExportOptions } from './optionsStore';

export const CSV_EXAMPLE = `${DEVICES_CSV_COLUMNS.join(',')}\nshop-001,Shops,berlin;pos,60,standalone,,10.0.0.21\nshop-002,Shops,berlin,60,standalone,,\n`;

interface ImportState {
  csv: string;
  /** The uploaded file's name, if the CSV came from a file. */
  fileName?: string;
  createGroups: boolean;
  planning: boolean;
  /** The dry run of exactly `csv` and `createGroups` (cleared when either changes). */
  plan?: PrestagePlanView;
  /** An error about the CSV as a whole (empty, no name column, UTF-16, server unreachable…). */
  error?: string;
  running: boolean;
  result?: PrestageImportView;
  /** The formats the result's export was written with. */
  resultFormats: BundleFormat[];

  setCsv(csv: string, fileName?: string): void;
  setCreateGroups(on: boolean): void;
  loadFile(file: File): Promise<void>;
  runPlan(): Promise<void>;
  runImport(): Promise<void>;
}

const initial = {
  csv: '',
  fileName: undefined,
  createGroups: false,
  planning: false,
  plan: undefined,
  error: undefined,
  running: false,
  result: undefined,
  resultFormats: [] as BundleFormat[],
} satisfies Partial<ImportState>;

export const useImportStore = create<ImportState>()((set, get) => ({
  ...initial,

  setCsv: (csv, fileName) => set({ csv, fileName, plan: undefined, result: undefined, error: undefined }),

  setCreateGroups: (on) => set({ createGroups: on, plan: undefined, result: undefined }),

  loadFile: async (file) => {
    if (file.size > DEVICES_CSV_MAX_BYTES) {
      set({ error: `${file.name} is larger than 5 MB; split it into several files.`, plan: undefined, result: undefined });
      return;
    }
    // Bytes are decoded as UTF-8 here; main reports rows that were not UTF-8 (U+FFFD) by content.
    get().setCsv(await file.text(), file.name);
  },

  runPlan: async () => {
    const { csv, createGroups } = get();
    if (csv.trim() === '') {
      set({ error: `Paste the devices CSV or upload a file; the first line names the columns: ${DEVICES_CSV_COLUMNS.join(',')}.` });
      return;
    }
    set({ planning: true, error: undefined, plan: undefined, result: undefined });
    try {
      const plan = await api.prestage.importPlan({ csv, createGroups });
      // Drop an answer for a CSV that was edited meanwhile.
      if (get().csv === csv && get().createGroups === createGroups) set({ plan });
    } catch (err) {
      set({ error: errorMessage(err) });
    } finally {
      set({ planning: false });
    }
  },

  runImport: async () => {
    const { csv, createGroups, plan } = get();
    if (!plan || plan.errors > 0) return;
    const options = useExportOptions.getState();
    const value = options.validate();
    if (!value) return;
    set({ running: true, error: undefined, result: undefined });
    try {
      const result = await api.prestage.importRun({ csv, createGroups, ...value });
      set({ result, plan: result.plan, resultFormats: value.formats });
      if (result.export) void useExportOptions.getState().suggestOutDir(!result.export.encrypted);
    } catch (err) {
      const field = optionFieldOf(err, options.encryption);
      if (field) useExportOptions.getState().setErrors({ ...useExportOptions.getState().errors, [field]: errorMessage(err) });
      else set({ error: errorMessage(err) });
    } finally {
      set({ running: false });
    }
  },
}));

/** For tests. */
export function resetImportStore(): void {
  useImportStore.setState({ ...initial });
}
