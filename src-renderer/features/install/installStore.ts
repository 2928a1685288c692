import { create } from 'zustand';
import { pollIntervalProblem } from '../../../src-main/shared/domain/pollInterval';
import { checkinWaitProblem } from '../../../src-main/shared/domain/checkinWait';
import { AppError, api } from '../../api';
import { notifyError } from '../../components/notify';
import { useInstallMeta } from '../../components/agentMeta/agentMetaStore';
import type { AgentMeta } from '../../../src-main/shared/domain/types';
import type { CallRequest } from '../../../src-main/shared/contract/calls';
import type { SshConfigHostView, TaskPromptView, TaskView } from '../../../src-main/shared/schemas/install';
import type { CheckView, DiagnosisView, HostDetail, HostStatus, RunListItem, RunSummary, SshPlatform, Transcript } from '../../../src-main/shared/schemas/run';
import { isTargetError, parseTargetCsv, parseTargetLines, readTarget, type BadLine } from '../../../src-main/shared/domain/sshTarget';

/**
 * The Install screen's state: the target list, the options, and the run being watched. The run
 * (task view, host rows, log lines, open prompts) lives here, not in components, so leaving the
 * page and coming back shows it; events keep arriving while the page is away. On return,
 * reattach() asks main (tasks:get / tasks:list) for what was missed.
 */
// The run's shapes come from the contract's schemas (shared/schemas/run.ts), not re-declared here.
export type { CheckView, HostStatus };
export type Platform = SshPlatform;
export type RunMode = 'install' | 'preflight-only' | 'dry-run';

export type { SshConfigHostView };

/** The per-host steps main's installer walks through, in order (for the per-host bar). */
export const STEPS = ['connect', 'environment', 'preflight', 'verify existing agent', 'replace existing agent', 'write env file', 'start agent', 'verify'] as const;

export interface HostRow {
  target: string;
  status: HostStatus;
  step?: string;
  reason?: string;
  /** What to do about the failure: the agent-log diagnosis, else main's fix for the failure's reason code. */
  fix?: string;
  diagnoses?: DiagnosisView[];
  environmentId?: number;
  edgeId?: string;
  checkedIn?: boolean;
  attempts?: number;
  /** Preflight (and existing-agent) checks of the host, once it has them. */
  checks?: CheckView[];
  /** A changed host key: its known_hosts name and where the old key is (the row offers to forget Edgedeck's). */
  changedHostKey?: { name: string; source: 'app' | 'file' };
}

/** The checks a summary's host detail holds. */
export function checksOf(detail: HostDetail | undefined): CheckView[] {
  return detail?.checks ?? [];
}

/** The result of "Test connection" for one target (mode 'connect'). */
export interface ConnResult {
  status: 'testing' | 'ok' | 'warn' | 'failed';
  reason?: string;
  fix?: string;
  checks: CheckView[];
}

export interface ConnTest {
  taskId: string;
  runId?: string;
  done: boolean;
  results: Record<string, ConnResult>;
  prompts: TaskPromptView[];
}

export type PastRun = RunListItem;

export interface InstallForm {
  envMode: 'existing' | 'create';
  environmentId: number | undefined;
  nameTemplate: string;
  groupId: number | undefined;
  tagIds: number[];
  pollSeconds: number | undefined;
  platform: Platform;
  identityFile: string;
  /** Kept in memory only; answers the first password question per host. */
  password: string;
  /** Kept in memory only; answers the first sudo question per host. */
  sudoPassword: string;
  jump: string;
  concurrency: number;
  canaryMode: 'none' | 'first' | 'n';
  canaryN: number;
  maxFailPct: number;
  insecurePoll: boolean;
  mode: RunMode;
  hostKeyPolicy: 'ask' | 'accept-new' | 'strict';
  replaceExisting: 'ask' | 'always' | 'never';
  envVars: string;
  /** Bring the agent image over SSH: off, from this computer's Docker engine, or from an archive file. */
  pushImage: 'off' | 'engine' | 'archive';
  imageArchive: string;
  /** Each host's wait for its first check-in, in seconds; undefined: the default (2 × interval + 35 s). */
  checkinTimeout: number | undefined;
}

export interface RunState {
  taskId: string;
  runId?: string;
  task?: TaskView;
  hosts: Record<string, HostRow>;
  /** Targets in the order of the run. */
  order: string[];
  /** Redacted log lines, `<target>: <line>` (as main sends them). */
  logs: string[];
  /** Lines before this index belong to earlier attempts of the same run (resume). */
  priorLogCount: number;
  prompts: TaskPromptView[];
  stoppedBecause?: string;
  /** main no longer knows the task (the app restarted): the state shown is the last seen. */
  lost?: boolean;
}

