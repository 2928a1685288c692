import { create } from 'zustand';
import { api } from '../../api';
import { routeError, tlsChangeOf, type TlsChange } from '../../components/fieldErrors';
import type { CertificateView, ServerProbeView, ServerProfileView, ServerVersionView, TlsModeView } from '../../../src-main/shared/schemas/portainer';
import { notifyActiveServerChanged, useServers } from './serversStore';

export type ServerFormStep = 'address' | 'certificate' | 'auth' | 'done';

export interface ServerFormValues {
  name: string;
  url: string;
  auth: 'password' | 'apiKey';
  username: string;
  password: string;
  apiKey: string;
  rememberSecret: boolean;
  /** Adding: make the new server the active one (the user is asked, and told after). */
  makeActive: boolean;
}

export const serverFormFields = ['name', 'url', 'auth', 'username', 'password', 'apiKey', 'tls'] as const;

interface ServerFormState {
  open: boolean;
  /** The profile being edited; undefined when adding. */
  editing?: ServerProfileView;
  step: ServerFormStep;
  values: ServerFormValues;
  errors: Record<string, string>;
  busy: boolean;
  /** The probed base URL, certificate and version. */
  probedUrl?: string;
  certificate?: CertificateView | null;
  probeVersion?: string;
  probeWarnings: string[];
  tls: { mode: TlsModeView; pinnedSha256?: string };
  tlsChange?: TlsChange;
  /** The https:// address to use instead of the http:// one typed (see servers:probe). */
  httpsSuggestion?: ServerProbeView['httpsSuggestion'];
  result?: { profile: ServerProfileView; server?: ServerVersionView };
  /** The server that was active before this add made the new one active (for "switch back"). */
  previousActive?: { id: string; name: string };

  openAdd(): void;
  openEdit(profile: ServerProfileView): void;
  close(): void;
  set(patch: Partial<ServerFormValues>): void;
  /** servers:probe the URL; then the certificate prompt or the auth step. */
  probe(): Promise<void>;
  /** Takes the suggested https:// address and checks it. */
  useHttps(): Promise<void>;
  trust(choice: 'pin' | 'insecure' | 'cancel'): void;
  back(): void;
  submit(): Promise<void>;
  /** After an add: makes `id` the active server (switch back, or use the new one after all). */
  activate(id: string): Promise<void>;
}

const emptyValues: ServerFormValues = { name: '', url: 'https://', auth: 'password', username: 'admin', password: '', apiKey: '', rememberSecret: false, makeActive: true };

const initial = {
  open: false,
  editing: undefined,
  step: 'address' as ServerFormStep,
  values: emptyValues,
  errors: {},
  busy: false,
  probedUrl: undefined,
  certificate: undefined,
  probeVersion: undefined,
  probeWarnings: [],
  tls: { mode: 'system' as TlsModeView },
  tlsChange: undefined,
  httpsSuggestion: undefined,
  result: undefined,
  previousActive: undefined,
} satisfies Partial<ServerFormState>;

/** A name for a new profile from its URL (the host). */
export function nameFromUrl(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}

