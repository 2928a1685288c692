import { create } from 'zustand';
import { api } from '../../api';
import { routeError } from '../../components/fieldErrors';
import { AppError, createdSentence } from '../../../src-main/shared/contract/errors';
import { ASYNC_USE_DEFAULT, type AsyncIntervals } from '../../../src-main/shared/domain/edgeAsync';
import { hostClass } from '../../../src-main/shared/domain/edgeKey';
import { nameProblem } from '../../../src-main/shared/domain/names';
import type { EdgeGroupView, EnvironmentCreateView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';
import { useEnvList } from './envListStore';
import { groupAndTagRefs, namesToRefs } from './nameRefs';

export interface AddFormValues {
  name: string;
  portainerUrl: string;
  /** Seconds as text for the Select; '0' = the server default. */
  poll: string;
  /** An existing group's name, or a new one to create ('' = Unassigned). */
  group: string;
  /** Existing tag names or new ones to create. */
  tags: string[];
  /** Existing Edge group names or new ones to create; the environment joins them (EDGE_GROUPS in its commands). */
  edgeGroups: string[];
  /** Business Edition: an async agent, with its intervals as Select values (seconds as text, '-1' = the server's default). */
  async: boolean;
  ping: string;
  snapshot: string;
  command: string;
  /** Business Edition without a tunnel address setting: the address sent (prefilled, editable). */
  tunnelAddress: string;
}

export type AddFormField = keyof AddFormValues;

/** Request fields an AppError may name → the form field that shows it. */
const fieldOfRequest: Record<string, AddFormField> = {
  name: 'name',
  portainerUrl: 'portainerUrl',
  pollSeconds: 'poll',
  groupName: 'group',
  groupId: 'group',
  tagNames: 'tags',
  tagIds: 'tags',
  edgeGroupIds: 'edgeGroups',
  edgeGroupNames: 'edgeGroups',
  async: 'async',
  tunnelServerAddress: 'tunnelAddress',
};

export interface UrlAdvice {
  error?: string;
  warning?: string;
}

/** What Portainer and the Edge devices will make of the URL the agents get in their join token. */
export function urlAdvice(text: string): UrlAdvice {
  const url = text.trim();
  if (url === '') return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: 'Enter a full address such as https://portainer.example.com:9443.' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { error: 'The address must start with https:// (or http://).' };
  const host = parsed.hostname;
  switch (hostClass(host)) {
    case 'localhost':
      return {
        error: `Portainer refuses "localhost" as the URL for agents ("cannot use localhost as environment URL"): each Edge device would call itself. Use an address or name the devices can reach (127.0.0.1 works only for agents on this machine).`,
      };
    case 'loopback':
      return { warning: `${host} is a loopback address: only agents on this very machine can reach it (fine for the local simulator). Edge hosts elsewhere cannot.` };
    case 'private':
      return { warning: `${host} is a private (RFC 1918) address: Edge hosts outside this network, or behind NAT, may not reach it.` };
    case 'link-local':
      return { warning: `${host} is a link-local address: only hosts on the same network segment can reach it.` };
    default:
      return parsed.protocol === 'http:' ? { warning: 'Plain http://: the agents poll without TLS and the tunnel runs unencrypted (ws://).' } : {};
  }
}

const useDefault = String(ASYNC_USE_DEFAULT);
const emptyValues: AddFormValues = { name: '', portainerUrl: '', poll: '0', group: '', tags: [], edgeGroups: [], async: false, ping: useDefault, snapshot: useDefault, command: useDefault, tunnelAddress: '' };

interface AddFormState {
  values: AddFormValues;
  errors: Partial<Record<AddFormField, string>>;
  busy: boolean;
  /** Server defaults for the form (prefill and labels). */
  defaults?: { portainerUrl: string; checkinInterval: number; edition?: 'ce' | 'be'; tunnelAddressNeeded: boolean; asyncDefaults?: AsyncIntervals };
  groups: GroupView[];
  tags: TagView[];
  edgeGroups: EdgeGroupView[];
  /** Groups or tags the server created before a failure (still on the server). */
  partial?: string;
  created?: EnvironmentCreateView;

  init(): Promise<void>;
  set(patch: Partial<AddFormValues>): void;
  submit(): Promise<EnvironmentCreateView | undefined>;
  reset(): void;
}

const initial = {
  values: emptyValues,
  errors: {},
  busy: false,
  defaults: undefined,
  groups: [],
  tags: [],
  edgeGroups: [],
  partial: undefined,
  created: undefined,
} satisfies Partial<AddFormState>;

export const useAddForm = create<AddFormState>()((set, get) => ({
  ...initial,

  init: async () => {
    const [settings, status, groups, tags, edgeGroups] = await Promise.allSettled([api.servers.settings(), api.servers.status(), api.groups.list(), api.tags.list(), api.edgeGroups.list()]);
    const profileUrl = status.status === 'fulfilled' ? (status.value.profile?.url ?? '') : '';
    const edgeUrl = settings.status === 'fulfilled' ? settings.value.edgePortainerUrl : '';
    const portainerUrl = edgeUrl || profileUrl;
    const checkinInterval = settings.status === 'fulfilled' ? settings.value.checkinInterval : 5;
    const edge = settings.status === 'fulfilled' ? settings.value : undefined;
    set((s) => ({
      defaults: {
        portainerUrl,
        checkinInterval,
        ...(edge?.edition ? { edition: edge.edition } : {}),
        tunnelAddressNeeded: edge?.tunnelAddressNeeded ?? false,
        ...(edge?.asyncDefaults ? { asyncDefaults: edge.asyncDefaults } : {}),
      },
      groups: groups.status === 'fulfilled' ? groups.value.groups : s.groups,
      tags: tags.status === 'fulfilled' ? tags.value.tags : s.tags,
      edgeGroups: edgeGroups.status === 'fulfilled' ? edgeGroups.value.edgeGroups : s.edgeGroups,
      values: s.values.portainerUrl === '' && !s.created ? { ...s.values, portainerUrl } : s.values,
    }));
  },

  set: (patch) =>
    set((s) => {
      if (s.created) return {};
      const errors = { ...s.errors };
      for (const k of Object.keys(patch)) delete errors[k as AddFormField];
      return { values: { ...s.values, ...patch }, errors };
    }),

  reset: () => set({ ...initial }),

  submit: async () => {
    const { values, groups, tags, edgeGroups, busy, created } = get();
    if (busy || created) return undefined;
    const errors: AddFormState['errors'] = {};
    const name = values.name.trim();
    const nameError = nameProblem(name);
    if (nameError) errors.name = nameError;
    const advice = urlAdvice(values.portainerUrl);
    if (advice.error) errors.portainerUrl = advice.error;
    if (Object.keys(errors).length) {
      set({ errors });
      return undefined;
    }
    const { groupId, groupName, tagIds, tagNames } = groupAndTagRefs(groups, tags, values.group, values.tags);
    const edgeGroupRefs = namesToRefs(edgeGroups, values.edgeGroups);
    const poll = Number(values.poll);
    set({ busy: true, errors: {}, partial: undefined });
    try {
      const view = await api.environments.create({
        name,
        ...(values.portainerUrl.trim() ? { portainerUrl: values.portainerUrl.trim() } : {}),
        ...(poll > 0 ? { pollSeconds: poll } : {}),
        ...(groupId !== undefined ? { groupId } : groupName ? { groupName } : {}),
        ...(tagIds.length ? { tagIds } : {}),
        ...(tagNames.length ? { tagNames } : {}),
        ...(edgeGroupRefs.ids.length ? { edgeGroupIds: edgeGroupRefs.ids } : {}),
        ...(edgeGroupRefs.names.length ? { edgeGroupNames: edgeGroupRefs.names } : {}),
        ...(values.async ? { async: { ping: Number(values.ping), snapshot: Number(values.snapshot), command: Number(values.command) } } : {}),
        ...(values.tunnelAddress.trim() ? { tunnelServerAddress: values.tunnelAddress.trim() } : {}),
      });
      set({ created: view });
      useEnvList.getState().reload();
      return view;
    } catch (err) {
      // What main created before the failure comes as a list (AppError.created), not read from the message.
      const created = err instanceof AppError ? err.created : undefined;
      const partial = created ? createdSentence(created) : undefined;
      const routed = routeError(err, Object.keys(fieldOfRequest), 'Could not create the environment');
      const fieldErrors: AddFormState['errors'] = {};
      for (const [k, v] of Object.entries(routed)) fieldErrors[fieldOfRequest[k]!] = partial && v.endsWith(partial) ? v.slice(0, -partial.length).trim() : v;
      set({ errors: fieldErrors, partial });
      if (partial) void get().init();
      return undefined;
    } finally {
      set({ busy: false });
    }
  },
}));

/** For tests. */
export function resetAddForm(): void {
  useAddForm.setState({ ...initial });
}