export type FieldErrors = Partial<Record<'targets' | 'environmentId' | 'nameTemplate' | 'pollSeconds' | 'platform' | 'identityFile' | 'jump' | 'concurrency' | 'canary' | 'maxFailPct' | 'envVars' | 'imageArchive' | 'checkinTimeout', string>>;

export const MAX_LOG_LINES = 20_000;
const LOG_TRIM = 5_000;
const REFRESH_MS = 400;
/** After Cancel: how often, and how many times, main is asked whether the run has stopped. */
export const CANCEL_FOLLOW_MS = 1000;
const CANCEL_FOLLOW_TRIES = 600;

const initialForm: InstallForm = {
  envMode: 'create',
  environmentId: undefined,
  nameTemplate: '{host}',
  groupId: undefined,
  tagIds: [],
  pollSeconds: undefined,
  platform: 'standalone',
  identityFile: '',
  password: '',
  sudoPassword: '',
  jump: '',
  concurrency: 10,
  canaryMode: 'none',
  canaryN: 1,
  maxFailPct: 100,
  insecurePoll: true,
  mode: 'install',
  hostKeyPolicy: 'ask',
  replaceExisting: 'ask',
  checkinTimeout: undefined,
  envVars: '',
  pushImage: 'off',
  imageArchive: '',
};

interface InstallState {
  targets: string[];
  badLines: BadLine[];
  form: InstallForm;
  fieldErrors: FieldErrors;
  envOptions: Array<{ id: number; name: string }>;
  envLoading: boolean;
  groups: Array<{ id: number; name: string }>;
  tags: Array<{ id: number; name: string }>;
  run?: RunState;
  starting: boolean;
  cancelling: boolean;
  /** Host whose log is shown; undefined = all hosts. */
  logHost?: string;
  runs: PastRun[];
  runsLoading: boolean;
  runsError?: string;
  viewedRun?: RunSummary;
  transcript?: { runId: string; target: string; doc: Transcript };
  /** ~/.ssh/config hosts for the import modal (undefined = not loaded). */
  configHosts?: SshConfigHostView[];
  configHostsError?: string;
  /** The last "Test connection" over the targets. */
  connTest?: ConnTest;

  addTarget(text: string): boolean;
  /** Adds targets as they are (deduplicated, each checked like a typed one); returns how many were added. */
  addTargets(targets: string[]): number;
  loadConfigHosts(): Promise<void>;
  /** Runs mode 'connect' over the current targets: host key, login and `sudo -n true` per host. */
  testConnection(): Promise<void>;
  addList(text: string): void;
  addCsv(text: string): void;
  removeTarget(target: string): void;
  clearTargets(): void;
  dismissBad(): void;
  setForm(patch: Partial<InstallForm>): void;
  loadEnvironments(search?: string): Promise<void>;
  preselectEnvironment(id: number): Promise<void>;
  loadGroupsAndTags(): Promise<void>;

  /** Subscribes to task:* events (idempotent); stays subscribed when the page unmounts. */
  listen(): void;
  reattach(): Promise<void>;
  start(): Promise<void>;
  cancel(): Promise<void>;
  resume(runId?: string): Promise<void>;
  answer(promptId: string, answer: string | undefined): Promise<void>;
  clearRun(): void;
  setLogHost(target: string | undefined): void;
  loadRuns(): Promise<void>;
  openRun(runId: string): Promise<void>;
  closeRun(): void;
  openTranscript(runId: string, target: string): Promise<void>;
  closeTranscript(): void;

  onUpdate(view: TaskView): void;
  onLog(taskId: string, line: string): void;
  onPrompt(taskId: string, prompt: TaskPromptView): void;
}

let unsubscribe: (() => void) | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing = false;
/** Prompts answered here (main may still list them until its next update). */
const answered = new Set<string>();
/**
 * Connection tests whose live events have been applied. The snapshot fetched right after the
 * start may be older than those events (HTTP and the event socket race): applied late, it took an
 * open host-key question off the screen for good (issue #11: "the prompt never appeared").
 */
const connLive = new Set<string>();

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (t?: TaskView): boolean => !!t && TERMINAL.has(t.status);
const OK: HostStatus[] = ['succeeded', 'unchanged'];

/** Which known target a `<target>: <line>` log line belongs to (targets may hold ':'). */
export function splitLogLine(line: string, targets: readonly string[]): { target?: string; text: string } {
  let best: string | undefined;
  for (const t of targets) if (line.startsWith(`${t}: `) && (!best || t.length > best.length)) best = t;
  return best ? { target: best, text: line.slice(best.length + 2) } : { text: line };
}

