import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type AuthenticationType, type Client as SshClient, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { AppError } from '../../shared/contract/errors';
import type { FailureReason } from '../../shared/domain/failures';
import type { Redactor } from '../logging/redact';
import { checkHostCertificate, fetchHostCertificate, type CertificateVerdict } from './hostCertificate';
import { fingerprintOf, forgetCommand, hostKeyAlgorithmOrder, hostKeyOf, sshKeygenRemove, type HostKeyDatabase } from './knownHosts';
import type { Prompter, SecretQuestion } from './prompter';
import { PausableDeadline } from './pausableDeadline';
import { Semaphore } from './semaphore';
import { resolveAgents, type AgentLookup, type ResolvedAgent } from './agents';
import { currentPlatform } from '../platform/dataFolder';
import { expandHome, sshFolder } from '../../shared/domain/platformPaths';
import { formatTarget, knownHostsName } from '../../shared/domain/sshTarget';

// ssh2 is CommonJS: Node's ESM loader (tsx, Electron main) sees only its default export.
const { Client, utils } = ssh2;

/** ask: prompt on unknown keys; accept-new: remember unknown keys silently (OpenSSH accept-new); strict: refuse unknown keys. */
export type HostKeyPolicy = 'ask' | 'accept-new' | 'strict';

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  /** The name the user typed (ssh config alias), also checked in known_hosts. */
  alias?: string;
}

export interface AuthOptions {
  /** ssh-agent socket; null disables the agent; default: the platform's agents (services/ssh/agents.ts: SSH_AUTH_SOCK, Windows OpenSSH pipe, Pageant, launchd). */
  agentSocket?: string | null;
  /** How the default agents are found (the platform, env and probes; replaced in tests). */
  agentLookup?: Omit<AgentLookup, 'explicit'>;
  /** Key files to try (in order); when empty, ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist. */
  identityFiles?: string[];
  /** A password known up front (CLI --ssh-password-stdin); otherwise the prompter is asked. */
  password?: string;
  /** Try the default key files when identityFiles is empty (default true). */
  defaultKeys?: boolean;
  home?: string;
}

export interface ConnectOptions {
  endpoint: SshEndpoint;
  auth: AuthOptions;
  prompter: Prompter;
  hostKeys: HostKeyDatabase;
  hostKeyPolicy: HostKeyPolicy;
  /** Connect through this (already connected) jump host. */
  via?: SshConnection;
  /** Handshake + auth budget (default 20 s). */
  timeoutMs?: number;
  keepaliveMs?: number;
  signal?: AbortSignal;
  redactor?: Redactor;
  /** One line per notable event (auth method tried, host key decision). Never gets secrets. */
  log?: (line: string) => void;
}

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed. Never logged. */
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Cap per stream (default 1 MiB); the rest is dropped. */
  maxOutput?: number;
}

export interface ExecResult {
  command: string;
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Jump hosts see at most this many new connections (unauthenticated handshakes) at once: OpenSSH's MaxStartups starts dropping beyond 10. */
export const JUMP_HANDSHAKE_LIMIT = 10;

/** The failure code of a socket error while connecting, by the OS error code (never its text). */
export function connectFailure(code: string | undefined): FailureReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'ssh-refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'dns';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return 'ssh-unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'ssh-closed';
    default:
      return 'unknown';
  }
}

/** Thrown when a host presents a key different from the one on record. Never retried. */
export class HostKeyChangedError extends AppError {
  constructor(
    readonly hostName: string,
    readonly knownFingerprints: string[],
    readonly presentedFingerprint: string,
    readonly source: 'app' | 'file',
    /** The OpenSSH files holding the old key (source 'file'). */
    readonly files: string[] = [],
  ) {
    super(
      'forbidden',
      `HOST KEY CHANGED for ${hostName}: on record ${knownFingerprints.join(', ')} (${source === 'app' ? "Edgedeck's known hosts" : files.join(', ') || 'known_hosts file'}), ` +
        `presented ${presentedFingerprint}. This can be a man-in-the-middle attack; the connection was refused. ` +
        `If the host was legitimately reinstalled, verify the new fingerprint out of band, then remove the old key: ${forgetHint(hostName, source, files)}`,
      'hostKey',
      { reason: 'host-key-changed' },
    );
    this.name = 'HostKeyChangedError';
  }
}

