import { z } from 'zod';
import type { CommandOptions, EdgeKeyFields, KeyWarning, Platform } from '../domain/types';
import type { AsyncIntervals } from '../domain/edgeAsync';
import { commandOptionsSchema, keyDecodeRequest, keyEncodeRequest, platformsRequest } from '../schemas/edge';
import { preferencesUpdateRequest, type UiPreferences } from '../schemas/preferences';
import { knownHostsForgetRequest, type KnownHostsForgetView, type KnownHostsListView } from '../schemas/knownHosts';
import { agentsStartRequest, agentsStopRequest, simStartRequest, simVerifyTunnelRequest } from '../schemas/simulator';
import type { AgentGroupView, SimEnvironmentView, SimStatus } from '../schemas/simulator';
import {
  environmentIdRequest,
  environmentsCreateRequest,
  environmentsListRequest,
  environmentsUpdateRequest,
  edgeGroupsCreateRequest,
  groupsCreateRequest,
  serverIdRequest,
  serversAddRequest,
  serversProbeRequest,
  serversSelectRequest,
  serversUpdateRequest,
  tagsCreateRequest,
  waitingTrustRequest,
} from '../schemas/portainer';
import {
  prestageDeleteUnusedRequest,
  prestageExportGlobalRequest,
  prestageExportRequest,
  prestageImportPlanRequest,
  prestageImportRunRequest,
  prestageUnusedRequest,
} from '../schemas/prestage';
import type { PrestageCachedView, PrestageExportView, PrestageGlobalExportView, PrestageImportView, PrestagePlanView, PrestageUnusedView } from '../schemas/prestage';
import type {
  EdgeGroupView,
  EnvironmentCreateView,
  EnvironmentDetailView,
  EnvironmentPageView,
  EnvironmentView,
  GroupView,
  ServerAddView,
  ServerListView,
  ServerProbeView,
  ServerStatusView,
  ServerUpdateView,
  TagView,
  TunnelStateView,
} from '../schemas/portainer';

import { sshInstallRequest, sshResumeRequest, sshRunRequest, sshTranscriptRequest, taskAnswerRequest, taskIdRequest, taskViewSchema } from '../schemas/install';
import type { SshConfigHostView, SshRunStarted } from '../schemas/install';
import { sshRunResponse, sshRunsResponse, sshTranscriptResponse } from '../schemas/run';
/**
 * The one contract between the UI (or any client) and main. Every call is `domain:verb`,
 * with the zod schema main validates the request against before the handler runs, and
 * the response type (a phantom: it exists for the type checker only).
 */
export interface CallSpec<Req extends z.ZodType, Res> {
  request: Req;
  /** Never set at run time: carries the response type. */
  response?: Res;
}

function call<Res>() {
  return <Req extends z.ZodType>(request: Req): CallSpec<Req, Res> => ({ request });
}

/**
 * A call whose answer has a zod schema too: the response type comes from it, and test fakes of
 * the UI are checked against it (responseSchemaOf), so a fake cannot drift from what main sends.
 */
function typedCall<Res extends z.ZodType>(response: Res) {
  return <Req extends z.ZodType>(request: Req): CallSpec<Req, z.output<Res>> & { responseSchema: Res } => ({ request, responseSchema: response });
}

const none = z.object({}).strict();
const serversCheckRequest = z.object({ id: z.string().min(1).max(100).optional() }).strict();

/**
 * prestage:export delivers to a folder on this computer (outDir, the default) or, for the browser,
 * as one archive main keeps for a single download (`GET /downloads/<id>` on the web bridge).
 */
const prestageExportCallRequest = prestageExportRequest
  .extend({
    outDir: z.string().trim().max(4096).optional(),
    deliver: z.enum(['folder', 'download']).default('folder'),
  })
  .superRefine((r, ctx) => {
    if (r.deliver === 'folder' && !r.outDir) ctx.addIssue({ code: 'custom', path: ['outDir'], message: 'Choose the folder to write the export to.' });
  });

/** A one-time download main holds for the browser: fetch `/downloads/<id>` once, before `expiresAt`. */
export interface DownloadTicket {
  id: string;
  fileName: string;
  size: number;
  /** ISO time after which the file is deleted unfetched. */
  expiresAt: string;
}

/** With deliver: 'download', `path` is the archive's file name and `download` says how to fetch it. */
export type PrestageExportResult = PrestageExportView & { download?: DownloadTicket };

const chooseFolderRequest = z
  .object({
    title: z.string().max(200).optional(),
    /** The folder the dialog opens in. */
    defaultPath: z.string().max(4096).optional(),
  })
  .strict();

/** What this shell can do beyond the contract's plain calls. */
export interface AppCapabilities {
  /** Native open/save dialogs (the Electron shell); false in the browser. */
  nativeDialogs: boolean;
  /**
   * Main writes the system clipboard (`clipboard:write`, the Electron shell); false in the
   * browser, where the page copies with navigator.clipboard itself.
   */
  clipboard: boolean;
  transport: 'ipc' | 'web';
}