export const useServerForm = create<ServerFormState>()((set, get) => ({
  ...initial,

  openAdd: () => set({ ...initial, open: true }),

  openEdit: (profile) =>
    set({
      ...initial,
      open: true,
      editing: profile,
      // Editing starts at the auth step: the address is known; changing it probes again.
      step: 'auth',
      probedUrl: profile.url,
      tls: profile.tls,
      values: { ...emptyValues, name: profile.name, url: profile.url, auth: profile.auth, username: profile.username ?? '', rememberSecret: profile.rememberSecret },
    }),

  close: () => set({ ...initial }),

  set: (patch) =>
    set((s) => {
      const errors = { ...s.errors };
      for (const k of Object.keys(patch)) delete errors[k];
      // A suggestion is about the address it was made for.
      return { values: { ...s.values, ...patch }, errors, ...('url' in patch ? { httpsSuggestion: undefined } : {}) };
    }),

  probe: async () => {
    const { values } = get();
    const url = values.url.trim();
    if (url === '' || url === 'https://' || url === 'http://') {
      set({ errors: { url: 'Enter the Portainer server address, e.g. https://portainer.example.com:9443.' } });
      return;
    }
    set({ busy: true, errors: {}, tlsChange: undefined, httpsSuggestion: undefined });
    try {
      const probe = await api.servers.probe({ url });
      const patch: Partial<ServerFormState> = { probedUrl: probe.url, certificate: probe.certificate, probeVersion: probe.portainerVersion, probeWarnings: probe.warnings };
      if (probe.httpsSuggestion) {
        // http:// where the server speaks (or most likely speaks) HTTPS: offer the fix, go no further.
        set({ ...patch, httpsSuggestion: probe.httpsSuggestion, errors: { url: probe.httpsSuggestion.message } });
        return;
      }
      if (!probe.portainerVersion) {
        set({
          ...patch,
          errors: { url: probe.versionError ?? `${probe.url} does not answer like a Portainer server.` },
        });
        return;
      }
      const name = get().values.name.trim() === '' ? nameFromUrl(probe.url) : get().values.name;
      if (probe.certificate && !probe.certificate.trustedBySystem) {
        set({ ...patch, step: 'certificate', values: { ...get().values, name, url: probe.url } });
      } else {
        set({ ...patch, step: 'auth', tls: { mode: 'system' }, values: { ...get().values, name, url: probe.url } });
      }
    } catch (err) {
      set({ errors: routeError(err, serverFormFields, 'Could not check the server') });
    } finally {
      set({ busy: false });
    }
  },

  useHttps: async () => {
    const suggestion = get().httpsSuggestion;
    if (!suggestion) return;
    get().set({ url: suggestion.url });
    await get().probe();
  },

  trust: (choice) => {
    const cert = get().certificate;
    if (choice === 'cancel' || !cert) {
      set({ step: 'address' });
      return;
    }
    set({ step: 'auth', tls: choice === 'pin' ? { mode: 'pinned', pinnedSha256: cert.sha256 } : { mode: 'insecure' } });
  },

  back: () => set({ step: 'address', errors: {} }),

  activate: async (id) => {
    await useServers.getState().select(id);
    const profile = useServers.getState().profiles.find((p) => p.id === id);
    const result = get().result;
    // The done step now says which server is active; "switch back" is spent.
    if (result) set({ result: { ...result, profile: { ...result.profile, active: profile?.id === result.profile.id } }, previousActive: undefined });
  },

  submit: async () => {
    const { values, editing, tls, probedUrl } = get();
    const secret = values.auth === 'apiKey' ? values.apiKey : values.password;
    const errors: Record<string, string> = {};
    if (values.name.trim() === '') errors.name = 'A name is required.';
    if (values.auth === 'password' && values.username.trim() === '') errors.username = 'Enter the username.';
    if (!editing && secret === '') errors[values.auth === 'apiKey' ? 'apiKey' : 'password'] = values.auth === 'apiKey' ? 'Enter the API key.' : 'Enter the password.';
    if (Object.keys(errors).length) {
      set({ errors });
      return;
    }
    set({ busy: true, errors: {}, tlsChange: undefined });
    try {
      const secretPart = secret === '' ? {} : values.auth === 'apiKey' ? { apiKey: secret } : { password: secret };
      let result: { profile: ServerProfileView; server?: ServerVersionView };
      if (editing) {
        const urlChanged = probedUrl !== undefined && probedUrl !== editing.url;
        const tlsChanged = tls.mode !== editing.tls.mode || tls.pinnedSha256 !== editing.tls.pinnedSha256;
        result = await api.servers.update({
          id: editing.id,
          name: values.name.trim(),
          ...(urlChanged ? { url: probedUrl } : {}),
          ...(values.auth !== editing.auth ? { auth: values.auth } : {}),
          ...(values.auth === 'password' && values.username.trim() !== (editing.username ?? '') ? { username: values.username.trim() } : {}),
          ...(tlsChanged ? { tls } : {}),
          ...secretPart,
          rememberSecret: values.rememberSecret && useServers.getState().secretsPersistent === true,
        });
      } else {
        const servers = useServers.getState();
        const before = servers.profiles.find((p) => p.id === servers.activeId);
        if (values.makeActive && before) set({ previousActive: { id: before.id, name: before.name } });
        result = await api.servers.add({
          name: values.name.trim(),
          url: probedUrl ?? values.url.trim(),
          auth: values.auth,
          ...(values.auth === 'password' ? { username: values.username.trim() } : {}),
          ...secretPart,
          tls,
          rememberSecret: values.rememberSecret && useServers.getState().secretsPersistent === true,
          select: values.makeActive,
        });
      }
      useServers.getState().remember(result.profile, result.server);
      set({ step: 'done', result, values: { ...get().values, password: '', apiKey: '' } });
      await useServers.getState().load();
      await useServers.getState().loadStatus();
      notifyActiveServerChanged();
    } catch (err) {
      const change = tlsChangeOf(err instanceof Error ? err : undefined);
      if (change) {
        set({ tlsChange: change });
        return;
      }
      const fieldErrors = routeError(err, serverFormFields, 'Could not connect to the server');
      if (fieldErrors.tls) {
        // Not trusted after all (e.g. the certificate changed between probe and connect): probe again.
        set({ step: 'address', errors: { url: fieldErrors.tls } });
        return;
      }
      const toAddress = fieldErrors.url !== undefined;
      set({ errors: fieldErrors, ...(toAddress ? { step: 'address' as const } : {}) });
    } finally {
      set({ busy: false });
    }
  },
}));
