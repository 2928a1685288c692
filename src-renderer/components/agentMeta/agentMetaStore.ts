import { create } from 'zustand';
import { api } from '../../api';
import { errorMessage } from '../notify';
import { resolveNames } from '../../../src-main/shared/domain/groupsAndTags';
import { agentMetaEnv } from '../../../src-main/shared/domain/installCommands';
import type { AgentMeta } from '../../../src-main/shared/domain/types';
import type { EdgeGroupView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';
import { namesToRefs } from '../../features/environments/nameRefs';

/**
 * Auto-onboarding metadata on the Install and Export screens: the Edge groups, the Portainer group
 * and the tags an agent sends when it enrols with a global key (EDGE_GROUPS, PORTAINER_GROUP,
 * PORTAINER_TAGS, as `--edge-groups`, `--group-id`, `--tag-ids` give them to the CLI). The user
 * picks names from the connected server's lists or types new ones; new ones are created by the
 * core's one "find by name, else create" rule (resolveNames) just before the install or export,
 * and main turns the ids into variables with the core builder (agentMetaEnv).
 */
export interface AgentMetaValues {
  /** Off: no metadata variables at all (the default, as the CLI without the flags). */
  on: boolean;
  edgeGroups: string[];
  /** '' = none (the server's Unassigned group). */
  group: string;
  tags: string[];
}

export interface AgentMetaState extends AgentMetaValues {
  edgeGroupList: EdgeGroupView[];
  groupList: GroupView[];
  tagList: TagView[];
  loading: boolean;
  /** The server's lists could not be read (e.g. no server connected). */
  loadError?: string;
  /** Creating a new Edge group, group or tag failed (names the field and why). */
  error?: string;
  load(): Promise<void>;
  set(patch: Partial<AgentMetaValues>): void;
  /**
   * The metadata ids, creating the names the server does not have yet (`create: false`: a dry
   * run, which changes nothing, refuses them instead); undefined when the option is off or
   * nothing is picked. Throws (and sets `error`) when a name cannot be had.
   */
  resolve(o?: { create?: boolean }): Promise<AgentMeta | undefined>;
  reset(): void;
}

const initialValues: AgentMetaValues = { on: false, edgeGroups: [], group: '', tags: [] };

/** Static Edge groups only: a dynamic one is chosen by tags, not joined by EDGE_GROUPS. */
export function staticEdgeGroups(list: readonly EdgeGroupView[]): EdgeGroupView[] {
  return list.filter((g) => !g.dynamic);
}

/**
 * What the agent's environment will hold, for the screen: the variables of the known names as the
 * core builder writes them, and the new names (their ids exist only after creation).
 */
export function metaPreview(s: Pick<AgentMetaState, 'on' | 'edgeGroups' | 'group' | 'tags' | 'edgeGroupList' | 'groupList' | 'tagList'>): { lines: string[]; pending: string[] } {
  if (!s.on) return { lines: [], pending: [] };
  const eg = namesToRefs(staticEdgeGroups(s.edgeGroupList), s.edgeGroups);
  const g = namesToRefs(s.groupList, s.group.trim() ? [s.group] : []);
  const t = namesToRefs(s.tagList, s.tags);
  const meta: AgentMeta = {
    ...(eg.ids.length ? { edgeGroupIds: eg.ids } : {}),
    ...(g.ids[0] !== undefined ? { groupId: g.ids[0] } : {}),
    ...(t.ids.length ? { tagIds: t.ids } : {}),
  };
  return { lines: agentMetaEnv(meta).map((e) => `${e.name}=${e.value}`), pending: [...eg.names.map((n) => `Edge group “${n}”`), ...g.names.map((n) => `group “${n}”`), ...t.names.map((n) => `tag “${n}”`)] };
}

export function createAgentMetaStore() {
  return create<AgentMetaState>()((set, get) => ({
    ...initialValues,
    edgeGroupList: [],
    groupList: [],
    tagList: [],
    loading: false,

    load: async () => {
      set({ loading: true });
      const [edgeGroups, groups, tags] = await Promise.allSettled([api.edgeGroups.list(), api.groups.list(), api.tags.list()]);
      const failed = [edgeGroups, groups, tags].find((r) => r.status === 'rejected');
      set((s) => ({
        loading: false,
        edgeGroupList: edgeGroups.status === 'fulfilled' ? edgeGroups.value.edgeGroups : s.edgeGroupList,
        groupList: groups.status === 'fulfilled' ? groups.value.groups : s.groupList,
        tagList: tags.status === 'fulfilled' ? tags.value.tags : s.tagList,
        loadError: failed ? `Could not read the server's Edge groups, groups and tags: ${errorMessage(failed.reason)}. Typed names are looked up (and created) when you start.` : undefined,
      }));
    },

    set: (patch) => set({ ...patch, error: undefined }),

    resolve: async ({ create = true } = {}) => {
      const s = get();
      if (!s.on) return undefined;
      set({ error: undefined });
      let step = 'Edge group';
      try {
        // A picker filled before the lists arrived (or after another window added names) looks at the server's current lists.
        if (s.loadError || s.loading) await get().load();
        const lists = get();
        const eg = await resolveNames(staticEdgeGroups(lists.edgeGroupList), s.edgeGroups, create ? (name) => api.edgeGroups.create({ name }) : undefined);
        step = 'group';
        const g = await resolveNames(lists.groupList, s.group.trim() ? [s.group] : [], create ? (name) => api.groups.create({ name }) : undefined);
        step = 'tag';
        const t = await resolveNames(lists.tagList, s.tags, create ? (name) => api.tags.create({ name }) : undefined);
        const missing = [...eg.missing.map((n) => `Edge group “${n}”`), ...g.missing.map((n) => `group “${n}”`), ...t.missing.map((n) => `tag “${n}”`)];
        if (missing.length) {
          const text = `${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist on the server yet, and a dry run or preflight creates nothing: pick existing names, or start the install to create them.`;
          set({ error: text });
          throw new Error(text);
        }
        set((st) => ({
          edgeGroupList: [...st.edgeGroupList, ...eg.created],
          groupList: [...st.groupList, ...g.created],
          tagList: [...st.tagList, ...t.created],
          error: undefined,
        }));
        const meta: AgentMeta = {
          ...(eg.found.length ? { edgeGroupIds: eg.found.map((x) => x.id) } : {}),
          ...(g.found[0] ? { groupId: g.found[0].id } : {}),
          ...(t.found.length ? { tagIds: t.found.map((x) => x.id) } : {}),
        };
        return Object.keys(meta).length ? meta : undefined;
      } catch (err) {
        if (get().error) throw err;
        // What was created before the failure is on the server: reload so it shows as known.
        void get().load();
        set({ error: `Could not create the ${step}: ${errorMessage(err)}` });
        throw err;
      }
    },

    reset: () => set({ ...initialValues, error: undefined }),
  }));
}

export type AgentMetaStore = ReturnType<typeof createAgentMetaStore>;

/** The Install screen's and the Export screen's metadata (each keeps its own picks). */
export const useInstallMeta = createAgentMetaStore();
export const useExportMeta = createAgentMetaStore();