/** The per-host bar: the step's place in STEPS, or 1 when the host is done. */
export function hostProgress(h: HostRow): number {
  if (h.status !== 'pending' && h.status !== 'running') return 1;
  if (!h.step) return 0;
  const i = STEPS.indexOf(h.step as (typeof STEPS)[number]);
  return i < 0 ? 0.5 : (i + 0.5) / STEPS.length;
}

function mergeSummary(run: RunState, s: RunSummary): RunState {
  const hosts = { ...run.hosts };
  const order = [...run.order];
  for (const h of s.hosts ?? []) {
    const prev = hosts[h.target];
    if (!prev) order.push(h.target);
    const diagnoses = h.detail?.diagnoses;
    const row: HostRow = { ...(prev ?? { target: h.target }), target: h.target, status: h.status };
    if (h.status === 'pending') delete row.step;
    if (h.reason) row.reason = h.reason;
    else delete row.reason;
    const fix = diagnoses?.[0]?.fix ?? (h.status === 'failed' || h.status === 'skipped' || h.status === 'cancelled' ? h.fix : undefined);
    if (fix) row.fix = fix;
    else delete row.fix;
    if (diagnoses?.length) row.diagnoses = diagnoses;
    if (h.environmentId !== undefined) row.environmentId = h.environmentId;
    if (h.edgeId) row.edgeId = h.edgeId;
    if (h.checkedIn !== undefined) row.checkedIn = h.checkedIn;
    if (h.attempts !== undefined) row.attempts = h.attempts;
    const checks = checksOf(h.detail);
    if (checks.length) row.checks = checks;
    if (h.detail?.changedHostKey && h.status === 'failed') row.changedHostKey = h.detail.changedHostKey;
    else delete row.changedHostKey;
    hosts[h.target] = row;
  }
  const next: RunState = { ...run, hosts, order, runId: run.runId ?? s.runId };
  if (s.stoppedBecause) next.stoppedBecause = s.stoppedBecause;
  else delete next.stoppedBecause;
  return next;
}

/** Applies log lines to the host rows: `== step` lines move a host to that step. */
function stepsFromLog(run: RunState, lines: readonly string[]): RunState {
  let hosts = run.hosts;
  for (const line of lines) {
    const { target, text } = splitLogLine(line, run.order);
    if (!target || !text.startsWith('== ')) continue;
    const prev = hosts[target];
    if (!prev) continue;
    if (hosts === run.hosts) hosts = { ...hosts };
    hosts[target] = { ...prev, step: text.slice(3), status: prev.status === 'pending' ? 'running' : prev.status };
  }
  return hosts === run.hosts ? run : { ...run, hosts };
}

function capLogs(logs: string[], priorLogCount: number): { logs: string[]; priorLogCount: number } {
  if (logs.length <= MAX_LOG_LINES) return { logs, priorLogCount };
  const drop = logs.length - MAX_LOG_LINES + LOG_TRIM;
  return { logs: logs.slice(drop), priorLogCount: Math.max(0, priorLogCount - drop) };
}

/** An ssh:install error field → the form field that shows it inline. */
function formFieldOf(field: string): keyof FieldErrors | undefined {
  const top = field.split('.')[0]!;
  if (top === 'targets' || top === 'target') return 'targets';
  if (field === 'environment.id') return 'environmentId';
  if (field === 'environment.nameTemplate') return 'nameTemplate';
  if (field === 'environment.pollSeconds') return 'pollSeconds';
  if (top === 'environment') return 'environmentId';
  if (['platform', 'identityFile', 'jump', 'concurrency', 'canary', 'maxFailPct', 'envVars'].includes(top)) return top as keyof FieldErrors;
  if (top === 'pushImage' || top === 'imageArchive') return 'imageArchive';
  if (top === 'checkinTimeoutSeconds') return 'checkinTimeout';
  return undefined;
}

/** The run's SSH and sudo passwords from the form (memory only), sent to main once with the run. */
export function runSecrets(form: InstallForm): { sshPassword?: string; sudoPassword?: string } {
  return { ...(form.password ? { sshPassword: form.password } : {}), ...(form.sudoPassword ? { sudoPassword: form.sudoPassword } : {}) };
}

