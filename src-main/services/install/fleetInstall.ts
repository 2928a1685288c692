import { join } from 'node:path';
import type { AgentMeta } from '../../shared/domain/types';
import { AppError, failureOf } from '../../shared/contract/errors';
import { FAILURE_FIXES } from '../../shared/domain/failures';
import type { EnvironmentChoice, SshPlatform } from '../../shared/schemas/run';
import type { Redactor } from '../logging/redact';
import { connectSsh, HostKeyChangedError, isRetryableConnectError, type AuthOptions, type HostKeyPolicy, type SshConnection, type SshEndpoint } from '../ssh/connection';
import type { HostKeyDatabase } from '../ssh/knownHosts';
import type { Prompter } from '../ssh/prompter';
import { resolveHostConfig } from '../ssh/sshConfig';
import { formatTarget, parseTarget } from '../../shared/domain/sshTarget';
import { CheckinPoller, type CheckinPollerOptions } from './checkinPoller';
import { runFleet, withRetries, type HostJobResult, type RunSummary } from './fleet';
import type { CheckinProbe } from './checkinPoller';
import type { InstallMode, SshLease } from './hostPlan';
import { installOnHost, newEdgeId } from './installer';
import { checkConnection, checkPrivileges, connectProbeScript, parseProbe, parseWhich } from './preflight';
import { RemoteHost } from './remoteHost';
import { openRunImage, type ImageSource, type RunImage } from './imageArchive';
import type { SwarmNodeAccess } from './swarmNodeImages';
import { HostTranscript } from './transcript';
import { LeftoverSecretFiles, LEFTOVERS_FILE } from './leftoverSecretFiles';

/**
 * What a fleet run does per host: the installer's modes, or 'connect' — only the SSH connection
 * (host key policy, authentication) and `sudo -n true` to tell the privilege situation. DECISION:
 * a mode of its own rather than 'preflight-only': the preflight needs the Portainer server (a
 * preview key, its URLs) and spends up to 10 s per curl on unreachable URLs; "Test connection"
 * must answer in about a handshake and work before any server is connected.
 */
export type FleetMode = InstallMode | 'connect';

/** A server for runs that never talk to Portainer ('connect'): any call is a bug. */
export const NO_SERVER: InstallServerApi = {
  agentVersion: () => Promise.reject(new AppError('internal', 'A connection test does not use the Portainer server.')),
  settings: () => Promise.reject(new AppError('internal', 'A connection test does not use the Portainer server.')),
  createEnvironment: () => Promise.reject(new AppError('internal', 'A connection test creates no environment.')),
  environment: () => Promise.reject(new AppError('internal', 'A connection test does not use the Portainer server.')),
  previewKey: () => Promise.reject(new AppError('internal', 'A connection test does not use the Portainer server.')),
  getEnvironment: () => Promise.reject(new AppError('internal', 'A connection test does not use the Portainer server.')),
};

/** What the fleet install needs from Portainer. The CLI backs it with PortainerClient (portainerServerApi.ts). */
export interface InstallServerApi extends CheckinProbe {
  agentVersion(signal?: AbortSignal): Promise<string>;
  /** Server-wide check-in interval (s) and AGENT_SECRET ('' when none). */
  settings(signal?: AbortSignal): Promise<{ checkinInterval: number; agentSecret: string }>;
  createEnvironment(input: { name: string; groupId?: number; tagIds?: number[]; pollSeconds?: number }, signal?: AbortSignal): Promise<{ id: number; edgeKey: string; checkinInterval: number }>;
  environment(id: number, signal?: AbortSignal): Promise<{ id: number; edgeKey: string; edgeId?: string; checkinInterval: number }>;
  /** A key with the server's URLs (environment 0) for preflight-only / dry runs that must not create anything. */
  previewKey(signal?: AbortSignal): Promise<string>;
}

export type { EnvironmentChoice };