/** Where and how to drop the old key: Edgedeck's store in Settings or with the CLI; OpenSSH's files with ssh-keygen -R. */
function forgetHint(hostName: string, source: 'app' | 'file', files: string[]): string {
  if (source === 'file' && files.length) return files.map((f) => sshKeygenRemove(hostName, f)).join('; ');
  return `Settings → SSH known hosts → Forget, or run: ${forgetCommand(hostName)}`;
}

export class HostKeyRejectedError extends AppError {
  constructor(hostName: string, fingerprint: string, why: string, reason: 'host-key-unknown' | 'host-key-rejected' = 'host-key-rejected') {
    super('forbidden', `The host key of ${hostName} (${fingerprint}) was not accepted: ${why}.`, 'hostKey', { reason });
    this.name = 'HostKeyRejectedError';
  }
}

export class SshAuthError extends AppError {
  constructor(message: string) {
    super('unauthorized', message, 'auth', { reason: 'ssh-auth' });
    this.name = 'SshAuthError';
  }
}

/** Whether a failed connection is worth another attempt (network trouble, not a decision). */
export function isRetryableConnectError(err: unknown): boolean {
  if (err instanceof HostKeyChangedError || err instanceof HostKeyRejectedError || err instanceof SshAuthError) return false;
  if (err instanceof AppError) return err.code === 'unavailable' || err.code === 'timeout';
  return true;
}

export class SshConnection {
  private readonly jumpSlots = new Semaphore(JUMP_HANDSHAKE_LIMIT);
  private closed = false;
  private readonly closeWaiters: Array<(reason: string) => void> = [];
  closeReason?: string;
  /** How the login succeeded: "ssh-agent (…)", "key <file>", "password", "keyboard-interactive". */
  authMethod = '';

  constructor(
    readonly client: SshClient,
    readonly endpoint: SshEndpoint,
    readonly hostKeyFingerprint: string,
  ) {
    client.on('close', () => this.markClosed(this.closeReason ?? 'the connection closed'));
    client.on('end', () => this.markClosed(this.closeReason ?? 'the server ended the connection'));
  }

  get label(): string {
    return formatTarget(this.endpoint);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    for (const w of this.closeWaiters.splice(0)) w(reason);
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener(this.closeReason ?? 'closed');
    else this.closeWaiters.push(listener);
  }

  close(reason = 'closed by Edgedeck'): void {
    if (!this.closed) this.closeReason = reason;
    try {
      this.client.end();
    } catch {
      /* already gone */
    }
    // end() waits for the server; destroy makes cancel immediate.
    setTimeout(() => this.client.destroy(), 200).unref();
    this.markClosed(reason);
  }

