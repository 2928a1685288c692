import { create } from 'zustand';
import { api } from '../../api';
import { notifyError } from '../../components/notify';
import { parseIdList } from '../../../src-main/shared/domain/idList';
import type { AgentGroupView, PollSample, SimEnvironmentView, SimStatus } from '../../../src-main/shared/schemas/simulator';

/** How many poll samples the live timeline keeps. */
export const MAX_SAMPLES = 200;

export interface StartForm {
  port: number;
  tunnelPort: number;
  https: boolean;
  /** The Portainer release to emulate ('' = the default, 2.23.0). */
  portainerVersion: string;
  edition: 'ce' | 'be';
  /** Business Edition: new devices are trusted at once; off sends them to the waiting room. */
  trustOnFirstConnect: boolean;
}

export interface AgentsForm {
  count: number;
  /** With count 1: the exact Edge ID ('' = the environment's own, the one its details page shows); otherwise the prefix of `<prefix>-<n>`. */
  edgeId: string;
  insecurePoll: boolean;
  platform: 'docker' | 'kubernetes';
  /** Instead of a local environment: any join token (e.g. of a real Portainer). */
  edgeKey: string;
  /** EDGE_GROUPS as the agent takes it: Edge group ids joined by ':' ('' = none), sent on its global-key call. */
  edgeGroups: string;
}

interface SimulatorState {
  status?: SimStatus;
  /** true once sim:status has answered (or failed): the header stops saying "checking". */
  statusKnown: boolean;
  statusError?: string;
  busy: 'start' | 'stop' | 'agents' | undefined;
  /** The environment whose tunnel is being verified. */
  verifyingTunnel?: number;
  environments: SimEnvironmentView[];
  environmentsLoading: boolean;
  selectedEnvironmentId?: number;
  groups: AgentGroupView[];
  /** Newest first, at most MAX_SAMPLES. */
  samples: PollSample[];
  startForm: StartForm;
  agentsForm: AgentsForm;