/** Copy buttons' text: commands and manifests are a few KB; 1 MB is far past any of them. */
const clipboardWriteRequest = z.object({ text: z.string().max(1_000_000) }).strict();

/** Where this session writes its log (the OS's log folder) and whether the app can show that folder. */
export interface AppLogsView {
  folder: string;
  /** This session's file; absent when lines go to the terminal only. */
  file?: string;
}

export interface AppInfo {
  name: 'Edgedeck';
  version: string;
  transport: 'ipc' | 'web';
}

export const calls = {
  'app:info': call<AppInfo>()(none),

  'key:decode': call<{ fields: EdgeKeyFields; warnings: KeyWarning[] }>()(keyDecodeRequest),
  'key:encode': call<{ key: string }>()(keyEncodeRequest),

  'commands:build': call<{ command: string; options: CommandOptions }>()(commandOptionsSchema),
  'commands:platforms': call<{ platforms: Platform[] }>()(platformsRequest),

  'sim:status': call<SimStatus>()(none),
  /** The admin password of the running local server, only on an explicit reveal (never in `sim:status`). */
  'sim:revealPassword': call<{ password: string }>()(none),
  'sim:start': call<SimStatus>()(simStartRequest),
  'sim:stop': call<SimStatus>()(none),
  'sim:environments': call<{ environments: SimEnvironmentView[] }>()(none),
  'sim:verifyTunnel': call<TunnelStateView>()(simVerifyTunnelRequest),

  'agents:start': call<AgentGroupView>()(agentsStartRequest),
  'agents:stop': call<{ stopped: number }>()(agentsStopRequest),
  'agents:list': call<{ groups: AgentGroupView[] }>()(none),

  /** SSH host keys on record: Edgedeck's own (forgettable) and the OpenSSH files' lines (read-only). */
  'knownHosts:list': call<KnownHostsListView>()(none),
  /** Forgets a host's keys in Edgedeck's store (HOST, HOST:PORT or [HOST]:PORT). */
  'knownHosts:forget': call<KnownHostsForgetView>()(knownHostsForgetRequest),

  'servers:list': call<ServerListView>()(none),
  'servers:probe': call<ServerProbeView>()(serversProbeRequest),
  'servers:add': call<ServerAddView>()(serversAddRequest),
  'servers:update': call<ServerUpdateView>()(serversUpdateRequest),
  'servers:remove': call<{ removed: string }>()(serverIdRequest),
  'servers:select': call<ServerStatusView>()(serversSelectRequest),
  'servers:status': call<ServerStatusView>()(none),

  'environments:list': call<EnvironmentPageView>()(environmentsListRequest),
  'environments:get': call<EnvironmentDetailView>()(environmentIdRequest),
  'environments:create': call<EnvironmentCreateView>()(environmentsCreateRequest),
  'environments:update': call<EnvironmentDetailView>()(environmentsUpdateRequest),
  'environments:delete': call<{ deleted: number }>()(environmentIdRequest),
  'environments:disassociate': call<EnvironmentDetailView>()(environmentIdRequest),
  /** The agent versions the server's environments reported (for the list's filter); empty when the server cannot tell. */
  'environments:agentVersions': call<{ versions: string[] }>()(none),

  'groups:list': call<{ groups: GroupView[] }>()(none),
  'groups:create': call<GroupView>()(groupsCreateRequest),
  'tags:list': call<{ tags: TagView[] }>()(none),
  'tags:create': call<TagView>()(tagsCreateRequest),
  'edgeGroups:list': call<{ edgeGroups: EdgeGroupView[] }>()(none),
  'edgeGroups:create': call<EdgeGroupView>()(edgeGroupsCreateRequest),
  /** Edge devices waiting for trust (Business Edition's waiting room; CE lists none). */
  'waiting:list': call<{ items: EnvironmentView[] }>()(none),
  'waiting:trust': call<{ trusted: number[] }>()(waitingTrustRequest),

  /** The active server's Edge settings, without the agent secret itself. */
  'servers:settings': call<ServerEdgeSettingsView>()(none),
  /** The active server's AGENT_SECRET (admin only): only on an explicit reveal or copy; never log it. */
  'servers:agentSecret': call<{ agentSecret: string }>()(none),
  /** Like servers:status, but drops the cached connection first: a fresh TLS handshake and login. */
  'servers:check': call<ServerStatusView>()(serversCheckRequest),
  'ssh:install': call<SshRunStarted>()(sshInstallRequest),
  'ssh:resume': call<SshRunStarted>()(sshResumeRequest),
  'ssh:runs': typedCall(sshRunsResponse)(none),
  'ssh:run': typedCall(sshRunResponse)(sshRunRequest),
  'ssh:transcript': typedCall(sshTranscriptResponse)(sshTranscriptRequest),
  'tasks:list': typedCall(z.object({ tasks: z.array(taskViewSchema) }).strict())(none),
  'tasks:get': typedCall(taskViewSchema.extend({ log: z.array(z.string()) }).strict())(taskIdRequest),
  'tasks:cancel': typedCall(taskViewSchema)(taskIdRequest),
  'tasks:answer': call<{ answered: true }>()(taskAnswerRequest),
  /** Prestaged join tokens: export bundles (server first, the local copy when it is unreachable or offline is asked). */
  'prestage:export': call<PrestageExportResult>()(prestageExportCallRequest),
  /** One auto-onboarding bundle (the server's global key, environment id 0) for any number of devices (CLI: export --global-key). */
  'prestage:exportGlobal': call<PrestageGlobalExportView>()(prestageExportGlobalRequest),
  /** Dry run of a devices CSV: will create / exists / error per row; creates nothing. */
  'prestage:importPlan': call<PrestagePlanView>()(prestageImportPlanRequest),
  /** Creates the CSV's devices (nothing when any row is in error), then exports them. */
  'prestage:importRun': call<PrestageImportView>()(prestageImportRunRequest),
  /** Edge environments that never checked in, with their age from the local copy. */
  'prestage:unused': call<PrestageUnusedView>()(prestageUnusedRequest),
  /** Deletes never-checked-in environments (re-checked one by one); needs confirm: true. */
  'prestage:deleteUnused': call<{ removed: Array<{ id: number; name: string }>; skipped: Array<{ id: number; reason: string }> }>()(prestageDeleteUnusedRequest),
  /** The local copy's environments (no join tokens). */
  'prestage:cached': call<PrestageCachedView>()(none),
  /** Suggestions for the export form: a new output folder (under Downloads, else the home folder); nothing is created. */
  'prestage:defaults': call<{ outDir: string; baseDir: string }>()(none),
  /** The native folder picker (desktop app); `path` is absent when the user cancels. 'unsupported' in the browser. */
  'dialogs:chooseFolder': call<{ path?: string }>()(chooseFolderRequest),
  /**
   * Puts text on the system clipboard from main (Electron), read back to be sure: the page says
   * "copied" only on this answer. 'unsupported' in the browser (see AppCapabilities.clipboard).
   * The text may be a join token or agent secret: never log it.
   */
  'clipboard:write': call<{ copied: true }>()(clipboardWriteRequest),
  /** Native dialogs and the transport, so the UI offers a folder picker or a browser download. */
  'app:capabilities': call<AppCapabilities>()(none),
  /** This session's log file and the log folder. */
  'app:logs': call<AppLogsView>()(none),
  /** Shows the log folder in the OS's file manager; `opened` is false where there is no desktop (the UI shows the path). */
  'app:openLogFolder': call<AppLogsView & { opened: boolean; reason?: string }>()(none),
  /** The UI's preferences (sidebar folded…), kept in the app's settings so every window and serve port shares them. */
  'preferences:get': call<UiPreferences>()(none),
  /** Changes the named preferences; answers them all. */
  'preferences:update': call<UiPreferences>()(preferencesUpdateRequest),
  /** The concrete Host aliases of ~/.ssh/config (no wildcard patterns), for the Install screen's import. */
  'ssh:configHosts': call<{ hosts: SshConfigHostView[] }>()(none),
} as const;

