import { create } from 'zustand';
import { api, AppError } from '../../api';
import { errorMessage } from '../../components/notify';
import { useExportMeta } from '../../components/agentMeta/agentMetaStore';
import { globalFormatSchema, type PrestageGlobalExportView } from '../../../src-main/shared/schemas/prestage';
import { optionFieldOf, useExportOptions } from './optionsStore';

/**
 * The Export screen's auto-onboarding bundle (CLI: edgedeck export --global-key): one folder for
 * any number of devices, all enrolling with the server's global key (environment id 0); each
 * device's install.sh makes its own Edge ID with the generator on first run. Expiry, encryption
 * and the output folder come from the shared options form; the metadata from the Export picker.
 */
export const GLOBAL_FORMATS = globalFormatSchema.options;
export type GlobalFormat = (typeof GLOBAL_FORMATS)[number];

export const GLOBAL_FORMAT_INFO: Record<GlobalFormat, { label: string; files: string }> = {
  env: { label: 'Agent settings', files: 'agent.env (without EDGE_ID: install.sh adds the device’s own)' },
  script: { label: 'Linux install script', files: 'install.sh (makes the Edge ID once, then starts the agent)' },
  'cloud-init': { label: 'cloud-init', files: 'cloud-init.yaml: the same user-data for every device' },
};

export interface GlobalForm {
  platform: 'standalone' | 'podman';
  formats: GlobalFormat[];
  /** '' = the default generator (cat /proc/sys/kernel/random/uuid). */
  generator: string;
  insecurePoll: boolean;
}

interface GlobalState extends GlobalForm {
  exporting: boolean;
  error?: string;
  generatorError?: string;
  formatsError?: string;
  outcome?: PrestageGlobalExportView;
  set(patch: Partial<GlobalForm>): void;
  toggleFormat(f: GlobalFormat, on: boolean): void;
  run(): Promise<void>;
}

const initial: GlobalForm = { platform: 'standalone', formats: [...GLOBAL_FORMATS], generator: '', insecurePoll: true };

export const useGlobalExport = create<GlobalState>()((set, get) => ({
  ...initial,
  exporting: false,

  set: (patch) => set({ ...patch, ...('generator' in patch ? { generatorError: undefined } : {}), ...('formats' in patch ? { formatsError: undefined } : {}) }),

  toggleFormat: (f, on) => {
    const next = new Set(get().formats);
    if (on) next.add(f);
    else next.delete(f);
    get().set({ formats: GLOBAL_FORMATS.filter((x) => next.has(x)) });
  },

  run: async () => {
    const s = get();
    const value = useExportOptions.getState().validate({ outDir: true });
    const formatsError = s.formats.length ? undefined : 'Choose at least one of agent.env, install.sh and cloud-init.yaml.';
    const generatorError = /[\r\n]/.test(s.generator) ? 'The generator is one shell command on one line that prints the ID, e.g. uuidgen.' : undefined;
    set({ formatsError, generatorError, error: undefined });
    if (!value || formatsError || generatorError) return;
    set({ exporting: true, outcome: undefined });
    try {
      const meta = await useExportMeta.getState().resolve().catch(() => null);
      if (meta === null) return;
      const outcome = await api.prestage.exportGlobal({
        outDir: value.outDir,
        platform: s.platform,
        formats: s.formats,
        insecurePoll: s.insecurePoll,
        ...(s.generator.trim() ? { edgeIdGenerator: s.generator.trim() } : {}),
        ...(value.expires ? { expires: value.expires } : {}),
        ...(value.encrypt ? { encrypt: value.encrypt } : {}),
        ...(meta ? { meta } : {}),
      });
      set({ outcome });
      void useExportOptions.getState().suggestOutDir(!outcome.encrypted);
    } catch (err) {
      const options = useExportOptions.getState();
      const field = optionFieldOf(err, options.encryption);
      if (err instanceof AppError && err.field === 'edgeIdGenerator') set({ generatorError: err.message });
      else if (field) options.setErrors({ ...options.errors, [field]: errorMessage(err) });
      else set({ error: errorMessage(err) });
    } finally {
      set({ exporting: false });
    }
  },
}));

/** For tests. */
export function resetGlobalExport(): void {
  useGlobalExport.setState({ ...initial, exporting: false, error: undefined, generatorError: undefined, formatsError: undefined, outcome: undefined });
}
