import { create } from 'zustand';
import { api } from '../../api';
import { routeError } from '../../components/fieldErrors';
import { LIVE_REFRESH_MS } from '../../components/useLiveRefresh';
import { errorMessage, notifyError } from '../../components/notify';
import { nameProblem } from '../../../src-main/shared/domain/names';
import type { EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import type { AgentGroupView } from '../../../src-main/shared/schemas/simulator';
import { useEnvList } from './envListStore';
import { groupAndTagRefs } from './nameRefs';

/** The details view refreshes as often as every other live view. */
export const DETAILS_POLL_MS = LIVE_REFRESH_MS;

export interface DetailsEntry {
  view?: EnvironmentDetailView;
  /** Date.now() when the view arrived (the countdown runs from there). */
  fetchedAt: number;
  error?: { message: string; code?: string; field?: string };
  /** Simulated agents running for this environment (local simulator only): their state and last error. */
  agents?: AgentGroupView[];
}

export interface EditValues {
  name: string;
  /** A group's name, or a new one to create ('' = Unassigned). */
  group: string;
  /** Tag names, existing or new. */
  tags: string[];
  poll: string;
  /** Async environments (Business Edition): the three intervals as Select values. */
  async?: { ping: string; snapshot: string; command: string };
}

interface DetailsState {
  entries: Record<number, DetailsEntry>;
  busy?: 'update' | 'disassociate' | 'delete' | 'agent' | 'tunnel';
  editErrors: Partial<Record<keyof EditValues, string>>;
  /** Whether the active server is the built-in local simulator. */
  localServer: boolean;

  seed(view: EnvironmentDetailView): void;
  load(id: number, quiet?: boolean): Promise<void>;
  update(id: number, values: EditValues): Promise<boolean>;
  disassociate(id: number): Promise<boolean>;
  remove(id: number): Promise<boolean>;
  startAgent(id: number): Promise<boolean>;
  /** Local server only: opens the tunnel on demand and checks it end to end, then reloads the view. */
  verifyTunnel(id: number): Promise<boolean>;
  clearEditErrors(): void;
}

const initial = { entries: {}, busy: undefined, editErrors: {}, localServer: false } satisfies Partial<DetailsState>;

const editFieldOf: Record<string, keyof EditValues> = { name: 'name', groupId: 'group', groupName: 'group', tagIds: 'tags', tagNames: 'tags', pollSeconds: 'poll', asyncIntervals: 'async' };

export const useDetails = create<DetailsState>()((set, get) => {
  const put = (id: number, patch: Partial<DetailsEntry>) =>
    set((s) => ({ entries: { ...s.entries, [id]: { fetchedAt: Date.now(), ...s.entries[id], ...patch } } }));

  /**
   * What only the local simulator knows: the simulated agents started for it. (The tunnel's state
   * comes with the environment view itself: the local server sends it, other servers cannot.)
   */
  async function localStateOf(id: number): Promise<Pick<DetailsEntry, 'agents'>> {
    try {
      const status = await api.servers.status();
      const local = status.profile?.builtIn === true;
      set({ localServer: local });
      if (!local) return { agents: undefined };
      const { groups } = await api.agents.list();
      return { agents: groups.filter((g) => g.environmentId === id) };
    } catch {
      return { agents: undefined };
    }
  }

  return {
    ...initial,

    seed: (view) => put(view.environment.id, { view, fetchedAt: Date.now(), error: undefined }),

    load: async (id, quiet = false) => {
      try {
        const [view, local] = await Promise.all([api.environments.get({ id }), localStateOf(id)]);
        put(id, { view, fetchedAt: Date.now(), error: undefined, ...local });
      } catch (err) {
        const e = err as { code?: string; field?: string };
        // A background refresh keeps the last view; the error shows next to it.
        put(id, { error: { message: errorMessage(err), code: e.code, field: e.field } });
        if (!quiet && e.code !== 'not_found') notifyError('Could not load the environment', err);
      }
    },

    update: async (id, values) => {
      const name = values.name.trim();
      const nameError = nameProblem(name);
      if (nameError) {
        set({ editErrors: { name: nameError } });
        return false;
      }
      set({ busy: 'update', editErrors: {} });
      const { groups, tags } = useEnvList.getState();
      const refs = groupAndTagRefs(groups, tags, values.group, values.tags);
      try {
        const view = await api.environments.update({
          id,
          name,
          // An emptied group field means Unassigned (group 1), as Portainer shows it.
          ...(refs.groupId !== undefined ? { groupId: refs.groupId } : refs.groupName ? { groupName: refs.groupName } : { groupId: 1 }),
          tagIds: refs.tagIds,
          ...(refs.tagNames.length ? { tagNames: refs.tagNames } : {}),
          pollSeconds: Number(values.poll) || 0,
          ...(values.async ? { asyncIntervals: { ping: Number(values.async.ping), snapshot: Number(values.async.snapshot), command: Number(values.async.command) } } : {}),
        });
        if (refs.groupName || refs.tagNames.length) void useEnvList.getState().loadMeta();
        put(id, { view, fetchedAt: Date.now(), error: undefined });
        useEnvList.getState().reload();
        return true;
      } catch (err) {
        const routed = routeError(err, Object.keys(editFieldOf), 'Could not save the environment');
        const editErrors: DetailsState['editErrors'] = {};
        for (const [k, v] of Object.entries(routed)) editErrors[editFieldOf[k]!] = v;
        set({ editErrors });
        return false;
      } finally {
        set({ busy: undefined });
      }
    },

    disassociate: async (id) => {
      set({ busy: 'disassociate' });
      try {
        const view = await api.environments.disassociate({ id });
        put(id, { view, fetchedAt: Date.now(), error: undefined, ...(await localStateOf(id)) });
        return true;
      } catch (err) {
        notifyError('Could not disassociate the environment', err);
        return false;
      } finally {
        set({ busy: undefined });
      }
    },

    remove: async (id) => {
      set({ busy: 'delete' });
      try {
        await api.environments.delete({ id });
        set((s) => {
          const entries = { ...s.entries };
          delete entries[id];
          return { entries };
        });
        useEnvList.getState().deselect([id]);
        useEnvList.getState().reload();
        return true;
      } catch (err) {
        notifyError('Could not delete the environment', err);
        return false;
      } finally {
        set({ busy: undefined });
      }
    },

    startAgent: async (id) => {
      const view = get().entries[id]?.view;
      set({ busy: 'agent' });
      try {
        // The Edge ID shown on this page, so the agent binds exactly what the install command says.
        const group = await api.agents.start({ environmentId: id, count: 1, insecurePoll: true, ...(view ? { edgeId: view.edgeId.value } : {}) });
        // Shown at once; its first poll (and any error) arrives with the next refresh.
        set((s) => {
          const entry = s.entries[id];
          return entry ? { entries: { ...s.entries, [id]: { ...entry, agents: [...(entry.agents ?? []).filter((g) => g.id !== group.id), group] } } } : {};
        });
        setTimeout(() => void get().load(id, true), 1000);
        return true;
      } catch (err) {
        notifyError('Could not start a simulated agent', err);
        return false;
      } finally {
        set({ busy: undefined });
      }
    },

    verifyTunnel: async (id) => {
      set({ busy: 'tunnel' });
      try {
        await api.sim.verifyTunnel({ environmentId: id });
        return true;
      } catch (err) {
        notifyError('The tunnel could not be verified', err);
        return false;
      } finally {
        set({ busy: undefined });
        await get().load(id, true);
      }
    },

    clearEditErrors: () => set({ editErrors: {} }),
  };
});

/** For tests. */
export function resetDetails(): void {
  useDetails.setState({ ...initial });
}
