import { create } from 'zustand';
import { api, AppError } from '../../api';
import type { BundleFormat } from './formats';
import { ALL_FORMATS } from './formats';

/** The export options both the Export tab and the CSV import's export use (one form, one state). */

export type Encryption = 'none' | 'passphrase' | 'age';

export interface ExportOptionsForm {
  formats: BundleFormat[];
  /** YYYY-MM-DD or ''. */
  expires: string;
  encryption: Encryption;
  passphrase: string;
  /** age recipients, one per line. */
  recipients: string;
  outDir: string;
  /** Put the join token into the label QR codes (explicit opt-in). */
  labelsIncludeKey: boolean;
}

/** The export fields of prestage:export and prestage:importRun. */
export interface ExportOptionsRequest {
  outDir: string;
  formats: BundleFormat[];
  expires?: string;
  labelsIncludeKey: boolean;
  encrypt?: { passphrase: string } | { recipients: string[] };
}

export type OptionField = 'formats' | 'expires' | 'passphrase' | 'recipients' | 'outDir';
export type OptionErrors = Partial<Record<OptionField, string>>;

/** What main's validation and services call the option fields (zod paths and AppError fields). */
const FIELD_ALIASES: Record<string, OptionField> = {
  formats: 'formats',
  expires: 'expires',
  outDir: 'outDir',
  out: 'outDir',
  encrypt: 'passphrase',
  'encrypt.passphrase': 'passphrase',
  agePassphrase: 'passphrase',
  'encrypt.recipients': 'recipients',
  ageRecipients: 'recipients',
};

/** The option field an AppError from main is about, if any. */
export function optionFieldOf(err: unknown, encryption: Encryption): OptionField | undefined {
  if (!(err instanceof AppError) || !err.field) return undefined;
  const f = err.field;
  if (f.startsWith('encrypt.recipients')) return 'recipients';
  const hit = FIELD_ALIASES[f] ?? FIELD_ALIASES[f.split('.')[0]!];
  if (hit === 'passphrase' && encryption === 'age') return 'recipients';
  return hit;
}

export const DEFAULT_FORMATS: BundleFormat[] = ['env', 'script', 'compose'];

/** age X25519 recipients, as main checks them (services/prestage/encrypt.ts). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

export function recipientLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Whether a path is absolute on Linux/macOS (/…, ~/…) or Windows (C:\…, \\server\…). */
export function isAbsolutePath(p: string): boolean {
  return /^(\/|~\/|[A-Za-z]:[\\/]|\\\\)/.test(p.trim());
}

/** `name` inside the folder `parent`, with the folder's own separator (a native dialog's answer). */
export function childPath(parent: string, name: string): string {
  const sep = parent.includes('\\') && !parent.includes('/') ? '\\' : '/';
  const base = parent.length > 1 ? parent.replace(/[\\/]+$/, '') : parent;
  return base.endsWith(sep) ? base + name : `${base}${sep}${name}`;
}

/** The last part of a path (either separator). */
export function lastPart(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? '';
}

/**
 * Checks the form the way main will, so mistakes show on their field before anything is sent.
 * `outDir: false` skips the output folder (a browser download needs none; the value's outDir is then '').
 */
export function buildOptions(o: ExportOptionsForm, need: { outDir?: boolean } = {}): { ok: true; value: ExportOptionsRequest } | { ok: false; errors: OptionErrors } {
  const errors: OptionErrors = {};
  if (o.formats.length === 0) errors.formats = 'Choose at least one format.';
  if (o.expires !== '') {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(o.expires) && !Number.isNaN(Date.parse(`${o.expires}T00:00:00Z`)) && new Date(`${o.expires}T00:00:00Z`).toISOString().startsWith(o.expires);
    if (!ok) errors.expires = 'Write the expiry date as YYYY-MM-DD, e.g. 2030-12-31.';
  }
  let encrypt: ExportOptionsRequest['encrypt'];
  if (o.encryption === 'passphrase') {
    if (o.passphrase.length < 8) errors.passphrase = 'Use a passphrase of at least 8 characters (better: 4–5 random words).';
    else if (o.passphrase.length > 1024) errors.passphrase = 'The passphrase is longer than 1024 characters.';
    else encrypt = { passphrase: o.passphrase };
  } else if (o.encryption === 'age') {
    const lines = recipientLines(o.recipients);
    const bad = lines.findIndex((l) => !AGE_RECIPIENT.test(l));
    if (lines.length === 0) errors.recipients = 'Give at least one age recipient (a public key starting with age1…), one per line.';
    else if (bad >= 0) errors.recipients = `"${lines[bad]!.slice(0, 70)}" is not an age recipient: it is age1 followed by 58 lowercase letters and digits (age-keygen -y KEYFILE prints it).`;
    else if (lines.length > 50) errors.recipients = 'At most 50 recipients.';
    else encrypt = { recipients: lines };
  }
  const outDir = need.outDir === false ? '' : o.outDir.trim();
  if (need.outDir === false) {
    // Delivered as a download: no folder on this computer.
  } else if (outDir === '') errors.outDir = 'Choose the folder to write the export to (a new folder).';
  else if (!isAbsolutePath(outDir)) errors.outDir = 'Give the full path of the folder (e.g. /home/me/exports/fleet-1), not a relative one.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      outDir,
      formats: ALL_FORMATS.filter((f) => o.formats.includes(f)),
      ...(o.expires ? { expires: o.expires } : {}),
      // The token goes on printed labels only when labels are exported and the box is ticked.
      labelsIncludeKey: o.formats.includes('labels') && o.labelsIncludeKey,
      ...(encrypt ? { encrypt } : {}),
    },
  };
}

