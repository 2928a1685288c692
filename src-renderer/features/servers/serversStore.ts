import { create } from 'zustand';
import { api } from '../../api';
import { notifyError } from '../../components/notify';
import type { ServerProfileView, ServerStatusView, ServerVersionView } from '../../../src-main/shared/schemas/portainer';

/** Built-in profiles (the local simulator) first, then by name. */
export function sortProfiles(profiles: ServerProfileView[]): ServerProfileView[] {
  return [...profiles].sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name));
}

export const LOCAL_WARNING = 'Local simulator — not a production server';

interface ServersState {
  profiles: ServerProfileView[];
  activeId?: string;
  secretsWarning?: string;
  /** Whether "remember the password" can be offered (undefined until the list is loaded). */
  secretsPersistent?: boolean;
  listLoaded: boolean;
  status?: ServerStatusView;
  statusKnown: boolean;
  /** Versions learned per profile (add, update, status). */
  versions: Record<string, ServerVersionView>;
  /** The last servers:check result per profile. */
  checks: Record<string, ServerStatusView>;
  /** The picker dialog in the header. */
  pickerOpen: boolean;
  setPickerOpen(open: boolean): void;
  busy?: string;
  /** Set when selecting a profile needs its password or API key. */
  secretPrompt?: { profile: ServerProfileView; error?: string };

  load(): Promise<void>;
  loadStatus(): Promise<void>;
  /** A fresh handshake and login (servers:check). */
  check(id?: string): Promise<ServerStatusView | undefined>;
  select(id: string, secret?: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  closeSecretPrompt(): void;
  remember(profile: ServerProfileView, server?: ServerVersionView): void;
}

const initial = {
  profiles: [],
  activeId: undefined,
  secretsWarning: undefined,
  secretsPersistent: undefined,
  listLoaded: false,
  status: undefined,
  statusKnown: false,
  versions: {},
  checks: {},
  pickerOpen: false,
  busy: undefined,
  secretPrompt: undefined,
} satisfies Partial<ServersState>;

/** Listeners told when the active server changes (lists and details reload). */
const activeListeners = new Set<() => void>();
export function onActiveServerChange(listener: () => void): () => void {
  activeListeners.add(listener);
  return () => activeListeners.delete(listener);
}

export const useServers = create<ServersState>()((set, get) => ({
  ...initial,

  load: async () => {
    try {
      const list = await api.servers.list();
      set({ profiles: sortProfiles(list.profiles), activeId: list.activeId, secretsWarning: list.secretsWarning, secretsPersistent: list.secretsPersistent, listLoaded: true });
    } catch (err) {
      set({ listLoaded: true });
      notifyError('Could not list the Portainer servers', err);
    }
  },

  loadStatus: async () => {
    try {
      const status = await api.servers.status();
      set((s) => ({
        status,
        statusKnown: true,
        versions: status.profile && status.version ? { ...s.versions, [status.profile.id]: { version: status.version, edition: status.edition } } : s.versions,
      }));
    } catch {
      // No server API (older shell): the badge falls back to the simulator's status.
      set({ statusKnown: true, status: undefined });
    }
  },

  check: async (id) => {
    set({ busy: `check:${id ?? 'active'}` });
    try {
      const status = await api.servers.check(id ? { id } : {});
      const isActive = !id || id === get().activeId;
      set((s) => ({
        ...(isActive ? { status, statusKnown: true } : {}),
        checks: status.profile ? { ...s.checks, [status.profile.id]: status } : s.checks,
        versions: status.profile && status.version ? { ...s.versions, [status.profile.id]: { version: status.version, edition: status.edition } } : s.versions,
      }));
      return status;
    } catch (err) {
      notifyError('Could not check the server', err);
      return undefined;
    } finally {
      set({ busy: undefined });
    }
  },

  select: async (id, secret) => {
    const profile = get().profiles.find((p) => p.id === id);
    set({ busy: `select:${id}` });
    try {
      const request = secret === undefined ? { id } : profile?.auth === 'apiKey' ? { id, apiKey: secret } : { id, password: secret };
      const status = await api.servers.select(request);
      set((s) => ({
        status,
        statusKnown: true,
        activeId: id,
        secretPrompt: undefined,
        checks: { ...s.checks, [id]: status },
        versions: status.version ? { ...s.versions, [id]: { version: status.version, edition: status.edition } } : s.versions,
      }));
      await get().load();
      activeListeners.forEach((l) => l());
      if (!status.connected && status.error && profile && (status.error.field === 'password' || status.error.field === 'apiKey')) {
        set({ secretPrompt: { profile, error: secret === undefined ? undefined : status.error.message } });
        return false;
      }
      return status.connected;
    } catch (err) {
      notifyError('Could not switch the server', err);
      return false;
    } finally {
      set({ busy: undefined });
    }
  },

  remove: async (id) => {
    set({ busy: `remove:${id}` });
    try {
      await api.servers.remove({ id });
      await get().load();
      await get().loadStatus();
      activeListeners.forEach((l) => l());
      return true;
    } catch (err) {
      notifyError('Could not remove the server', err);
      return false;
    } finally {
      set({ busy: undefined });
    }
  },

  setPickerOpen: (open) => set({ pickerOpen: open }),

  closeSecretPrompt: () => set({ secretPrompt: undefined }),

  remember: (profile, server) =>
    set((s) => ({
      profiles: sortProfiles([...s.profiles.filter((p) => p.id !== profile.id), profile]),
      versions: server ? { ...s.versions, [profile.id]: server } : s.versions,
    })),
}));

export function notifyActiveServerChanged(): void {
  activeListeners.forEach((l) => l());
}

/** For tests. */
export function resetServers(): void {
  useServers.setState({ ...initial });
}
