import { EventEmitter, setMaxListeners } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readRunSummary, runDir, type HostRecord, type RunSummary } from '../../services/install/fleet';
import { runFleetInstall, type EnvironmentChoice, type FleetInstallOptions } from '../../services/install/fleetInstall';
import type { InstallMode } from '../../services/install/installer';
import { portainerServerApi } from '../../services/install/portainerServerApi';
import { createLogger } from '../../services/logging/logger';
import { Redactor } from '../../services/logging/redact';
import type { PortainerClient } from '../../services/portainer/client';
import { groupTagCalls } from '../../services/portainer/groupTagCalls';
import { ServerProfiles } from '../../services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../services/secrets/secretStore';
import { AppKnownHosts, HostKeyDatabase } from '../../services/ssh/knownHosts';
import type { Prompter, SecretQuestion } from '../../services/ssh/prompter';
import { createFileStore } from '../../services/stores/fileStore';
import type { KeyValueStore } from '../../services/stores/keyValueStore';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { resolveGroupAndTags } from '../../shared/domain/groupsAndTags';
import { expandTemplate, knownHostsName, parseTarget, parseTargetsText, unknownTemplateVariable } from '../../shared/domain/sshTarget';
import type { SshPlatform } from '../../shared/schemas/run';
import { EXIT_USAGE, reportError, type CliIo, type Command } from '../io';
import { defaultDataDir } from '../paths';
import { checkServerFlags, connectServer, SERVER_OPTIONS, TLS_HINT, type SecretFlag } from '../serverConnection';

const PLATFORMS = ['standalone', 'swarm', 'podman', 'kubernetes'] as const;

const USAGE = `edgedeck install: install the Portainer Edge agent on hosts over SSH, and check that each one checks in.

  edgedeck install --server URL (--username U --password-stdin | --api-key-stdin) [--insecure | --pin SHA256]
                   (--environment ID | --create [--name-template '{host}'] [--group G] [--tags a,b] [--poll S])
                   --platform ${PLATFORMS.join('|')}
                   (--target user@host[:port] ... | --targets FILE)
                   [--identity FILE] [--ssh-password-stdin] [--sudo-password-stdin] [--jump user@host[:port]]
                   [--concurrency N] [--canary N] [--max-fail PCT]
                   [--accept-new-host-keys] [--known-hosts FILE]
                   [--preflight-only | --dry-run] [--resume RUN_ID] [--runs-dir DIR]
                   [--insecure-poll | --no-insecure-poll] [--env NAME=value,...]

Server: --server URL, credentials on standard input (--password-stdin with --username, default admin;
  or --api-key-stdin); certificate: the system CA store, --pin SHA256 (exactly this certificate) or
  --insecure (no checks).
Secrets on standard input, ONE PER LINE, in this fixed order (only the lines whose flag is given):
  1. the Portainer password (--password-stdin) or API key (--api-key-stdin)
  2. the SSH password (--ssh-password-stdin; tried after keys, for every target)
  3. the sudo password (--sudo-password-stdin; used only where sudo asks for one)
  e.g. printf '%s\\n' "$PORTAINER_PW" "$SSH_PW" | edgedeck install ... --password-stdin --ssh-password-stdin
  Secrets are never taken from the command line and never printed. When standard input is a terminal
  (not piped), these secrets, and any password or key passphrase a host asks for, are asked there
  without echo; when it is piped, a host that needs a secret not given fails with the flag to use.
Environment:
  --environment ID        install into this existing Edge environment (one target only: one device each)
  --create                create one Edge environment per host, named by --name-template
  --name-template T       default '{host}'; variables: {host} {port} (22 when not given) {user} {target}
  --group G  --tags a,b   by name; created when missing (not in --preflight-only / --dry-run)
  --poll S                the environment's check-in interval in seconds (default: the server's)
Targets: --target user@host[:port] (repeatable), or --targets FILE: one target per line with # comments,
  or a CSV file with a "target" column.
SSH: keys from --identity FILE (repeatable; default ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa),
  then the SSH password. --jump user@host[:port]: connect through a jump host.
Host keys: checked against Edgedeck's known hosts (in --data) and ~/.ssh/known_hosts (or each
  --known-hosts FILE instead). An unknown key fails that host with its fingerprint, unless
  --accept-new-host-keys (remember new keys, like OpenSSH's accept-new). A changed key always fails.
Batches: --concurrency N (default 10), --canary N (these hosts first; any failure stops the run),
  --max-fail PCT (stop starting hosts once more than PCT% failed; default 100).
Modes: --preflight-only runs the checks and creates nothing; --dry-run also shows the commands.
  --resume RUN_ID retries the failed and not-started hosts of a run (targets and environment choice
  come from the run; give the server flags and secrets again).
Agent: --no-insecure-poll requires a certificate the agent trusts (default: EDGE_INSECURE_POLL=1);
  --env NAME=value,... extra agent env vars (a bare NAME copies the value from the target's session);
  --replace-existing replaces a different Edge agent already on a host (otherwise that host fails).
Files: --runs-dir DIR (default <data>/runs: summary.json and one transcript per host attempt),
  --data DIR (Edgedeck's data folder), --remote-dir DIR (env file folder on the targets, default
  /etc/portainer-edge; {host} {port} {user} expand).
Output: progress lines on standard error; a JSON summary on standard output (run id, per host: target,
  environment id, state, reason and fix, timings). --verbose prints every command on standard error.
Exit codes: 0 every host checked in (--preflight-only: every preflight passed; --dry-run: every host
  rendered), 1 a host failed or the server refused, 2 bad input, 130 cancelled (Ctrl-C).`;