interface OptionsState extends ExportOptionsForm {
  errors: OptionErrors;
  /** The folder main suggested (prestage:defaults), to tell "the default" from a typed path. */
  suggestedOutDir?: string;
  set(patch: Partial<ExportOptionsForm>): void;
  toggleFormat(f: BundleFormat, on: boolean): void;
  setErrors(errors: OptionErrors): void;
  /** Asks main for a new default output folder; keeps a path the user typed unless `force`. */
  suggestOutDir(force?: boolean): Promise<void>;
  /** The native folder picker (desktop app): fills the output folder with a new export folder inside the chosen one. */
  chooseFolder(): Promise<void>;
  /** Checks the form; shows the problems on the fields. `outDir: false` when delivering a download. */
  validate(need?: { outDir?: boolean }): ExportOptionsRequest | undefined;
}

const initial: ExportOptionsForm & { errors: OptionErrors; suggestedOutDir?: string } = {
  formats: DEFAULT_FORMATS,
  expires: '',
  encryption: 'none',
  passphrase: '',
  recipients: '',
  outDir: '',
  labelsIncludeKey: false,
  errors: {},
  suggestedOutDir: undefined,
};

const FORM_FIELDS: Partial<Record<keyof ExportOptionsForm, OptionField>> = { formats: 'formats', expires: 'expires', passphrase: 'passphrase', recipients: 'recipients', outDir: 'outDir' };

export const useExportOptions = create<OptionsState>()((set, get) => ({
  ...initial,

  set: (patch) =>
    set((s) => {
      const errors = { ...s.errors };
      for (const k of Object.keys(patch) as (keyof ExportOptionsForm)[]) {
        const f = FORM_FIELDS[k];
        if (f) delete errors[f];
        if (k === 'encryption') {
          delete errors.passphrase;
          delete errors.recipients;
        }
      }
      return { ...patch, errors };
    }),

  toggleFormat: (f, on) => {
    const formats = new Set(get().formats);
    if (on) formats.add(f);
    else formats.delete(f);
    get().set({ formats: ALL_FORMATS.filter((x) => formats.has(x)), ...(f === 'labels' && !on ? { labelsIncludeKey: false } : {}) });
  },

  setErrors: (errors) => set({ errors }),

  suggestOutDir: async (force = false) => {
    try {
      const { outDir } = await api.prestage.defaults();
      const s = get();
      // Replace the field only when it is empty or still holds the previous suggestion.
      if (force || s.outDir === '' || s.outDir === s.suggestedOutDir) set({ outDir, suggestedOutDir: outDir });
      else set({ suggestedOutDir: outDir });
    } catch {
      // No suggestion: the field stays empty and says what to write.
    }
  },

  chooseFolder: async () => {
    const s = get();
    const plain = s.encryption === 'none';
    const current = s.outDir.trim();
    // Open where the current path lives: its parent for a new export folder, itself for an archive's folder.
    const near = plain ? current.replace(/[\\/]+[^\\/]*$/, '') : current;
    try {
      const { path } = await api.dialogs.chooseFolder({
        title: plain ? 'Choose where to create the export folder' : 'Choose the folder for the encrypted archive',
        ...(near && isAbsolutePath(near) ? { defaultPath: near } : {}),
      });
      if (!path) return;
      // A plain export is a new folder (never an existing one): put it inside the folder chosen.
      const name = lastPart(s.suggestedOutDir ?? '') || lastPart(current) || 'edgedeck-export';
      get().set({ outDir: plain ? childPath(path, name) : path });
    } catch (err) {
      set((st) => ({ errors: { ...st.errors, outDir: err instanceof Error ? err.message : String(err) } }));
    }
  },

  validate: (need) => {
    const r = buildOptions(get(), need);
    if (!r.ok) {
      set({ errors: r.errors });
      return undefined;
    }
    set({ errors: {} });
    return r.value;
  },
}));

/** For tests. */
export function resetExportOptions(): void {
  useExportOptions.setState({ ...initial });
}