  /** Runs one command. Resolves with its exit code (null when killed or timed out); rejects only when the channel cannot open. */
  exec(command: string, o: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const max = o.maxOutput ?? 1024 * 1024;
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new AppError('unavailable', `The SSH connection to ${this.label} is closed (${this.closeReason}).`, undefined, { reason: 'connection-lost' }));
      if (o.signal?.aborted) return reject(new AppError('cancelled', 'Cancelled.'));
      this.client.exec(command, (err, stream: ClientChannel) => {
        if (err) {
          const lost = this.closed || /No response|not connected|closed/i.test(err.message);
          return reject(new AppError('unavailable', lost ? `Lost the SSH connection to ${this.label} (${err.message}).` : `Could not run a command on ${this.label}: ${err.message}`, undefined, { reason: lost ? 'connection-lost' : 'remote-command' }));
        }
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let sig: string | undefined;
        let timedOut = false;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          const r: ExecResult = { command, code, stdout, stderr, durationMs: Date.now() - started, timedOut };
          if (sig !== undefined) r.signal = sig;
          resolve(r);
        };
        const kill = () => {
          try {
            stream.signal('KILL');
          } catch {
            /* not supported */
          }
          stream.close();
        };
        const timer = setTimeout(() => {
          timedOut = true;
          kill();
          setTimeout(finish, 1000).unref();
        }, o.timeoutMs ?? 60_000);
        const onAbort = () => {
          kill();
          finish();
        };
        o.signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (d: Buffer) => {
          if (stdout.length < max) stdout += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < max) stderr += d.toString('utf8');
        });
        stream.on('error', () => finish());
        stream.on('exit', (c: number | null, s?: string) => {
          code = typeof c === 'number' ? c : null;
          if (s) sig = s;
        });
        stream.on('close', finish);
        this.onClose(() => setTimeout(finish, 50));
        if (o.stdin !== undefined) stream.end(o.stdin);
        else stream.end();
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (!err) return resolve(sftp);
        const lost = this.closed || /No response|not connected|closed/i.test(err.message);
        reject(new AppError('unavailable', lost ? `Lost the SSH connection to ${this.label} (${err.message}).` : `SFTP is not available on ${this.label}: ${err.message}`, undefined, { reason: lost ? 'connection-lost' : 'remote-command' }));
      });
    });
  }

  /**
   * Writes a file over SFTP, created with `mode` (the file is opened with that mode and chmod'ed
   * again). `exclusive`: O_CREAT|O_EXCL, as mktemp does — fails when the path exists, a symlink
   * included, so a fresh random name in a shared folder such as /tmp is safe to write.
   */
  async writeFile(path: string, content: string | Buffer, mode = 0o600, o: { exclusive?: boolean } = {}): Promise<void> {
    const sftp = await this.sftp();
    try {
      await new Promise<void>((resolve, reject) => {
        sftp.open(path, o.exclusive ? 'wx' : 'w', { mode }, (err, handle) => {
          if (err) return reject(new AppError('unavailable', `Could not create ${path} on ${this.label}: ${err.message}`));
          const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
          sftp.write(handle, data, 0, data.length, 0, (werr) => {
            sftp.fchmod(handle, mode, (cerr) => {
              sftp.close(handle, () => {
                const e = werr ?? cerr;
                if (e) reject(new AppError('unavailable', `Could not write ${path} on ${this.label}: ${e.message}`));
                else resolve();
              });
            });
          });
        });
      });
    } finally {
      sftp.end();
    }
  }

  /** A TCP stream from this host to host:port (for jump hosts). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => {
        if (err) reject(new AppError('unavailable', `The jump host ${this.label} could not reach ${host}:${port}: ${err.message}`, undefined, { reason: 'ssh-unreachable' }));
        else resolve(ch);
      });
    });
  }

  /** Handshake slots for connections through this host as a jump host. */
  get jumpLimiter(): Semaphore {
    return this.jumpSlots;
  }
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** One authentication attempt; `label` says what it was ("key /home/u/.ssh/id_ed25519", "ssh-agent (…)"). */
type AuthStep = { type: AuthenticationType; label: string; build: () => Promise<Record<string, unknown> | undefined> };