export interface FleetInstallOptions {
  runsDir: string;
  targets?: string[];
  resumeRunId?: string;
  /** The id of a new run (the handler returns it before the run starts); default: a fresh one. */
  runId?: string;
  server: InstallServerApi;
  environment: EnvironmentChoice;
  /** The platforms an SSH install supports (Nomad is copy-paste only). */
  platform: SshPlatform;
  insecurePoll: boolean;
  envVars?: string;
  /** EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS for every host. */
  meta?: AgentMeta;
  auth: AuthOptions;
  hostKeys: HostKeyDatabase;
  hostKeyPolicy: HostKeyPolicy;
  /** user@host[:port] of a jump host for every target (ProxyJump in ssh config also works per host). */
  jump?: string;
  sshConfigText?: string;
  connectTimeoutMs?: number;
  prompter: Prompter;
  redactor: Redactor;
  sudoPassword?: string;
  concurrency?: number;
  canary?: number;
  maxFailPct?: number;
  retry?: { attempts?: number; delayMs?: number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> };
  mode?: FleetMode;
  replaceExisting?: 'ask' | 'always' | 'never';
  /** Env file folder on the target; a function for tests (many "hosts" on one machine). */
  remoteDir?: string | ((target: string) => string);
  /** The agent's container/service name per target (default portainer_edge_agent); tests whose hosts share one engine. */
  agentName?: (target: string) => string;
  signal?: AbortSignal;
  onUpdate?: (summary: RunSummary) => void;
  /** One redacted progress line per event, prefixed by the target. */
  onLog?: (target: string, line: string) => void;
  /** Slow check-in probe interval and container check interval (ms; tests). */
  pollMs?: number;
  /** The shared check-in poller's pacing (default: 500 ms for the first 10 s, then 1 s, ≤ 20 calls/s in all). */
  checkinPolling?: CheckinPollerOptions;
  /** Each host's wait for its first check-in, in seconds (CLI --checkin-timeout; default: shared/domain/checkinWait.ts). */
  checkinTimeoutS?: number;
  /** --push-image: bring the agent image from this computer (its engine, or an archive file) to hosts that lack it. */
  pushImage?: ImageSource;
  /** How long a host may take no image data before its push ends (default 60 s; tests). */
  pushStallMs?: number;
}

function endpointFor(text: string, o: FleetInstallOptions, field: string): { endpoint: SshEndpoint; identityFiles: string[]; proxyJump?: string } {
  const t = parseTarget(text, field);
  const cfg = o.sshConfigText ? resolveHostConfig(o.sshConfigText, t.host) : { identityFiles: [] as string[] };
  const user = t.user ?? cfg.user ?? process.env.USER ?? 'root';
  const endpoint: SshEndpoint = { host: cfg.hostName ?? t.host, port: t.port ?? cfg.port ?? 22, user };
  if (cfg.hostName && cfg.hostName !== t.host) endpoint.alias = t.host;
  const out: { endpoint: SshEndpoint; identityFiles: string[]; proxyJump?: string } = { endpoint, identityFiles: cfg.identityFiles };
  if (cfg.proxyJump) out.proxyJump = cfg.proxyJump;
  return out;
}