const OPTIONS = {
  ...SERVER_OPTIONS,
  data: { type: 'string' },
  environment: { type: 'string' },
  create: { type: 'boolean', default: false },
  'name-template': { type: 'string' },
  group: { type: 'string' },
  tags: { type: 'string' },
  poll: { type: 'string' },
  platform: { type: 'string' },
  target: { type: 'string', multiple: true },
  targets: { type: 'string' },
  identity: { type: 'string', multiple: true },
  'ssh-password-stdin': { type: 'boolean', default: false },
  'sudo-password-stdin': { type: 'boolean', default: false },
  jump: { type: 'string' },
  concurrency: { type: 'string' },
  canary: { type: 'string' },
  'max-fail': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean', default: false },
  'known-hosts': { type: 'string', multiple: true },
  'preflight-only': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  resume: { type: 'string' },
  'runs-dir': { type: 'string' },
  'insecure-poll': { type: 'boolean', default: false },
  'no-insecure-poll': { type: 'boolean', default: false },
  env: { type: 'string' },
  'replace-existing': { type: 'boolean', default: false },
  'remote-dir': { type: 'string' },
  'connect-timeout': { type: 'string' },
  verbose: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false }>>['values'];

/** Reads a secret from the terminal without echo; undefined when the user gives up (Ctrl-C / Ctrl-D). */
export interface TtyAsker {
  ask(prompt: string): Promise<string | undefined>;
}

export interface InstallCommandDeps {
  /** Known hosts / profiles store (default: the data folder's settings file). */
  store?: KeyValueStore;
  /** The terminal for prompts; null: never prompt. Default: standard input when it is a TTY. */
  tty?: TtyAsker | null;
  /** Milliseconds between check-in probes (tests). */
  pollMs?: number;
}

// ---------------------------------------------------------------- input helpers (exported for unit tests)

export function intFlag(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalidInput(flag, `${flag} takes a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, not "${value}".`);
  return Number(value);
}

/**
 * A targets file: one user@host[:port] per line (blank lines and # comments skipped), or CSV whose
 * header has a "target" column (the rules of shared/domain/sshTarget.ts). Any bad line fails the
 * command, naming the file and line.
 */
export function parseTargetsFile(text: string, file = 'FILE'): string[] {
  const r = parseTargetsText(text);
  if (r.error) throw invalidInput('--targets', `${file}: ${r.error}`);
  const bad = r.bad[0];
  if (bad) throw invalidInput('--targets', bad.reason === 'Already in the list.' ? `The target ${bad.text} is listed twice (${file} line ${bad.line}).` : `${file} line ${bad.line}: ${JSON.stringify(bad.text)}: ${bad.reason}`);
  if (!r.targets.length) throw invalidInput('--targets', `${file} lists no targets (one user@host[:port] per line, or CSV with a "target" column).`);
  return r.targets;
}

