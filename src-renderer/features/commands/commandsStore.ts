import { create } from 'zustand';
import { api } from '../../api';
import { errorField, errorMessage } from '../../components/notify';
import type { CommandOptions, Platform, TargetOs } from '../../../src-main/shared/domain/types';

export const platformLabels: Record<Platform, string> = {
  standalone: 'Docker Standalone',
  swarm: 'Docker Swarm',
  podman: 'Podman',
  kubernetes: 'Kubernetes',
  nomad: 'Nomad',
};

export interface CommandForm {
  serverVersion: string;
  os: TargetOs;
  platform: Platform;
  edgeKey: string;
  edgeIdMode: 'literal' | 'generate';
  edgeId: string;
  edgeIdGenerator: string;
  insecurePoll: boolean;
  agentSecret: string;
  envVars: string;
  async: boolean;
  nomadToken: string;
  nomadTls: boolean;
}

export const defaultForm: CommandForm = {
  serverVersion: '2.23.0',
  os: 'linux',
  platform: 'standalone',
  edgeKey: '',
  edgeIdMode: 'literal',
  edgeId: '',
  edgeIdGenerator: 'uuidgen',
  insecurePoll: true,
  agentSecret: '',
  envVars: '',
  async: false,
  nomadToken: '',
  nomadTls: false,
};

export interface FieldError {
  message: string;
  field?: string;
}

interface CommandsState {
  form: CommandForm;
  /** Platforms the server version offers for the OS (from commands:platforms). */
  platforms: Platform[];
  command?: string;
  error?: FieldError;
  platformsError?: FieldError;
  update(patch: Partial<CommandForm>): void;
  /** Asks main for the platforms, then the command. Runs debounced after update(). */
  refresh(): Promise<void>;
  build(): Promise<void>;
}

/** The request for commands:build, from the form (only the fields that apply). */
export function toOptions(form: CommandForm): CommandOptions {
  const options: CommandOptions = {
    platform: form.platform,
    os: form.os,
    agentVersion: form.serverVersion.trim(),
    edgeKey: form.edgeKey.trim(),
    insecurePoll: form.insecurePoll,
  };
  if (form.edgeIdMode === 'literal') options.edgeId = form.edgeId;
  else options.edgeIdGenerator = form.edgeIdGenerator;
  if (form.agentSecret !== '') options.agentSecret = form.agentSecret;
  if (form.envVars !== '') options.envVars = form.envVars;
  if (form.async) options.async = true;
  if (form.platform === 'nomad') {
    if (form.nomadToken !== '') options.nomadToken = form.nomadToken;
    options.nomadTls = form.nomadTls;
  }
  return options;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let buildSeq = 0;
let platformsSeq = 0;
let platformsFor = '';

export const BUILD_DEBOUNCE_MS = 150;

export const useCommands = create<CommandsState>()((set, get) => ({
  form: defaultForm,
  platforms: [],

  update: (patch) => {
    set((s) => ({ form: { ...s.form, ...patch } }));
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void get().refresh();
    }, BUILD_DEBOUNCE_MS);
  },

  refresh: async () => {
    const { serverVersion, os } = get().form;
    const wanted = `${serverVersion.trim()}|${os}`;
    if (wanted !== platformsFor) {
      const seq = ++platformsSeq;
      try {
        const { platforms } = await api.commands.platforms({ serverVersion: serverVersion.trim(), os });
        if (seq !== platformsSeq) return;
        platformsFor = wanted;
        const current = get().form.platform;
        const platform = platforms.includes(current) ? current : (platforms.includes('standalone') ? 'standalone' : platforms[0]) ?? current;
        set((s) => ({ platforms, platformsError: undefined, form: { ...s.form, platform } }));
      } catch (err) {
        if (seq !== platformsSeq) return;
        platformsFor = '';
        set({ platforms: [], platformsError: { message: errorMessage(err), field: errorField(err) } });
      }
    }
    await get().build();
  },

  build: async () => {
    const form = get().form;
    const seq = ++buildSeq;
    if (form.edgeKey.trim() === '') {
      set({ command: undefined, error: undefined });
      return;
    }
    try {
      const { command } = await api.commands.build(toOptions(form));
      if (seq === buildSeq) set({ command, error: undefined });
    } catch (err) {
      if (seq === buildSeq) set({ command: undefined, error: { message: errorMessage(err), field: errorField(err) } });
    }
  },
}));

/** For tests: back to defaults, nothing pending. */
export function resetCommands(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  platformsFor = '';
  useCommands.setState({ form: defaultForm, platforms: [], command: undefined, error: undefined, platformsError: undefined });
}