/** Connects, verifies the host key against the database (policy + prompter), authenticates through the chain. */
export async function connectSsh(o: ConnectOptions): Promise<SshConnection> {
  const { endpoint } = o;
  const label = formatTarget(endpoint);
  const log = o.log ?? (() => {});
  if (o.signal?.aborted) throw new AppError('cancelled', 'Cancelled.');
  const names = [knownHostsName(endpoint.host, endpoint.port)];
  if (o.endpoint.alias && o.endpoint.alias !== endpoint.host) names.push(knownHostsName(o.endpoint.alias, endpoint.port));

  let release: (() => void) | undefined;
  let sock: Duplex | undefined;
  if (o.via) {
    release = await o.via.jumpLimiter.acquire(o.signal);
    try {
      sock = await o.via.forwardOut(endpoint.host, endpoint.port);
      sock.on('error', () => {});
    } catch (e) {
      release();
      throw e;
    }
  }

  // A host covered by a @cert-authority line: its certificate, when it has one (hostCertificate.ts).
  const certified = o.via ? undefined : await certifiedKey(o, endpoint, names, log);

  const client = new Client();
  let hostKeyError: AppError | undefined;
  let presentedFingerprint = '';
  let lastAuthProblem: string | undefined;
  const budgetMs = o.timeoutMs ?? 20_000;
  // Settled once: every callback ssh2 may still call later (a host-key answer, an auth step, a
  // keyboard-interactive answer) checks this first, because ssh2 throws when fed after teardown.
  let settled = false;
  let settle: (e?: Error) => void = () => {};
  /** Withdraws open questions once the handshake is over (success or not). */
  const questions = new AbortController();
  let askingHostKey = false;
  const deadline = new PausableDeadline(budgetMs, () => {
    client.destroy();
    settle(new AppError('timeout', `Timed out connecting to ${label}: the host did not complete the SSH handshake within ${Math.round(budgetMs / 1000)} s (time spent waiting for your answers is not counted).`));
  });
  const ask = <T>(question: () => Promise<T>): Promise<T> => deadline.during(question);
  /** Hands a late value to ssh2 only while the handshake is still ours; ssh2 errors become this connection's failure. */
  const feed = (what: string, call: () => void): void => {
    if (settled) {
      log(`${what} arrived after the connection had ended; ignored`);
      return;
    }
    try {
      call();
    } catch (e) {
      client.destroy();
      settle(new AppError('unavailable', `The connection to ${label} failed while handling ${what}: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
  const agents = resolveAgents({ ...o.auth.agentLookup, explicit: o.auth.agentSocket });
  const steps = authSteps(o, agents, { label, problem: (p) => (lastAuthProblem = p), ask, withdrawn: questions.signal, feed });
  let authWith = '';

  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.user,
    // Our own budget (the deadline above) pauses during prompts; ssh2's own timer cannot.
    readyTimeout: 0,
    keepaliveInterval: o.keepaliveMs ?? 15_000,
    keepaliveCountMax: 3,
    algorithms: { serverHostKey: hostKeyAlgorithmOrder(certified ? [certified.key.type] : o.hostKeys.knownTypes(names)) as never },
    hostVerifier: ((blob: Buffer, verify: (ok: boolean) => void) => {
      const key = hostKeyOf(blob);
      presentedFingerprint = fingerprintOf(blob);
      askingHostKey = true;
      void ask(() => decideHostKey(o, label, names, key, presentedFingerprint, questions.signal, certified))
        .then(
          () => true,
          (e: unknown) => {
            hostKeyError = e instanceof AppError ? e : new HostKeyRejectedError(names[0]!, presentedFingerprint, String(e));
            return false;
          },
        )
        .then((ok) => {
          askingHostKey = false;
          feed('the host-key answer', () => verify(ok));
        });
    }) as unknown as ConnectConfig['hostVerifier'],
    authHandler: ((methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
      void (async () => {
        while (steps.length && !settled) {
          const step = steps.shift()!;
          if (methodsLeft && !methodsLeft.includes(step.type)) continue;
          const built = await step.build().catch((e: unknown) => {
            lastAuthProblem = e instanceof Error ? e.message : String(e);
            return undefined;
          });
          if (!built) continue;
          log(`auth: trying ${step.label}`);
          authWith = step.label;
          return feed(`the ${step.type} credentials`, () => next({ type: step.type, username: endpoint.user, ...built }));
        }
        feed('the end of the authentication methods', () => next(false));
      })();
    }) as unknown as ConnectConfig['authHandler'],
  };
  if (sock) config.sock = sock as unknown as ConnectConfig['sock'];

  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        client.destroy();
        settle(new AppError('cancelled', 'Cancelled.'));
      };
      settle = (e?: Error) => {
        if (settled) return;
        settled = true;
        deadline.stop();
        questions.abort();
        o.signal?.removeEventListener('abort', onAbort);
        if (e) reject(e);
        else resolve();
      };
      /** The host hung up while a person was still deciding about its key (its LoginGraceTime ran out). */
      const unanswered = () =>
        new AppError(
          'timeout',
          `The host-key question for ${label} was not answered in time: the host closed the connection while it waited for the answer (sshd's LoginGraceTime). Connect again and answer the question sooner, or add the key to known hosts first.`,
          'hostKey',
          { reason: 'host-key-unknown' },
        );
      o.signal?.addEventListener('abort', onAbort, { once: true });
      client.on('ready', () => settle());
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (hostKeyError) return settle(hostKeyError);
        if (askingHostKey) return settle(unanswered());
        if (err.level === 'client-authentication') {
          return settle(new SshAuthError(`Authentication to ${label} failed (tried ${triedSummary(o, agents)})${lastAuthProblem ? `: ${lastAuthProblem}` : ''}.`));
        }
        const why = err.code === 'ECONNREFUSED' ? 'connection refused (is sshd running on that port?)' : err.message;
        settle(new AppError('unavailable', `Could not connect to ${label}: ${why}`, undefined, { reason: connectFailure(err.code) }));
      });
      client.on('close', () => settle(hostKeyError ?? (askingHostKey ? unanswered() : new AppError('unavailable', `The connection to ${label} closed during the handshake.`, undefined, { reason: 'ssh-closed' }))));
      deadline.start();
      client.connect(config);
    });
  } catch (e) {
    client.destroy();
    throw e;
  } finally {
    release?.();
  }
  client.on('error', () => {});
  log(`connected to ${label}, host key ${presentedFingerprint}, authenticated with ${authWith}`);
  const conn = new SshConnection(client, endpoint, presentedFingerprint);
  conn.authMethod = authWith;
  if (o.signal) {
    const onAbort = () => conn.close('cancelled');
    o.signal.addEventListener('abort', onAbort, { once: true });
    conn.onClose(() => o.signal?.removeEventListener('abort', onAbort));
  }
  if (o.via) o.via.onClose((r) => conn.close(`the jump host connection closed (${r})`));
  return conn;
}