export interface StdinSecrets {
  server?: string;
  ssh?: string;
  sudo?: string;
}

/** Splits standard input into the secrets, one per line in the fixed order: server, SSH password, sudo password. */
export function splitStdinSecrets(text: string, want: { server?: SecretFlag; ssh: boolean; sudo: boolean }): StdinSecrets {
  const lines = text.split(/\r?\n/);
  const order: Array<[keyof StdinSecrets, string]> = [];
  if (want.server) order.push(['server', want.server]);
  if (want.ssh) order.push(['ssh', '--ssh-password-stdin']);
  if (want.sudo) order.push(['sudo', '--sudo-password-stdin']);
  const out: StdinSecrets = {};
  order.forEach(([key, flag], i) => {
    const v = lines[i] ?? '';
    if (!v) {
      const list = order.map(([, f], j) => `line ${j + 1}: ${f}`).join(', ');
      throw invalidInput(flag, `${flag} read nothing from line ${i + 1} of standard input; give one secret per line in this order (${list}), e.g. printf '%s\\n' ... | edgedeck install ...`);
    }
    out[key] = v;
  });
  return out;
}

async function askSecrets(tty: TtyAsker, want: { server?: SecretFlag; ssh: boolean; sudo: boolean }): Promise<StdinSecrets> {
  const out: StdinSecrets = {};
  const ask = async (key: keyof StdinSecrets, flag: string, prompt: string) => {
    const v = await tty.ask(prompt);
    if (!v) throw invalidInput(flag, `${flag}: no secret given.`);
    out[key] = v;
  };
  if (want.server) await ask('server', want.server, want.server === '--api-key-stdin' ? 'Portainer API key: ' : 'Portainer password: ');
  if (want.ssh) await ask('ssh', '--ssh-password-stdin', 'SSH password (for every target): ');
  if (want.sudo) await ask('sudo', '--sudo-password-stdin', 'sudo password (for every target): ');
  return out;
}

/**
 * The CLI's answers to the SSH layer. Host keys are decided by the policy (strict / accept-new),
 * never asked. Passwords and passphrases come from the terminal when one is usable (asked once,
 * one at a time, reused for every host that asks); otherwise the question is recorded per target
 * so the summary can name the flag to use.
 */