/** `meta`: the auto-onboarding metadata ids (the Install screen's picker, resolved on start). */
export function buildRequest(form: InstallForm, targets: string[], meta?: AgentMeta): CallRequest<'ssh:install'> {
  const environment: CallRequest<'ssh:install'>['environment'] =
    form.envMode === 'existing'
      ? { mode: 'existing', id: form.environmentId ?? 0 }
      : {
          mode: 'create',
          nameTemplate: form.nameTemplate.trim() || '{host}',
          ...(form.groupId !== undefined ? { groupId: form.groupId } : {}),
          ...(form.tagIds.length ? { tagIds: form.tagIds } : {}),
          ...(form.pollSeconds ? { pollSeconds: form.pollSeconds } : {}),
        };
  return {
    environment,
    platform: form.platform,
    insecurePoll: form.insecurePoll,
    targets,
    ...(form.jump.trim() ? { jump: form.jump.trim() } : {}),
    ...(form.identityFile.trim() ? { identityFile: form.identityFile.trim() } : {}),
    ...(form.envVars.trim() ? { envVars: form.envVars.trim() } : {}),
    concurrency: form.concurrency,
    canary: form.canaryMode === 'none' ? 0 : form.canaryMode === 'first' ? 1 : form.canaryN,
    maxFailPct: form.maxFailPct,
    hostKeyPolicy: form.hostKeyPolicy,
    mode: form.mode,
    replaceExisting: form.replaceExisting,
    ...(form.checkinTimeout !== undefined ? { checkinTimeoutSeconds: form.checkinTimeout } : {}),
    ...(form.pushImage === 'engine' ? { pushImage: { from: 'engine' as const } } : form.pushImage === 'archive' ? { pushImage: { from: 'archive' as const, path: form.imageArchive.trim() } } : {}),
    ...(meta ? { meta } : {}),
  };
}

/** Checks the form before anything is sent; every message says what to change. */
export function validate(form: InstallForm, targets: string[]): FieldErrors {
  const e: FieldErrors = {};
  if (!targets.length) e.targets = 'Add at least one target: user@host or user@host:port.';
  if (form.envMode === 'existing' && !form.environmentId) e.environmentId = 'Pick the environment to install into, or choose "Create one per host".';
  if (form.envMode === 'existing' && targets.length > 1) e.environmentId = `One environment holds one agent: pick "Create one per host" for ${targets.length} hosts, or keep one target.`;
  if (form.envMode === 'create' && !form.nameTemplate.trim()) e.nameTemplate = 'Give a name template, e.g. {host} or edge-{host}.';
  const pollProblem = form.pollSeconds === undefined ? undefined : pollIntervalProblem(form.pollSeconds);
  if (pollProblem) e.pollSeconds = pollProblem;
  if (form.jump.trim()) {
    const r = readTarget(form.jump);
    if (isTargetError(r)) e.jump = `Jump host: ${r.error}`;
  }
  if (!Number.isInteger(form.concurrency) || form.concurrency < 1 || form.concurrency > 200) e.concurrency = 'Run 1 to 200 hosts at a time.';
  if (form.canaryMode === 'n' && (!Number.isInteger(form.canaryN) || form.canaryN < 1 || form.canaryN > targets.length)) e.canary = `Canary hosts: 1 to ${Math.max(1, targets.length)} (the number of targets).`;
  if (!(form.maxFailPct >= 0 && form.maxFailPct <= 100)) e.maxFailPct = 'A percentage from 0 to 100 (100 = never stop).';
  const waitProblem = form.checkinTimeout === undefined ? undefined : checkinWaitProblem(form.checkinTimeout);
  if (waitProblem) e.checkinTimeout = waitProblem;
  if (form.pushImage === 'archive' && !form.imageArchive.trim()) e.imageArchive = 'Give the path of the image archive on this computer (what docker save -o FILE portainer/agent:<version> wrote).';
  if (form.pushImage !== 'off' && form.platform === 'kubernetes') e.imageArchive = "Pushing the image loads it into the host's Docker or Podman engine; a Kubernetes cluster pulls through its nodes' runtime. Turn it off for Kubernetes.";
  return e;
}

const initialState = {
  targets: [] as string[],
  badLines: [] as BadLine[],
  form: initialForm,
  fieldErrors: {} as FieldErrors,
  envOptions: [] as Array<{ id: number; name: string }>,
  envLoading: false,
  groups: [] as Array<{ id: number; name: string }>,
  tags: [] as Array<{ id: number; name: string }>,
  run: undefined,
  starting: false,
  cancelling: false,
  logHost: undefined,
  runs: [] as PastRun[],
  runsLoading: false,
  runsError: undefined,
  viewedRun: undefined,
  transcript: undefined,
  configHosts: undefined,
  configHostsError: undefined,
  connTest: undefined,
};