/** The host's certificate, checked against the @cert-authority lines for `names`; undefined when there is none or it does not hold. */
async function certifiedKey(o: ConnectOptions, endpoint: SshEndpoint, names: string[], log: (line: string) => void): Promise<Certified | undefined> {
  const { cas, revoked } = o.hostKeys.certAuthorities(names);
  if (!cas.length) return undefined;
  const blob = await fetchHostCertificate({ host: endpoint.host, port: endpoint.port, timeoutMs: Math.min(o.timeoutMs ?? 20_000, 10_000) });
  if (!blob) {
    log('a @cert-authority line names this host, but it presents no host certificate: its plain key is checked instead');
    return undefined;
  }
  // OpenSSH checks the principal against the host name as given (not `[host]:port`).
  const hostNames = [endpoint.host, ...(endpoint.alias && endpoint.alias !== endpoint.host ? [endpoint.alias] : [])];
  let last: CertificateVerdict | undefined;
  for (const hostName of hostNames) {
    last = checkHostCertificate(blob, { hostName, cas, revoked, now: new Date() });
    if (last.ok) {
      log(`host certificate ${last.keyId ? `"${last.keyId}" ` : ''}for ${hostName} is signed by the @cert-authority ${last.ca} and valid now`);
      return { key: last.key, ca: last.ca };
    }
  }
  if (last && !last.ok) log(`the host certificate was not accepted: ${last.why}; its plain key is checked instead`);
  return undefined;
}

interface Certified {
  key: { type: string; base64: string };
  ca: string;
}

async function decideHostKey(o: ConnectOptions, label: string, names: string[], key: { type: string; base64: string }, fp: string, withdrawn: AbortSignal, certified?: Certified): Promise<void> {
  const log = o.log ?? (() => {});
  const revoked = o.hostKeys.certAuthorities(names).revoked;
  if (certified && certified.key.base64 === key.base64 && !revoked.has(key.base64)) {
    log(`host key ${fp} is the one certified by ${certified.ca}`);
    return;
  }
  const verdict = o.hostKeys.verify(names, key);
  switch (verdict.kind) {
    case 'known':
      log(`host key ${fp} matches ${verdict.source === 'app' ? "Edgedeck's known hosts" : 'known_hosts'}`);
      return;
    case 'revoked':
      throw new HostKeyRejectedError(names[0]!, fp, 'the key is marked @revoked in known_hosts');
    case 'changed':
      throw new HostKeyChangedError(names[0]!, verdict.knownFingerprints, fp, verdict.source, verdict.files);
    case 'unknown': {
      if (o.hostKeyPolicy === 'strict') throw new HostKeyRejectedError(names[0]!, fp, 'the host is not in known hosts and new keys are not accepted', 'host-key-unknown');
      if (o.hostKeyPolicy === 'accept-new') {
        o.hostKeys.app.remember(names[0]!, key);
        log(`host key ${fp} (${key.type}) is new: remembered (accept-new)`);
        return;
      }
      const q = { target: label, hostName: names[0]!, keyType: key.type, fingerprint: fp } as Parameters<Prompter['hostKey']>[0];
      if (verdict.otherTypesKnown.length) q.note = `Keys of other types are on record for this host (${verdict.otherTypesKnown.join(', ')}).`;
      const answer = await o.prompter.hostKey(q, { withdrawn });
      // The connection ended while the person decided: the answer no longer applies to anything.
      if (withdrawn.aborted) throw new HostKeyRejectedError(names[0]!, fp, 'the question was withdrawn');
      if (answer === 'remember') {
        o.hostKeys.app.remember(names[0]!, key);
        log(`host key ${fp} accepted and remembered`);
        return;
      }
      if (answer === 'once') {
        log(`host key ${fp} accepted for this connection only`);
        return;
      }
      throw new HostKeyRejectedError(names[0]!, fp, 'rejected by the user');
    }
  }
}

function triedSummary(o: ConnectOptions, agents: ResolvedAgent[]): string {
  const parts: string[] = agents.map((a) => a.label);
  const keys = keyFiles(o.auth);
  if (keys.length) parts.push(`keys ${keys.join(', ')}`);
  parts.push('password', 'keyboard-interactive');
  return parts.join(', ');
}