export function cliPrompter(o: { tty?: TtyAsker | null; replace?: boolean }): Prompter & { needs: Map<string, string[]> } {
  const needs = new Map<string, string[]>();
  const cache = new Map<string, string | undefined>();
  let chain: Promise<unknown> = Promise.resolve();
  const need = (target: string, text: string) => {
    const list = needs.get(target) ?? [];
    if (!list.includes(text)) list.push(text);
    needs.set(target, list);
  };
  const flagFor = (q: SecretQuestion): string => {
    switch (q.kind) {
      case 'passphrase':
        return `${q.message.replace(/ \(wrong.*$/, '')} is needed: add the key to ssh-agent (ssh-add) or run in a terminal without the *-stdin flags to be asked`;
      case 'sudo':
        return 'sudo asks for a password: give it with --sudo-password-stdin (line after the SSH password on standard input)';
      default:
        return 'the SSH server asks for a password: give it with --ssh-password-stdin (line after the Portainer secret on standard input), or use a key (--identity FILE)';
    }
  };
  return {
    needs,
    hostKey: async () => 'reject',
    confirm: async () => o.replace ?? false,
    secret: async (q) => {
      if (q.kind === 'keyboard-interactive' && q.echo) {
        need(q.target, `the server asked "${q.message}", which the CLI cannot answer`);
        return undefined;
      }
      const tty = o.tty;
      if (!tty) {
        need(q.target, flagFor(q));
        return undefined;
      }
      const key = q.kind === 'passphrase' ? q.message.replace(/ \(wrong.*$/, '') : q.kind === 'keyboard-interactive' ? 'password' : q.kind;
      const retry = /wrong/.test(q.message);
      if (cache.has(key) && !retry) return cache.get(key);
      const p = chain.then(() => tty.ask(`${q.message}${q.kind === 'passphrase' ? '' : ' (used for every host that asks)'}: `));
      chain = p.catch(() => undefined);
      const answer = await p;
      cache.set(key, answer);
      return answer;
    },
  };
}

/** The default terminal asker: raw mode on standard input, no echo, prompt on standard error. */
function stdinTty(): TtyAsker {
  return {
    ask: (prompt) =>
      new Promise((resolve) => {
        const stdin = process.stdin;
        process.stderr.write(prompt);
        let buf = '';
        const done = (v: string | undefined) => {
          stdin.off('data', onData);
          stdin.setRawMode?.(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(v);
        };
        const onData = (chunk: Buffer | string) => {
          for (const ch of chunk.toString()) {
            if (ch === '\r' || ch === '\n') return done(buf);
            if (ch === '\u0003' || ch === '\u0004') return done(undefined);
            if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
            else buf += ch;
          }
        };
        stdin.setRawMode?.(true);
        stdin.resume();
        stdin.on('data', onData);
      }),
  };
}

// ---------------------------------------------------------------- output

interface HostLine {
  target: string;
  environmentId: number | null;
  edgeId: string | null;
  state: string;
  outcome?: string;
  checkedIn: boolean;
  tunnel?: string;
  reason?: string;
  /** Why, as a stable code (shared/domain/failures.ts): for scripts, which must not read the English. */
  reasonCode?: string;
  fix?: string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  seconds?: number;
  steps?: Array<{ name: string; seconds: number; status: string }>;
  transcript?: string;
}

function hostOk(h: HostRecord, mode: InstallMode): boolean {
  const outcome = (h.detail as { outcome?: string } | undefined)?.outcome;
  if (mode === 'preflight-only') return outcome === 'preflight-ok';
  if (mode === 'dry-run') return outcome === 'dry-run';
  return (h.status === 'succeeded' || h.status === 'unchanged') && h.checkedIn === true;
}

/**
 * What to do about a host, for the JSON summary: what a host asked for that the CLI could not give,
 * main's fix for the failure's reason code, and the CLI's own next step for that code (a flag to
 * use, a command to run). Only codes are read here, never the wording of a message.
 */
function fixFor(h: HostRecord, runId: string, needs: string[] | undefined): string | undefined {
  const parts: string[] = [...(needs ?? [])];
  if (h.fix) parts.push(h.fix);
  const p = parseTarget(h.target);
  switch (h.reasonCode) {
    case 'host-key-unknown':
      parts.push(`then rerun with --accept-new-host-keys, or add the key to known_hosts (ssh-keyscan${p.port && p.port !== 22 ? ` -p ${p.port}` : ''} ${p.host} >> ~/.ssh/known_hosts, or --known-hosts FILE)`);
      break;
    case 'host-key-changed':
      parts.push(`for a known_hosts file: ssh-keygen -R "${knownHostsName(p.host, p.port ?? 22)}"`);
      break;
    case 'existing-agent':
      parts.push('to replace it, rerun with --replace-existing');
      break;
  }
  if (h.status === 'skipped' || h.status === 'cancelled' || h.status === 'failed') parts.push(`retry the hosts that did not finish with --resume ${runId}`);
  return parts.length ? parts.join('; ') : undefined;
}

function stepsOf(dir: string, rel: string | undefined): HostLine['steps'] {
  if (!rel) return undefined;
  try {
    const doc = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as { steps?: Array<{ name: string; ms?: number; status: string }> };
    return doc.steps?.map((s) => ({ name: s.name, seconds: Math.round((s.ms ?? 0) / 100) / 10, status: s.status }));
  } catch {
    return undefined;
  }
}

function summaryJson(s: RunSummary, runsDir: string, mode: InstallMode, needs: Map<string, string[]>, redactor: Redactor, wallMs: number) {
  const dir = runDir(runsDir, s.runId);
  const hosts: HostLine[] = s.hosts.map((h) => {
    const line: HostLine = {
      target: h.target,
      environmentId: h.environmentId ?? null,
      edgeId: h.edgeId ?? null,
      state: h.status,
      checkedIn: h.checkedIn === true,
      attempts: h.attempts,
    };
    const outcome = (h.detail as { outcome?: string } | undefined)?.outcome;
    if (outcome) line.outcome = outcome;
    if (h.tunnel) line.tunnel = h.tunnel;
    if (h.reason) line.reason = redactor.redact(h.reason);
    if (h.reasonCode && !hostOk(h, mode)) line.reasonCode = h.reasonCode;
    const fix = fixFor(h, s.runId, needs.get(h.target));
    if (fix && !hostOk(h, mode)) line.fix = redactor.redact(fix);
    if (h.startedAt) line.startedAt = h.startedAt;
    if (h.finishedAt) line.finishedAt = h.finishedAt;
    if (h.ms !== undefined) line.seconds = Math.round(h.ms / 100) / 10;
    const steps = stepsOf(dir, h.transcript);
    if (steps) line.steps = steps;
    if (h.transcript) line.transcript = join(dir, h.transcript);
    return line;
  });
  const ok = s.hosts.every((h) => hostOk(h, mode));
  return {
    runId: s.runId,
    runDir: dir,
    mode,
    ok,
    ...(s.stoppedBecause ? { stoppedBecause: s.stoppedBecause } : {}),
    counts: s.counts,
    seconds: Math.round(wallMs / 100) / 10,
    hosts,
  };
}

// ---------------------------------------------------------------- the command

async function groupAndTags(client: PortainerClient, group: string | undefined, tags: string[] | undefined, create: boolean, io: CliIo): Promise<{ groupId?: number; tagIds?: number[] }> {
  const r = await resolveGroupAndTags(groupTagCalls(client, { create, signal: io.stopSignal }), { ...(group ? { group } : {}), ...(tags ? { tags } : {}) });
  if (r.created.group) io.stderr(`edgedeck: created group "${r.created.group.name}" (${r.created.group.id})\n`);
  for (const t of r.created.tags) io.stderr(`edgedeck: created tag "${t.name}" (${t.id})\n`);
  if (r.missing.group) io.stderr(`edgedeck: group "${r.missing.group}" does not exist yet; an install would create it.\n`);
  for (const t of r.missing.tags) io.stderr(`edgedeck: tag "${t}" does not exist yet; an install would create it.\n`);
  return { ...(r.groupId !== undefined ? { groupId: r.groupId } : {}), ...(r.tagIds ? { tagIds: r.tagIds } : {}) };
}

interface Plan {
  mode: InstallMode;
  platform: SshPlatform;
  targets?: string[];
  resume?: string;
  environment: EnvironmentChoice;
  insecurePoll: boolean;
  group?: string;
  tags?: string[];
  runsDir: string;
  dataDir: string;
}

function plan(values: Values): Plan {
  const dataDir = values.data ?? defaultDataDir();
  const runsDir = values['runs-dir'] ?? join(dataDir, 'runs');
  if (values['preflight-only'] && values['dry-run']) throw invalidInput('--dry-run', 'Use either --preflight-only or --dry-run, not both.');
  if (values['insecure-poll'] && values['no-insecure-poll']) throw invalidInput('--no-insecure-poll', 'Use either --insecure-poll or --no-insecure-poll, not both.');
  let mode: InstallMode = values['preflight-only'] ? 'preflight-only' : values['dry-run'] ? 'dry-run' : 'install';
  const platformText = values.platform;
  if (platformText !== undefined && !(PLATFORMS as readonly string[]).includes(platformText)) throw invalidInput('--platform', `Use one of ${PLATFORMS.join(', ')}, not "${platformText}".`);
  const tags = values.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);

  if (values.resume !== undefined) {
    for (const [flag, given] of [
      ['--target', values.target?.length],
      ['--targets', values.targets],
      ['--environment', values.environment],
      ['--create', values.create],
      ['--preflight-only', values['preflight-only']],
      ['--dry-run', values['dry-run']],
    ] as const) {
      if (given) throw invalidInput(flag, `--resume takes the targets, the environment choice and the mode from run ${values.resume}; leave out ${flag}.`);
    }
    let prev: RunSummary;
    try {
      prev = readRunSummary(runsDir, values.resume);
    } catch (e) {
      throw invalidInput('--resume', `${e instanceof Error ? e.message : String(e)} (runs are kept in --runs-dir, default <data>/runs).`);
    }
    const o = prev.options;
    if (!o.platform || !o.environment || o.mode === 'connect') throw invalidInput('--resume', `Run ${values.resume} was not an install run.`);
    if (platformText && platformText !== o.platform) throw invalidInput('--platform', `Run ${values.resume} installs for ${o.platform}; leave out --platform or give the same.`);
    mode = o.mode ?? 'install';
    return {
      mode,
      platform: o.platform,
      resume: values.resume,
      environment: o.environment,
      insecurePoll: values['no-insecure-poll'] ? false : values['insecure-poll'] ? true : (o.insecurePoll ?? true),
      runsDir,
      dataDir,
    };
  }

  if (!platformText) throw invalidInput('--platform', `Say which platform the agent runs on: --platform ${PLATFORMS.join('|')}.`);
  if (values.target?.length && values.targets) throw invalidInput('--targets', 'Give targets either with --target (repeatable) or --targets FILE, not both.');
  let targets: string[];
  if (values.targets) {
    let text: string;
    try {
      text = readFileSync(values.targets, 'utf8');
    } catch (e) {
      throw invalidInput('--targets', `Cannot read ${values.targets}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
    targets = parseTargetsFile(text, values.targets);
  } else if (values.target?.length) {
    targets = values.target.map((t) => parseTarget(t, '--target').raw);
  } else throw invalidInput('--target', 'Say where to install: --target user@host[:port] (repeatable) or --targets FILE.');
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t)) throw invalidInput(values.targets ? '--targets' : '--target', `The target ${t} is listed twice.`);
    seen.add(t);
  }

  let environment: EnvironmentChoice;
  if (values.environment !== undefined && values.create) throw invalidInput('--create', 'Use either --environment ID or --create, not both.');
  if (values.environment !== undefined) {
    const id = intFlag(values.environment, '--environment', 1)!;
    if (targets.length > 1) throw invalidInput('--environment', `An Edge environment is one device: --environment ${id} takes one target, not ${targets.length}. Use --create for many hosts.`);
    for (const [flag, v] of [['--name-template', values['name-template']], ['--group', values.group], ['--tags', values.tags], ['--poll', values.poll]] as const) {
      if (v !== undefined) throw invalidInput(flag, `${flag} goes with --create (the environment ${id} exists already; change it with "edgedeck env update").`);
    }
    environment = { mode: 'existing', id };
  } else if (values.create) {
    const template = values['name-template'] ?? '{host}';
    const unknown = unknownTemplateVariable(template);
    if (unknown) throw invalidInput('--name-template', `Unknown variable ${unknown}; use {host}, {port}, {user} or {target}.`);
    if (!template.trim()) throw invalidInput('--name-template', 'The name template is empty.');
    const names = new Map<string, string>();
    for (const t of targets) {
      const n = expandTemplate(template, t);
      const other = names.get(n);
      if (other) throw invalidInput('--name-template', `"${template}" gives ${other} and ${t} the same name "${n}"; add {port} or {user}, e.g. '{host}-{port}'.`);
      names.set(n, t);
    }
    const poll = intFlag(values.poll, '--poll', 0, 3600);
    environment = { mode: 'create', nameTemplate: template, ...(poll ? { pollSeconds: poll } : {}) };
  } else throw invalidInput('--create', 'Say which environment: --create (one new Edge environment per host) or --environment ID (one host).');

  return {
    mode,
    platform: platformText as SshPlatform,
    targets,
    environment,
    insecurePoll: !values['no-insecure-poll'],
    ...(values.group?.trim() ? { group: values.group.trim() } : {}),
    ...(tags?.length ? { tags } : {}),
    runsDir,
    dataDir,
  };
}

export function makeInstallCommand(deps: InstallCommandDeps = {}): Command {
  return {
    name: 'install',
    summary: 'Install the Edge agent on many hosts over SSH (preflight, env file, start, check-in), with canary, failure stop and resume.',
    usage: USAGE,
    async run(args: string[], io: CliIo): Promise<number> {
      let values: Values;
      try {
        values = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true }).values;
      } catch (err) {
        io.stderr(`edgedeck: ${(err as Error).message}\n\nRun "edgedeck install --help" for the options.\n`);
        return EXIT_USAGE;
      }
      const redactor = new Redactor();
      let profiles: ServerProfiles | undefined;
      try {
        // ---- everything that can be checked before touching stdin, the server or a host
        const p = plan(values);
        const secretFlag = checkServerFlags(values);
        const concurrency = intFlag(values.concurrency, '--concurrency', 1, 500);
        const canary = intFlag(values.canary, '--canary', 0);
        const maxFail = intFlag(values['max-fail']?.replace(/%$/, ''), '--max-fail', 0, 100);
        const connectTimeout = intFlag(values['connect-timeout'], '--connect-timeout', 1, 600);
        for (const f of values.identity ?? []) if (!existsSync(f)) throw invalidInput('--identity', `No such key file: ${f}.`);
        for (const f of values['known-hosts'] ?? []) if (!existsSync(f)) throw invalidInput('--known-hosts', `No such file: ${f}.`);
        if (values.jump) parseTarget(values.jump, '--jump');
        const remoteTemplate = values['remote-dir'];
        if (remoteTemplate !== undefined && (!isAbsolute(remoteTemplate) || /\s|\.\./.test(remoteTemplate))) throw invalidInput('--remote-dir', 'Give an absolute folder without spaces or "..", e.g. /etc/portainer-edge.');

        // Standard input carries the secrets when piped; when it is a terminal, they are asked there (no echo).
        const tty = deps.tty !== undefined ? deps.tty : process.stdin.isTTY ? stdinTty() : null;
        const want = { server: secretFlag, ssh: values['ssh-password-stdin'], sudo: values['sudo-password-stdin'] };
        const secrets = tty ? await askSecrets(tty, want) : splitStdinSecrets(await io.readStdin(), want);
        redactor.add(secrets.server);
        redactor.add(secrets.ssh);
        redactor.add(secrets.sudo);

        // ---- the server
        const logger = createLogger({ scope: 'install', minLevel: 'warn', redactor, sink: (l) => io.stderr(l + '\n') });
        const store = deps.store ?? createFileStore(p.dataDir);
        profiles = new ServerProfiles({ store, secrets: new MemoryOnlySecrets(), redactor, logger });
        const id = await connectServer(values, profiles, io, secretFlag, secrets.server!);
        const { client } = await profiles.connection(id);
        await client.authenticate(io.stopSignal);
        const server = portainerServerApi(client);
        let environment = p.environment;
        if (environment.mode === 'create' && (p.group || p.tags)) {
          const gt = await groupAndTags(client, p.group, p.tags, p.mode === 'install', io);
          environment = { ...environment, ...gt };
        }

        // ---- SSH
        const prompter = cliPrompter({ tty, replace: values['replace-existing'] });
        const hostKeys = new HostKeyDatabase({ app: new AppKnownHosts(store), files: values['known-hosts']?.length ? values['known-hosts'] : [join(homedir(), '.ssh', 'known_hosts')] });
        const sshConfigFile = join(homedir(), '.ssh', 'config');
        const hostState = new Map<string, string>();
        const started = Date.now();
        const out = (line: string) => io.stderr(redactor.redact(line) + '\n');
        if (p.mode !== 'install') out(`edgedeck: ${p.mode}: nothing is created or started.`);

        const options: FleetInstallOptions = {
          runsDir: p.runsDir,
          ...(p.targets ? { targets: p.targets } : {}),
          ...(p.resume ? { resumeRunId: p.resume } : {}),
          server,
          environment,
          platform: p.platform,
          insecurePoll: p.insecurePoll,
          ...(values.env ? { envVars: values.env } : {}),
          auth: { ...(values.identity?.length ? { identityFiles: values.identity } : {}), ...(secrets.ssh !== undefined ? { password: secrets.ssh } : {}) },
          hostKeys,
          hostKeyPolicy: values['accept-new-host-keys'] ? 'accept-new' : 'strict',
          ...(values.jump ? { jump: values.jump } : {}),
          ...(existsSync(sshConfigFile) ? { sshConfigText: readFileSync(sshConfigFile, 'utf8') } : {}),
          ...(connectTimeout ? { connectTimeoutMs: connectTimeout * 1000 } : {}),
          prompter,
          redactor,
          ...(secrets.sudo !== undefined ? { sudoPassword: secrets.sudo } : {}),
          concurrency: concurrency ?? 10,
          ...(canary !== undefined ? { canary } : {}),
          ...(maxFail !== undefined ? { maxFailPct: maxFail } : {}),
          mode: p.mode,
          replaceExisting: values['replace-existing'] ? 'always' : 'never',
          ...(remoteTemplate ? { remoteDir: (t: string) => expandTemplate(remoteTemplate, t) } : {}),
          signal: io.stopSignal,
          ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
          onLog: (target, line) => {
            if (line.startsWith('== ')) out(`${target}: ${line.slice(3)} …`);
            else if (values.verbose || /^\[(fail|warn)\]/.test(line)) out(`${target}:   ${line}`);
          },
          onUpdate: (s) => {
            for (const h of s.hosts) {
              if (hostState.get(h.target) === h.status) continue;
              hostState.set(h.target, h.status);
              if (h.status === 'pending' || h.status === 'running') continue;
              const env = h.environmentId !== undefined ? `environment ${h.environmentId}` : 'no environment';
              const secs = h.ms !== undefined ? `, ${(h.ms / 1000).toFixed(1)} s` : '';
              const ok = hostOk(h, p.mode);
              out(`${h.target}: ${ok ? (p.mode === 'install' ? (h.status === 'unchanged' ? 'unchanged, checked in' : 'checked in') : p.mode === 'dry-run' ? 'dry run ok' : 'preflight passed') : `FAILED (${h.status})`} (${env}${secs})${!ok && h.reason ? ` — ${h.reason}` : ''}`);
            }
          },
        };
        // Every running host adds an abort listener to the run's signal: allow the concurrency without Node's leak warning.
        const listeners = 2 * (concurrency ?? 10) + 10;
        if (EventEmitter.defaultMaxListeners < listeners) setMaxListeners(listeners);
        if (p.resume) out(`edgedeck: resuming run ${p.resume}: the hosts that did not succeed run again.`);
        const summary = await runFleetInstall(options);
        const json = summaryJson(summary, p.runsDir, p.mode, prompter.needs, redactor, Date.now() - started);
        io.stdout(redactor.redact(JSON.stringify(json, null, 2)) + '\n');
        const bad = json.hosts.filter((h) => !hostOk(summary.hosts.find((x) => x.target === h.target)!, p.mode)).length;
        out(
          `edgedeck: run ${summary.runId}: ${summary.hosts.length - bad} of ${summary.hosts.length} host(s) ${p.mode === 'install' ? 'checked in' : p.mode === 'dry-run' ? 'rendered' : 'passed preflight'}${summary.stoppedBecause ? `; stopped: ${summary.stoppedBecause}` : ''}.${bad ? ` Retry the rest with --resume ${summary.runId}.` : ''}`,
        );
        if (io.stopSignal.aborted) return 130;
        return json.ok ? 0 : 1;
      } catch (err) {
        if (io.stopSignal.aborted && !(err instanceof AppError && err.code === 'invalid_input')) {
          io.stderr('edgedeck: cancelled.\n');
          return 130;
        }
        const code = reportError(err instanceof Error ? Object.assign(err, { message: redactor.redact(err.message) }) : err, io);
        if (err instanceof AppError && err.field === 'tls') io.stderr(TLS_HINT);
        return code;
      } finally {
        await profiles?.close();
      }
    },
  };
}

export const installCommand: Command = makeInstallCommand();
