import { create } from 'zustand';
import { api } from '../../api';
import { errorField, errorMessage } from '../../components/notify';
import type { EdgeKeyFields, KeyWarning } from '../../../src-main/shared/domain/types';

export interface EncodeForm {
  portainerUrl: string;
  tunnelAddress: string;
  tunnelFingerprint: string;
  environmentId: number | '';
}

interface InspectorState {
  /** The text in the token box (kept when the user navigates away and back). */
  key: string;
  decoded?: { fields: EdgeKeyFields; warnings: KeyWarning[] };
  error?: string;
  /** Which decode is current: an answer to an older text is dropped. */
  seq: number;

  encode: EncodeForm;
  encoded?: string;
  encodeError?: { message: string; field?: string };

  setKey(key: string): void;
  decode(): Promise<void>;
  setEncode(patch: Partial<EncodeForm>): void;
  buildKey(): Promise<void>;
  /** Copies the decoded fields into the "Build a key" form (e.g. to change the tunnel address). */
  editDecoded(): void;
}

export const useInspector = create<InspectorState>()((set, get) => ({
  key: '',
  seq: 0,
  encode: { portainerUrl: '', tunnelAddress: '', tunnelFingerprint: '', environmentId: 1 },

  setKey: (key) => set({ key }),

  decode: async () => {
    const key = get().key.trim();
    const seq = get().seq + 1;
    set({ seq });
    if (key === '') {
      set({ decoded: undefined, error: undefined });
      return;
    }
    try {
      const decoded = await api.key.decode({ key });
      if (get().seq === seq) set({ decoded, error: undefined });
    } catch (err) {
      if (get().seq === seq) set({ decoded: undefined, error: errorMessage(err) });
    }
  },

  setEncode: (patch) => set((s) => ({ encode: { ...s.encode, ...patch }, encodeError: undefined })),

  buildKey: async () => {
    const form = get().encode;
    if (form.environmentId === '') {
      set({ encoded: undefined, encodeError: { field: 'environmentId', message: 'Enter the environment ID (0 makes a global key).' } });
      return;
    }
    try {
      const { key } = await api.key.encode({
        portainerUrl: form.portainerUrl.trim(),
        tunnelAddress: form.tunnelAddress.trim(),
        tunnelFingerprint: form.tunnelFingerprint.trim(),
        environmentId: form.environmentId,
      });
      set({ encoded: key, encodeError: undefined });
    } catch (err) {
      set({ encoded: undefined, encodeError: { message: errorMessage(err), field: errorField(err) } });
    }
  },

  editDecoded: () => {
    const fields = get().decoded?.fields;
    if (!fields) return;
    set({
      encode: {
        portainerUrl: fields.portainerUrl,
        tunnelAddress: fields.tunnelAddress,
        tunnelFingerprint: fields.tunnelFingerprint,
        environmentId: fields.environmentId,
      },
      encoded: undefined,
      encodeError: undefined,
    });
  },
}));