export interface ServerEdgeSettingsView {
  /** Settings.EdgePortainerUrl ('' when unset or unknown). */
  edgePortainerUrl: string;
  /** The server's default poll interval in seconds. */
  checkinInterval: number;
  enforceEdgeId: boolean;
  /** Whether the server has an AGENT_SECRET ('unknown' without admin rights). */
  agentSecret: 'set' | 'none' | 'unknown';
  /** From /api/system/version when the server said: async mode and the tunnel address field are Business Edition's. */
  edition?: 'ce' | 'be';
  /** Business Edition whose settings have no tunnel address: a create sends one (docs/portainer-versions.md). */
  tunnelAddressNeeded: boolean;
  /** Settings.Edge.TunnelServerAddress ('' when unset or unknown). */
  tunnelServerAddress: string;
  /** Business Edition: Settings.Edge's default async intervals. */
  asyncDefaults?: AsyncIntervals;
}

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallRequest<C extends CallName> = z.input<Calls[C]['request']>;
export type ParsedRequest<C extends CallName> = z.output<Calls[C]['request']>;
export type CallResponse<C extends CallName> = NonNullable<Calls[C]['response']>;

export { callNames } from './callNames';

/** The zod schema of a call's answer, for the calls that have one (the run contract). */
export function responseSchemaOf(name: CallName): z.ZodType | undefined {
  const spec = calls[name] as { responseSchema?: z.ZodType };
  return spec.responseSchema;
}

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name);
}