  loadStatus(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** quiet: a background refresh (no spinner, no notification on failure). */
  loadEnvironments(quiet?: boolean): Promise<void>;
  selectEnvironment(id: number | undefined): void;
  /** Opens the environment's tunnel on demand (as Portainer's TunnelAddr) and checks it end to end. */
  verifyTunnel(environmentId: number): Promise<void>;
  loadGroups(): Promise<void>;
  startAgents(): Promise<void>;
  stopAgents(groupId?: string): Promise<void>;
  setStartForm(patch: Partial<StartForm>): void;
  setAgentsForm(patch: Partial<AgentsForm>): void;

  // Event sinks.
  onStatus(status: SimStatus): void;
  onGroups(groups: AgentGroupView[]): void;
  onSamples(samples: PollSample[]): void;
}

const initial = {
  status: undefined,
  statusKnown: false,
  statusError: undefined,
  busy: undefined,
  environments: [],
  environmentsLoading: false,
  selectedEnvironmentId: undefined,
  groups: [],
  samples: [],
  startForm: { port: 0, tunnelPort: 0, https: true, portainerVersion: '', edition: 'ce' as const, trustOnFirstConnect: true },
  agentsForm: { count: 1, edgeId: '', insecurePoll: true, platform: 'docker' as const, edgeKey: '', edgeGroups: '' },
} satisfies Partial<SimulatorState>;

export const useSimulator = create<SimulatorState>()((set, get) => ({
  ...initial,

  loadStatus: async () => {
    try {
      const status = await api.sim.status();
      set({ status, statusKnown: true, statusError: undefined });
    } catch (err) {
      set({ statusKnown: true, statusError: err instanceof Error ? err.message : String(err) });
    }
  },

  start: async () => {
    set({ busy: 'start' });
    try {
      const { portainerVersion, edition, trustOnFirstConnect, ...ports } = get().startForm;
      const version = portainerVersion.trim();
      const status = await api.sim.start({ ...ports, edition, ...(version ? { portainerVersion: version } : {}), ...(edition === 'be' ? { trustOnFirstConnect } : {}) });
      set({ status, statusKnown: true, statusError: undefined });
      void get().loadEnvironments();
    } catch (err) {
      notifyError('Could not start the local server', err);
    } finally {
      set({ busy: undefined });
    }
  },

  stop: async () => {
    set({ busy: 'stop' });
    try {
      const status = await api.sim.stop({});
      set({ status, environments: [], selectedEnvironmentId: undefined });
    } catch (err) {
      notifyError('Could not stop the local server', err);
    } finally {
      set({ busy: undefined });
    }
  },

  loadEnvironments: async (quiet = false) => {
    if (!quiet) set({ environmentsLoading: true });
    try {
      const { environments } = await api.sim.environments({});
      const selected = get().selectedEnvironmentId;
      set({
        environments,
        selectedEnvironmentId: environments.some((e) => e.id === selected) ? selected : environments[0]?.id,
      });
    } catch (err) {
      if (!quiet) notifyError('Could not list the local environments', err);
    } finally {
      if (!quiet) set({ environmentsLoading: false });
    }
  },

  selectEnvironment: (id) => set({ selectedEnvironmentId: id }),

  verifyTunnel: async (environmentId) => {
    set({ verifyingTunnel: environmentId });
    try {
      await api.sim.verifyTunnel({ environmentId });
    } catch (err) {
      notifyError('The tunnel could not be verified', err);
    } finally {
      set({ verifyingTunnel: undefined });
      await get().loadEnvironments(true);
    }
  },

  loadGroups: async () => {
    try {
      const { groups } = await api.agents.list({});
      set({ groups });
    } catch (err) {
      notifyError('Could not list the simulated agents', err);
    }
  },

  startAgents: async () => {
    const { agentsForm: form, selectedEnvironmentId } = get();
    const edgeKey = form.edgeKey.trim();
    if (edgeKey === '' && selectedEnvironmentId === undefined) {
      notifyError('Pick an environment first', new Error('Pick an environment of the local server, or paste a join token, then start agents.'));
      return;
    }
    const edgeId = form.edgeId.trim();
    set({ busy: 'agents' });
    try {
      // The agent's own spelling: ids joined by ':' (EDGE_GROUPS).
      const edgeGroups = form.edgeGroups.trim();
      const edgeGroupIds = edgeGroups ? parseIdList(edgeGroups.replaceAll(':', ','), 'edgeGroups', 'Edge group') : [];
      const group = await api.agents.start({
        ...(edgeGroupIds.length ? { edgeGroupIds } : {}),
        ...(edgeKey !== '' ? { edgeKey } : { environmentId: selectedEnvironmentId }),
        count: form.count,
        insecurePoll: form.insecurePoll,
        platform: form.platform,
        ...(edgeId === '' ? {} : form.count === 1 ? { edgeId } : { edgeIdPrefix: edgeId }),
      });
      set((s) => ({ groups: [...s.groups.filter((g) => g.id !== group.id), group] }));
    } catch (err) {
      notifyError('Could not start agents', err);
    } finally {
      set({ busy: undefined });
    }
  },

  stopAgents: async (groupId) => {
    try {
      await api.agents.stop(groupId === undefined ? {} : { groupId });
      await get().loadGroups();
    } catch (err) {
      notifyError(groupId === undefined ? 'Could not stop the agents' : 'Could not stop the group', err);
    }
  },

  setStartForm: (patch) => set((s) => ({ startForm: { ...s.startForm, ...patch } })),
  setAgentsForm: (patch) => set((s) => ({ agentsForm: { ...s.agentsForm, ...patch } })),

  onStatus: (status) => {
    const wasRunning = get().status?.running;
    set({ status, statusKnown: true, statusError: undefined });
    if (status.running && !wasRunning) void get().loadEnvironments();
    if (!status.running) set({ environments: [], selectedEnvironmentId: undefined });
  },
  onGroups: (groups) => set({ groups }),
  onSamples: (incoming) => {
    if (incoming.length === 0) return;
    // Newest first, whatever order a batch comes in.
    set((s) => ({ samples: [...incoming.slice(-MAX_SAMPLES), ...s.samples].sort((a, b) => b.at - a.at).slice(0, MAX_SAMPLES) }));
  },
}));

/** Subscribes the store to main's events; call once at start. Returns the unsubscriber. */
export function subscribeSimulatorEvents(): () => void {
  const s = useSimulator.getState;
  const offs = [
    api.on('sim:status', (status) => s().onStatus(status)),
    api.on('agents:groups', ({ groups }) => s().onGroups(groups)),
    api.on('agents:polls', ({ samples }) => s().onSamples(samples)),
  ];
  return () => offs.forEach((off) => off());
}

/** For tests. */
export function resetSimulator(): void {
  useSimulator.setState({ ...initial });
}