function keyFiles(a: AuthOptions): string[] {
  const ctx = currentPlatform();
  // --identity and the app's key field: `~` expands; spaces and backslashes are part of the path.
  if (a.identityFiles?.length) return a.identityFiles.map((f) => expandHome(a.home ? { ...ctx, home: a.home, env: {} } : ctx, f));
  if (a.defaultKeys === false) return [];
  const dir = a.home ? join(a.home, '.ssh') : sshFolder(ctx);
  return DEFAULT_KEYS.map((k) => join(dir, k)).filter((f) => existsSync(f));
}

/** What the auth steps share with the handshake: prompts pause its budget and are withdrawn when it ends; late answers go through `feed`. */
interface AuthContext {
  label: string;
  problem: (p: string) => void;
  ask: <T>(question: () => Promise<T>) => Promise<T>;
  withdrawn: AbortSignal;
  feed: (what: string, call: () => void) => void;
}

function authSteps(o: ConnectOptions, agents: ResolvedAgent[], c: AuthContext): AuthStep[] {
  const { label, problem } = c;
  const secret = (q: SecretQuestion) => c.ask(() => o.prompter.secret(q, { withdrawn: c.withdrawn }));
  const steps: AuthStep[] = agents.map((a) => ({ type: 'agent', label: a.label, build: async () => ({ agent: a.agent }) }));
  for (const file of keyFiles(o.auth)) {
    steps.push({ type: 'publickey', label: `key ${file}`, build: () => loadKey(file, label, problem, secret, o.redactor) });
  }
  let passwordTries = 0;
  const password: AuthStep = {
    type: 'password',
    label: 'password',
    build: async () => {
      passwordTries++;
      const pw = passwordTries === 1 && o.auth.password !== undefined ? o.auth.password : await secret({ kind: 'password', target: label, message: `Password for ${label}` });
      if (pw === undefined) return undefined;
      o.redactor?.add(pw);
      if (passwordTries < 3) steps.splice(steps.indexOf(kbd), 0, password);
      return { password: pw };
    },
  };
  const kbd: AuthStep = {
    type: 'keyboard-interactive',
    label: 'keyboard-interactive',
    build: async () => ({
      prompt: (_n: string, _i: string, _l: string, prompts: Array<{ prompt: string; echo: boolean }>, finish: (answers: string[]) => void) => {
        void (async () => {
          const answers: string[] = [];
          for (const p of prompts) {
            const hidden = !p.echo;
            const ans =
              hidden && o.auth.password !== undefined && /password/i.test(p.prompt)
                ? o.auth.password
                : await secret({ kind: 'keyboard-interactive', target: label, message: p.prompt.trim(), echo: p.echo });
            if (hidden && ans) o.redactor?.add(ans);
            answers.push(ans ?? '');
          }
          c.feed('the keyboard-interactive answers', () => finish(answers));
        })();
      },
    }),
  };
  steps.push(password, kbd);
  return steps;
}

async function loadKey(
  file: string,
  label: string,
  problem: (p: string) => void,
  secret: (q: SecretQuestion) => Promise<string | undefined>,
  redactor: Redactor | undefined,
): Promise<Record<string, unknown> | undefined> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    problem(`cannot read ${file}: ${(e as Error).message}`);
    return undefined;
  }
  let parsed = utils.parseKey(data);
  if (!(parsed instanceof Error)) return { key: Array.isArray(parsed) ? parsed[0] : parsed };
  if (!/passphrase|encrypted/i.test(parsed.message)) {
    problem(`${file} is not a usable private key (${parsed.message})`);
    return undefined;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const pass = await secret({ kind: 'passphrase', target: label, keyFile: file, retry: attempt > 0, message: `Passphrase for ${file}${attempt ? ' (wrong passphrase, try again)' : ''}` });
    if (pass === undefined) {
      problem(`no passphrase given for ${file}`);
      return undefined;
    }
    redactor?.add(pass);
    parsed = utils.parseKey(data, pass);
    if (!(parsed instanceof Error)) return { key: Array.isArray(parsed) ? parsed[0] : parsed };
  }
  problem(`wrong passphrase for ${file}`);
  return undefined;
}

/** Reads ~/.ssh/config if present (empty text otherwise). */
export function readUserSshConfig(dir = sshFolder(currentPlatform())): string {
  try {
    return readFileSync(join(dir, 'config'), 'utf8');
  } catch {
    return '';
  }
}