/** Installs the Edge agent on many hosts (see runFleet for batching, canary, failure stop, resume). */
export async function runFleetInstall(o: FleetInstallOptions): Promise<RunSummary> {
  const mode = o.mode ?? 'install';
  const [agentVersion, settings] = mode === 'connect' ? ['', { checkinInterval: 0, agentSecret: '' }] : await Promise.all([o.server.agentVersion(o.signal), o.server.settings(o.signal)]);
  o.redactor.add(settings.agentSecret);
  // Opened once for the run (a missing local image or a bad archive fails the run before any host).
  const runImage: RunImage | undefined = o.pushImage && mode !== 'connect' ? await openRunImage(o.pushImage, o.platform, agentVersion, o.signal, o.pushStallMs) : undefined;
  const jumps = new Map<string, Promise<SshConnection>>();
  const leftovers = new LeftoverSecretFiles(join(o.runsDir, LEFTOVERS_FILE));
  // One poller for every host waiting for its first check-in (they wait outside the SSH slots).
  const checkins = new CheckinPoller(o.server, { ...(o.pollMs !== undefined ? { fastMs: Math.min(500, o.pollMs), slowMs: o.pollMs } : {}), ...o.checkinPolling });

  const connectTo = async (text: string, signal: AbortSignal, log: (l: string) => void, field: string): Promise<SshConnection> => {
    const e = endpointFor(text, o, field);
    const jumpSpec = o.jump ?? e.proxyJump;
    let via: SshConnection | undefined;
    if (jumpSpec) {
      let p = jumps.get(jumpSpec);
      if (!p) {
        p = connectTo(jumpSpec, signal, log, 'jump');
        jumps.set(jumpSpec, p);
        p.catch(() => jumps.delete(jumpSpec));
      }
      via = await p;
      if (via.isClosed) {
        jumps.delete(jumpSpec);
        via = await connectTo(jumpSpec, signal, log, 'jump');
      }
    }
    const auth: AuthOptions = { ...o.auth };
    if (!auth.identityFiles?.length && e.identityFiles.length) auth.identityFiles = e.identityFiles;
    return connectSsh({
      endpoint: e.endpoint,
      auth,
      prompter: o.prompter,
      hostKeys: o.hostKeys,
      hostKeyPolicy: o.hostKeyPolicy,
      redactor: o.redactor,
      signal,
      log,
      ...(via ? { via } : {}),
      ...(o.connectTimeoutMs ? { timeoutMs: o.connectTimeoutMs } : {}),
    });
  };

  try {
    return await runFleet({
      runsDir: o.runsDir,
      ...(o.targets ? { targets: o.targets } : {}),
      ...(o.resumeRunId ? { resumeRunId: o.resumeRunId } : {}),
      ...(o.runId && !o.resumeRunId ? { runId: o.runId } : {}),
      options: { platform: o.platform, insecurePoll: o.insecurePoll, environment: o.environment, mode, ...(agentVersion ? { agentVersion } : {}), ...(o.checkinTimeoutS !== undefined ? { checkinTimeoutSeconds: o.checkinTimeoutS } : {}) },
      ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      ...(o.canary !== undefined ? { canary: o.canary } : {}),
      ...(o.maxFailPct !== undefined ? { maxFailPct: o.maxFailPct } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onUpdate ? { onUpdate: o.onUpdate } : {}),
      job: async (target, ctx): Promise<HostJobResult> => {
        const t = new HostTranscript(target, ctx.runId, ctx.attempt, o.redactor, ctx.transcriptFile, (l) => o.onLog?.(target, l));
        let conn: SshConnection | undefined;
        const connect = () =>
          withRetries((n) => (n > 1 && t.note(`connection attempt ${n}`), connectTo(target, ctx.signal, (l) => t.note(l), 'target')), {
            // A connection test answers at once: no retries unless asked for.
            ...(o.retry?.attempts !== undefined ? { attempts: o.retry.attempts } : mode === 'connect' ? { attempts: 1 } : {}),
            ...(o.retry?.delayMs !== undefined ? { delayMs: o.retry.delayMs } : {}),
            ...(o.retry?.sleep ? { sleep: o.retry.sleep } : {}),
            retryable: isRetryableConnectError,
            signal: ctx.signal,
            onRetry: (n, e) => t.note(`attempt ${n} failed: ${e instanceof Error ? e.message : String(e)}; retrying`),
          });
        // The check-in wait runs without the connection and the run's concurrency slot (fleet.ts PIPELINE).
        const lease: SshLease = {
          release: () => {
            conn?.close('SSH work done; verifying through the Portainer API');
            ctx.slot.release();
          },
          reconnect: async () => {
            const done = await ctx.slot.reacquire();
            try {
              const again = await connect();
              return {
                conn: again,
                done: () => {
                  again.close('agent logs read');
                  done();
                },
              };
            } catch (e) {
              done();
              throw e;
            }
          },
        };
        try {
          t.step('connect');
          const connectStarted = Date.now();
          conn = await connect();
          t.note(`connected as ${conn.endpoint.user}; host key ${conn.hostKeyFingerprint}`);
          if (mode === 'connect') return await testConnection(conn, t, o, Date.now() - connectStarted, ctx.signal);

          t.step('environment');
          let environmentId = ctx.record.environmentId;
          let edgeKey: string;
          let interval: number;
          let serverEdgeId: string | undefined;
          let environmentName: string | undefined;
          if (environmentId === undefined && o.environment.mode === 'existing') environmentId = o.environment.id;
          if (environmentId !== undefined) {
            const env = await o.server.environment(environmentId, ctx.signal);
            edgeKey = env.edgeKey;
            interval = env.checkinInterval;
            serverEdgeId = env.edgeId;
          } else if (mode !== 'install') {
            edgeKey = await o.server.previewKey(ctx.signal);
            interval = settings.checkinInterval;
            t.note('no environment is created in a preflight-only or dry run; checks use the server URLs');
          } else {
            const c = o.environment as Extract<EnvironmentChoice, { mode: 'create' }>;
            const p = parseTarget(target);
            const name = c.nameTemplate.replace(/\{host\}/g, p.host).replace(/\{user\}/g, p.user ?? '').replace(/\{target\}/g, target).replace(/\{port\}/g, String(p.port ?? 22));
            const env = await o.server.createEnvironment({ name, ...(c.groupId !== undefined ? { groupId: c.groupId } : {}), ...(c.tagIds ? { tagIds: c.tagIds } : {}), ...(c.pollSeconds ? { pollSeconds: c.pollSeconds } : {}) }, ctx.signal);
            environmentId = env.id;
            environmentName = name;
            edgeKey = env.edgeKey;
            interval = env.checkinInterval;
            ctx.record.environmentId = env.id;
            t.note(`created environment ${env.id} "${name}"`);
          }
          o.redactor.add(edgeKey);
          const edgeId = ctx.record.edgeId ?? serverEdgeId ?? newEdgeId();
          ctx.record.edgeId = edgeId;
          t.note(`environment ${environmentId ?? '(none)'}, Edge ID ${edgeId}`);
          const remoteDir = typeof o.remoteDir === 'function' ? o.remoteDir(target) : o.remoteDir;
          const installMode: InstallMode = mode;
          const endpoint = `${conn.endpoint.host}:${conn.endpoint.port}`;
          const owed = leftovers.on(endpoint);
          const out = await installOnHost({
            conn,
            plan: {
              platform: o.platform,
              agentVersion,
              edgeKey,
              edgeId,
              insecurePoll: o.insecurePoll,
              ...(settings.agentSecret ? { agentSecret: settings.agentSecret } : {}),
              ...(o.envVars ? { envVars: o.envVars } : {}),
              ...(o.meta ? { meta: o.meta } : {}),
              environmentId: environmentId ?? 0,
              ...(environmentName ? { environmentName } : {}),
              checkinIntervalS: interval || settings.checkinInterval,
            },
            probe: o.server,
            checkins,
            lease,
            transcript: t,
            redactor: o.redactor,
            prompter: o.prompter,
            target,
            mode: installMode,
            signal: ctx.signal,
            ...(o.sudoPassword !== undefined ? { sudoPassword: o.sudoPassword } : {}),
            ...(remoteDir ? { remoteDir } : {}),
            ...(o.agentName ? { agentName: o.agentName(target) } : {}),
            ...(o.replaceExisting ? { replaceExisting: o.replaceExisting } : {}),
            ...(o.pollMs ? { pollMs: o.pollMs } : {}),
            ...(o.checkinTimeoutS !== undefined ? { checkinTimeoutS: o.checkinTimeoutS } : {}),
            ...(runImage ? { pushImage: runImage } : {}),
            ...(runImage && o.platform === 'swarm' ? { swarmNodes: swarmNodeAccess(conn, (text, field) => connectTo(text, ctx.signal, (l) => t.note(l), field)) } : {}),
            ...(owed.length ? { leftoverSecretFiles: owed } : {}),
          });
          leftovers.record(endpoint, out.secretFilesLeft ?? [], ctx.runId, target);
          await t.finish(out.status === 'failed' ? `failed: ${out.reason}` : out.status, out.status === 'failed');
          const ok = out.status !== 'failed';
          const result: HostJobResult = {
            status: !ok ? 'failed' : out.status === 'unchanged' ? 'unchanged' : 'succeeded',
            ...(environmentId !== undefined ? { environmentId } : {}),
            edgeId,
            ...(out.checkedIn !== undefined ? { checkedIn: out.checkedIn } : {}),
            ...(out.tunnel ? { tunnel: out.tunnel } : {}),
            detail: {
              outcome: out.status,
              checks: out.checks,
              ...(out.diagnoses?.length ? { diagnoses: out.diagnoses } : {}),
              ...(out.commands && mode === 'dry-run' ? { commands: out.commands } : {}),
            },
          };
          if (out.reason) result.reason = out.reason;
          if (out.reasonCode) result.reasonCode = out.reasonCode;
          if (out.fix) result.fix = out.fix;
          if (out.secretFilesLeft?.length) result.secretFilesLeft = out.secretFilesLeft;
          return result;
        } catch (e) {
          const reason = o.redactor.redact(e instanceof Error ? e.message : String(e));
          await t.finish(`failed: ${reason}`, true);
          const f = failureOf(e);
          const r: HostJobResult = { status: 'failed', reason, reasonCode: f.reason, fix: o.redactor.redact(f.fix) };
          if (ctx.record.environmentId !== undefined) r.environmentId = ctx.record.environmentId;
          if (e instanceof AppError && e.field === 'hostKey') r.detail = { hostKey: true };
          if (e instanceof HostKeyChangedError) r.detail = { hostKey: true, changedHostKey: { name: e.hostName, source: e.source } };
          return r;
        } finally {
          conn?.close('install finished');
        }
      },
    });
  } finally {
    for (const p of jumps.values()) void p.then((c) => c.close('run finished')).catch(() => undefined);
    runImage?.dispose();
  }
}