/** A connection-test summary → one result per target. */
function connResults(s: RunSummary | undefined, targets: readonly string[], fallback: string | undefined): Record<string, ConnResult> {
  const out: Record<string, ConnResult> = {};
  for (const t of targets) out[t] = { status: 'failed', reason: fallback ?? 'not tested', checks: [] };
  for (const h of s?.hosts ?? []) {
    const checks = checksOf(h.detail);
    const ok = h.status === 'succeeded' || h.status === 'unchanged';
    const r: ConnResult = { status: ok ? (checks.some((c) => c.status !== 'pass') ? 'warn' : 'ok') : 'failed', checks };
    const bad = checks.find((c) => c.status !== 'pass');
    if (h.reason) r.reason = h.reason;
    else if (bad) r.reason = `${bad.title}: ${bad.found}`;
    const fix = ok ? bad?.fix : (checks.find((c) => c.status === 'fail')?.fix ?? h.fix);
    if (fix) r.fix = fix;
    out[h.target] = r;
  }
  return out;
}

export const useInstall = create<InstallState>()((set, get) => {
  /** Refreshes host rows from the run's summary (main rewrites it on every host change). */
  const scheduleRefresh = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void refreshRun();
    }, REFRESH_MS);
  };
  const refreshRun = async () => {
    const run = get().run;
    if (!run?.runId || refreshing) return;
    refreshing = true;
    try {
      const { summary } = await api.ssh.run({ runId: run.runId });
      const s = summary;
      const cur = get().run;
      if (s && cur && cur.runId === s.runId && !isTerminal(cur.task)) set({ run: mergeSummary(cur, s) });
    } catch {
      /* the summary may not be written yet; the next update retries */
    } finally {
      refreshing = false;
    }
  };

  /**
   * Open prompts to show. The form's SSH and sudo passwords went to main with the run
   * (runSecrets), which tries them on every host; a prompt here means one is missing or wrong.
   */
  const takePrompts = (incoming: TaskPromptView[]): TaskPromptView[] => incoming.filter((p) => !answered.has(p.id));

  const applyConnView = (view: TaskView, snapshot = false) => {
    const ct = get().connTest;
    if (!ct || ct.taskId !== view.id) return;
    if (snapshot && connLive.has(view.id)) return;
    if (!snapshot) connLive.add(view.id);
    const next: ConnTest = { ...ct, prompts: takePrompts(view.pendingPrompts ?? []) };
    if (isTerminal(view)) {
      next.done = true;
      next.prompts = [];
      next.results = connResults(view.result, Object.keys(ct.results), view.error?.message ?? view.status);
    }
    set({ connTest: next });
  };

  const applyView = (view: TaskView) => {
    applyConnView(view);
    const run = get().run;
    if (!run || run.taskId !== view.id) return;
    let next: RunState = { ...run, task: view, prompts: takePrompts(view.pendingPrompts ?? []) };
    const s = view.result;
    if (s) next = mergeSummary(next, s);
    if (isTerminal(view)) {
      // Hosts still marked running when the task ended did not finish.
      const hosts = { ...next.hosts };
      for (const t of next.order) {
        const h = hosts[t];
        if (h && (h.status === 'running' || h.status === 'pending') && !s) hosts[t] = { ...h, status: view.status === 'cancelled' ? 'cancelled' : 'failed', reason: h.reason ?? view.error?.message ?? view.status };
      }
      next = { ...next, hosts, prompts: [] };
    }
    set({ run: next, cancelling: view.status === 'cancelling' ? get().cancelling : false });
    if (isTerminal(view)) void get().loadRuns();
    else scheduleRefresh();
  };

  /** tasks:get → view and the kept log (the log replaces this attempt's lines: nothing is missed). */
  const catchUp = async (taskId: string) => {
    const got = await api.tasks.get({ taskId });
    const run = get().run;
    if (!run || run.taskId !== taskId) return;
    const { log, ...view } = got;
    const capped = capLogs([...run.logs.slice(0, run.priorLogCount), ...log], run.priorLogCount);
    set({ run: stepsFromLog({ ...run, ...capped, lost: false }, log) });
    applyView(view);
  };

  return {
    ...initialState,

    addTarget: (text) => {
      const r = readTarget(text);
      if (isTargetError(r)) {
        set({ fieldErrors: { ...get().fieldErrors, targets: r.error } });
        return false;
      }
      if (get().targets.includes(r.raw)) {
        set({ fieldErrors: { ...get().fieldErrors, targets: `${r.raw} is already in the list.` } });
        return false;
      }
      set({ targets: [...get().targets, r.raw], fieldErrors: { ...get().fieldErrors, targets: undefined } });
      return true;
    },
    addTargets: (list) => {
      const have = new Set(get().targets);
      const add: string[] = [];
      for (const t of list) {
        const r = readTarget(t);
        if (isTargetError(r) || have.has(r.raw)) continue;
        have.add(r.raw);
        add.push(r.raw);
      }
      if (add.length) set({ targets: [...get().targets, ...add], fieldErrors: { ...get().fieldErrors, targets: undefined } });
      return add.length;
    },
    loadConfigHosts: async () => {
      try {
        const { hosts } = await api.ssh.configHosts();
        set({ configHosts: hosts, configHostsError: undefined });
      } catch (err) {
        set({ configHosts: [], configHostsError: err instanceof Error ? err.message : String(err) });
      }
    },
    testConnection: async () => {
      const { form, targets } = get();
      const errs = validate(form, targets);
      const blocking: FieldErrors = {};
      if (errs.targets) blocking.targets = errs.targets;
      if (errs.jump) blocking.jump = errs.jump;
      if (Object.keys(blocking).length) {
        set({ fieldErrors: { ...get().fieldErrors, ...blocking } });
        return;
      }
      const results: Record<string, ConnResult> = {};
      for (const t of targets) results[t] = { status: 'testing', checks: [] };
      try {
        // The environment is required by the request but unused: a connection test talks to no server.
        const started = await api.ssh.install({ ...buildRequest(form, targets), ...runSecrets(form), environment: { mode: 'create', nameTemplate: '{host}' }, mode: 'connect', canary: 0, maxFailPct: 100 });
        connLive.clear();
        set({ connTest: { taskId: started.taskId, runId: started.runId, done: false, results, prompts: [] } });
        const got = await api.tasks.get({ taskId: started.taskId }).catch(() => undefined);
        if (got) {
          const { log: _log, ...view } = got;
          applyConnView(view, true);
        }
      } catch (err) {
        notifyError('The connection test did not start', err);
      }
    },
    addList: (text) => {
      const r = parseTargetLines(text, get().targets);
      set({ targets: [...get().targets, ...r.targets], badLines: r.bad, fieldErrors: { ...get().fieldErrors, targets: undefined } });
    },
    addCsv: (text) => {
      const r = parseTargetCsv(text, get().targets);
      if (r.error) {
        set({ fieldErrors: { ...get().fieldErrors, targets: r.error } });
        return;
      }
      set({ targets: [...get().targets, ...r.targets], badLines: r.bad, fieldErrors: { ...get().fieldErrors, targets: undefined } });
    },
    removeTarget: (target) => set({ targets: get().targets.filter((t) => t !== target) }),
    clearTargets: () => set({ targets: [], badLines: [], connTest: undefined }),
    dismissBad: () => set({ badLines: [] }),
    setForm: (patch) => {
      const errs = { ...get().fieldErrors };
      for (const k of Object.keys(patch)) delete errs[(k === 'canaryN' || k === 'canaryMode' ? 'canary' : k) as keyof FieldErrors];
      if ('envMode' in patch) delete errs.environmentId;
      set({ form: { ...get().form, ...patch }, fieldErrors: errs });
    },

    loadEnvironments: async (search) => {
      set({ envLoading: true });
      try {
        const page = await api.environments.list({ limit: 100, ...(search ? { search } : {}) });
        const picked = get().envOptions.find((o) => o.id === get().form.environmentId);
        const items = page.items.map((e) => ({ id: e.id, name: e.name }));
        if (picked && !items.some((i) => i.id === picked.id)) items.unshift(picked);
        set({ envOptions: items, envLoading: false });
      } catch (err) {
        set({ envLoading: false });
        if (!search) notifyError('Could not list the environments', err);
      }
    },
    preselectEnvironment: async (id) => {
      get().setForm({ envMode: 'existing', environmentId: id });
      try {
        const d = await api.environments.get({ id });
        const opts = get().envOptions.filter((o) => o.id !== id);
        set({ envOptions: [{ id, name: d.environment.name }, ...opts] });
      } catch (err) {
        set({ fieldErrors: { ...get().fieldErrors, environmentId: `Environment ${id}: ${err instanceof Error ? err.message : String(err)}` } });
      }
    },
    loadGroupsAndTags: async () => {
      const [g, t] = await Promise.allSettled([api.groups.list(), api.tags.list()]);
      set({
        groups: g.status === 'fulfilled' ? g.value.groups.map((x) => ({ id: x.id, name: x.name })) : [],
        tags: t.status === 'fulfilled' ? t.value.tags.map((x) => ({ id: x.id, name: x.name })) : [],
      });
    },

    listen: () => {
      if (unsubscribe) return;
      const offs = [
        api.on('task:update', (v) => get().onUpdate(v)),
        api.on('task:log', (e) => get().onLog(e.taskId, e.line)),
        api.on('task:prompt', (e) => get().onPrompt(e.taskId, e.prompt)),
      ];
      unsubscribe = () => offs.forEach((off) => off());
    },

    reattach: async () => {
      const run = get().run;
      try {
        if (run) {
          if (isTerminal(run.task) || run.lost) return;
          await catchUp(run.taskId);
          return;
        }
        const { tasks } = await api.tasks.list();
        const live = tasks.filter((t) => t.kind === 'ssh:install' && !isTerminal(t) && !t.title.startsWith('Test the connection')).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
        if (!live || get().run) return;
        // The run id is not on the task: the newest unfinished run is this task's run.
        let runId: string | undefined;
        try {
          runId = (await api.ssh.runs()).runs.find((r) => !r.finished)?.runId;
        } catch {
          /* host rows then come from the log and the final result */
        }
        set({ run: { taskId: live.id, ...(runId ? { runId } : {}), task: live, hosts: {}, order: [], logs: [], priorLogCount: 0, prompts: [] } });
        if (runId) await refreshRun();
        await catchUp(live.id);
      } catch (err) {
        if (run && err instanceof AppError && err.code === 'not_found') {
          set({ run: { ...run, lost: true, prompts: [] } });
          return;
        }
        notifyError('Could not re-attach to the install', err);
      }
    },

    start: async () => {
      const { form, targets } = get();
      const errs = validate(form, targets);
      if (Object.keys(errs).length) {
        set({ fieldErrors: errs });
        return;
      }
      set({ starting: true, fieldErrors: {} });
      let meta: AgentMeta | undefined;
      try {
        // New Edge groups, groups and tags are created only by a real install (a dry run or preflight changes nothing).
        meta = await useInstallMeta.getState().resolve({ create: form.mode === 'install' });
      } catch {
        // The picker shows what failed, on its fields.
        set({ starting: false });
        return;
      }
      try {
        const started = await api.ssh.install({ ...buildRequest(form, targets, meta), ...runSecrets(form) });
        const hosts: Record<string, HostRow> = {};
        for (const t of targets) hosts[t] = { target: t, status: 'pending' };
        set({ starting: false, logHost: undefined, run: { taskId: started.taskId, runId: started.runId, hosts, order: [...targets], logs: [], priorLogCount: 0, prompts: [] } });
        await catchUp(started.taskId).catch(() => undefined);
      } catch (err) {
        set({ starting: false });
        const field = err instanceof AppError && err.field ? formFieldOf(err.field) : undefined;
        if (field) set({ fieldErrors: { [field]: err instanceof Error ? err.message : String(err) } });
        else notifyError('The install did not start', err);
      }
    },

    cancel: async () => {
      const run = get().run;
      if (!run || isTerminal(run.task)) return;
      set({ cancelling: true });
      try {
        const view = await api.tasks.cancel({ taskId: run.taskId });
        applyView(view);
        // Until the run has really stopped, ask main about it rather than wait for an event that
        // may have been missed (a reconnect): "cancelling" must not outlive the run.
        for (let i = 0; i < CANCEL_FOLLOW_TRIES; i++) {
          const cur = get().run;
          if (!cur || cur.taskId !== run.taskId || isTerminal(cur.task) || cur.lost) break;
          await new Promise((r) => setTimeout(r, CANCEL_FOLLOW_MS));
          await catchUp(run.taskId).catch(() => undefined);
        }
      } catch (err) {
        set({ cancelling: false });
        notifyError('Could not cancel the install', err);
      }
    },

    resume: async (runIdArg) => {
      const cur = get().run;
      const runId = runIdArg ?? cur?.runId;
      if (!runId) return;
      set({ starting: true });
      try {
        const started = await api.ssh.resume({ runId, ...runSecrets(get().form) });
        const same = cur && cur.runId === runId;
        const base: RunState = same ? cur : { taskId: started.taskId, runId, hosts: {}, order: [], logs: [], priorLogCount: 0, prompts: [] };
        const hosts: Record<string, HostRow> = {};
        for (const t of base.order) {
          const h = base.hosts[t]!;
          hosts[t] = OK.includes(h.status) ? h : { target: t, status: 'pending', ...(h.attempts !== undefined ? { attempts: h.attempts } : {}), ...(h.environmentId !== undefined ? { environmentId: h.environmentId } : {}) };
        }
        const logs = same ? [...base.logs, `--- retry of failed and not-started hosts (${new Date().toLocaleTimeString()}) ---`] : [];
        const next: RunState = { taskId: started.taskId, runId, hosts, order: base.order, logs, priorLogCount: logs.length, prompts: [] };
        set({ starting: false, run: next, viewedRun: undefined });
        if (!same) await refreshRun();
        await catchUp(started.taskId).catch(() => undefined);
      } catch (err) {
        set({ starting: false });
        notifyError('Could not retry the run', err);
      }
    },

    answer: async (promptId, answer) => {
      const ct = get().connTest;
      if (ct?.prompts.some((p) => p.id === promptId)) {
        answered.add(promptId);
        set({ connTest: { ...ct, prompts: ct.prompts.filter((p) => p.id !== promptId) } });
        try {
          await api.tasks.answer({ taskId: ct.taskId, promptId, ...(answer !== undefined ? { answer } : {}) });
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'not_found')) notifyError('The answer was not taken', err);
        }
        return;
      }
      const run = get().run;
      if (!run) return;
      answered.add(promptId);
      set({ run: { ...run, prompts: run.prompts.filter((p) => p.id !== promptId) } });
      try {
        await api.tasks.answer({ taskId: run.taskId, promptId, ...(answer !== undefined ? { answer } : {}) });
      } catch (err) {
        if (err instanceof AppError && err.code === 'not_found') return; // already answered or withdrawn
        answered.delete(promptId);
        notifyError('The answer was not taken', err);
        const now = get().run;
        const p = run.prompts.find((x) => x.id === promptId);
        if (now && p && now.taskId === run.taskId && !isTerminal(now.task)) set({ run: { ...now, prompts: [p, ...now.prompts] } });
      }
    },

    clearRun: () => {
      if (get().run && !isTerminal(get().run?.task) && !get().run?.lost) return;
      set({ run: undefined, logHost: undefined });
    },
    setLogHost: (target) => set({ logHost: target }),

    loadRuns: async () => {
      set({ runsLoading: true });
      try {
        const { runs } = await api.ssh.runs();
        set({ runs, runsLoading: false, runsError: undefined });
      } catch (err) {
        set({ runsLoading: false, runsError: err instanceof Error ? err.message : String(err) });
      }
    },
    openRun: async (runId) => {
      try {
        const { summary } = await api.ssh.run({ runId });
        set({ viewedRun: summary });
      } catch (err) {
        notifyError(`Could not open run ${runId}`, err);
      }
    },
    closeRun: () => set({ viewedRun: undefined }),
    openTranscript: async (runId, target) => {
      try {
        const { transcript } = await api.ssh.transcript({ runId, target });
        set({ transcript: { runId, target, doc: transcript } });
      } catch (err) {
        notifyError(`No transcript for ${target}`, err);
      }
    },
    closeTranscript: () => set({ transcript: undefined }),

    onUpdate: (view) => applyView(view),
    onLog: (taskId, line) => {
      const run = get().run;
      if (!run || run.taskId !== taskId) return;
      const capped = capLogs([...run.logs, line], run.priorLogCount);
      set({ run: stepsFromLog({ ...run, ...capped }, [line]) });
    },
    onPrompt: (taskId, prompt) => {
      const ct = get().connTest;
      if (ct && ct.taskId === taskId && !ct.done && !ct.prompts.some((p) => p.id === prompt.id)) {
        connLive.add(taskId);
        const show = takePrompts([prompt]);
        if (show.length) set({ connTest: { ...ct, prompts: [...ct.prompts, ...show] } });
        return;
      }
      const run = get().run;
      if (!run || run.taskId !== taskId || run.prompts.some((p) => p.id === prompt.id)) return;
      const show = takePrompts([prompt]);
      if (show.length) set({ run: { ...run, prompts: [...run.prompts, ...show] } });
    },
  };
});

/** Counts of the host rows by status. */
export function countHosts(run: RunState | undefined): Record<HostStatus, number> {
  const c: Record<HostStatus, number> = { pending: 0, running: 0, succeeded: 0, unchanged: 0, failed: 0, cancelled: 0, skipped: 0 };
  if (run) for (const t of run.order) c[run.hosts[t]?.status ?? 'pending']++;
  return c;
}

/** Log lines of one host (prefix stripped), or of all hosts. */
export function logLinesOf(run: RunState | undefined, target: string | undefined): string[] {
  if (!run) return [];
  if (!target) return run.logs;
  const out: string[] = [];
  for (const l of run.logs) {
    const s = splitLogLine(l, run.order);
    if (s.target === target) out.push(s.text);
  }
  return out;
}

/** For tests: forget everything, including the event subscription. */
export function resetInstall(): void {
  unsubscribe?.();
  unsubscribe = undefined;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = undefined;
  refreshing = false;
  answered.clear();
  useInstall.setState({ ...initialState, form: { ...initialForm } });
}