/**
 * A Swarm's other nodes, reached at their swarm address with the manager target's user and port
 * (and the run's credentials, jump host and host key policy): docs/image-push.md.
 */
function swarmNodeAccess(manager: SshConnection, connect: (text: string, field: string) => Promise<SshConnection>): SwarmNodeAccess {
  const { user, port } = manager.endpoint;
  return {
    login: `${user} over SSH port ${port}`,
    connect: (address) => connect(formatTarget({ user, host: address, port }), 'swarm node'),
  };
}

/** Mode 'connect' on one connected host: `sudo -n true` and the identity, as check rows; nothing written. */
async function testConnection(conn: SshConnection, t: HostTranscript, o: FleetInstallOptions, connectMs: number, signal: AbortSignal): Promise<HostJobResult> {
  t.step('privileges');
  const host = new RemoteHost(conn, t, signal);
  const r = await host.run(connectProbeScript(), { timeoutMs: 20_000 });
  const s = parseProbe(r.stdout);
  const priv = checkPrivileges(s.id, s.sudo, parseWhich(s.which), o.sudoPassword !== undefined);
  if (priv.privilege === 'sudo-password' && o.sudoPassword === undefined) {
    priv.check.fix = 'The install will ask for the sudo password (or enter it under Authentication); passwordless sudo avoids the question.';
  }
  const checks = [checkConnection(conn.endpoint.user, conn.hostKeyFingerprint, connectMs, conn.authMethod), priv.check];
  for (const c of checks) t.note(`[${c.status}] ${c.title}: ${c.found}${c.fix && c.status !== 'pass' ? ` — fix: ${c.fix}` : ''}`);
  const failed = priv.check.status === 'fail';
  await t.finish(failed ? `failed: ${priv.check.title}: ${priv.check.found}` : 'connected', failed);
  const result: HostJobResult = { status: failed ? 'failed' : 'succeeded', detail: { outcome: 'connected', privilege: priv.privilege, checks } };
  if (failed) Object.assign(result, { reason: `${priv.check.title}: ${priv.check.found}`, reasonCode: 'no-root', fix: priv.check.fix ?? FAILURE_FIXES['no-root'] });
  return result;
}
