/** `edgedeck install`: its usage text, its flags and the plan they describe (checked before any secret is read). */
import { existsSync, readFileSync } from 'node:fs';
import type { ImageSource } from '../../../services/install/imageArchive';
import { join } from 'node:path';
import { readRunSummary, type RunSummary } from '../../../services/install/fleet';
import type { EnvironmentChoice } from '../../../services/install/fleetInstall';
import type { InstallMode } from '../../../services/install/hostPlan';
import { invalidInput } from '../../../shared/contract/errors';
import { CHECKIN_WAIT_RULE_TEXT } from '../../../shared/domain/checkinWait';
import type { SshPlatform } from '../../../shared/schemas/run';
import type { ValuesOf } from '../../defineCommand';
import { checkinTimeoutFlag, intFlag, pollFlag } from '../../flags';
import { defaultDataDir } from '../../paths';
import type { SecretSpec } from '../../secretInput';
import { SERVER_OPTIONS, SERVER_SECRETS } from '../../serverConnection';
import { expandTemplate, parseTarget, unknownTemplateVariable } from '../../../shared/domain/sshTarget';
import { parseTargetsFile } from './targets';
import { META_OPTIONS } from '../../metaFlags';

export const PLATFORMS = ['standalone', 'swarm', 'podman', 'kubernetes'] as const;

export const USAGE = `edgedeck install: install the Portainer Edge agent on hosts over SSH, and check that each one checks in.

  edgedeck install --server URL (--username U --password-stdin | --api-key-stdin) [--insecure | --pin SHA256]
                   (--environment ID | --create [--name-template '{host}'] [--group G] [--tags a,b] [--poll S])
                   --platform ${PLATFORMS.join('|')}
                   (--target user@host[:port] ... | --targets FILE)
                   [--identity FILE] [--ssh-password-stdin] [--sudo-password-stdin] [--jump user@host[:port]]
                   [--concurrency N] [--canary N] [--max-fail PCT]
                   [--accept-new-host-keys] [--known-hosts FILE]
                   [--preflight-only | --dry-run] [--resume RUN_ID] [--runs-dir DIR]
                   [--insecure-poll | --no-insecure-poll] [--env NAME=value,...] [--checkin-timeout SECONDS]
                   [--push-image [--image-archive FILE]]
                   [--edge-groups 1,2] [--group-id 5] [--tag-ids 10,20]   (auto-onboarding metadata:
                   EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS in the agent's environment)

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
  --checkin-timeout SECONDS: how long each host waits for its agent's first check-in once the agent
  runs (${CHECKIN_WAIT_RULE_TEXT}; default 2 × the check-in interval + 35 s). Give slow
  or busy hosts longer; a resumed run keeps the run's value unless given again.
Image: --push-image brings the agent image to hosts that cannot pull it (no registry reachable): it is
  saved from this computer's Docker engine (docker save; DOCKER_HOST is honoured), or read from
  --image-archive FILE (what docker save -o FILE wrote), sent over each host's SSH connection with
  progress, checked there with sha256sum and loaded (docker load / podman load); a host that has the
  same image ID is skipped. Swarm: loaded on the node the install connects to. Not for Kubernetes.
Files: --runs-dir DIR (default <data>/runs: summary.json and one transcript per host attempt),
  --data DIR (Edgedeck's data folder), --remote-dir DIR (env file folder on the targets, default
  /etc/portainer-edge; {host} {port} {user} expand).
Output: progress lines on standard error; a JSON summary on standard output (run id, per host: target,
  environment id, state, reason and fix, timings). --verbose prints every command on standard error.
Exit codes: 0 every host checked in (--preflight-only: every preflight passed; --dry-run: every host
  rendered), 1 a host failed or the server refused, 2 bad input, 130 cancelled (Ctrl-C).`;

export const OPTIONS = {
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
  ...META_OPTIONS,
  'replace-existing': { type: 'boolean', default: false },
  'remote-dir': { type: 'string' },
  'push-image': { type: 'boolean', default: false },
  'image-archive': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'checkin-timeout': { type: 'string' },
  verbose: { type: 'boolean', default: false },
} as const;

export type Values = ValuesOf<typeof OPTIONS>;

/** Standard-input order: the Portainer credential, the SSH password, the sudo password. */
export const SECRETS: readonly SecretSpec[] = [
  ...SERVER_SECRETS,
  { name: 'ssh-password', label: 'the SSH password', prompt: 'SSH password (for every target): ' },
  { name: 'sudo-password', label: 'the sudo password', prompt: 'sudo password (for every target): ' },
];

export interface Plan {
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
  /** --push-image (with --image-archive FILE: from that file). */
  pushImage?: ImageSource;
  /** --checkin-timeout (on --resume: the run's own unless given again). */
  checkinTimeoutS?: number;
}

/** --push-image / --image-archive: where the image comes from, checked before anything else runs. */
function pushImageOf(values: Values, platform: string | undefined): ImageSource | undefined {
  const archive = values['image-archive'];
  if (archive !== undefined && !values['push-image']) throw invalidInput('--image-archive', 'Give --image-archive FILE together with --push-image (it says where the pushed image comes from).');
  if (!values['push-image']) return undefined;
  if (platform === 'kubernetes') throw invalidInput('--push-image', "--push-image loads the image into the host's Docker or Podman engine; a Kubernetes cluster pulls through its nodes' runtime. Load it on each node (ctr -n k8s.io images import FILE) and leave out --push-image.");
  if (archive !== undefined) {
    if (!existsSync(archive)) throw invalidInput('--image-archive', `No such file: ${archive}. Make one with docker save -o FILE portainer/agent:<version> on a machine that has the image.`);
    return { from: 'archive', path: archive };
  }
  return { from: 'engine' };
}

export function plan(values: Values): Plan {
  const dataDir = values.data ?? defaultDataDir();
  const runsDir = values['runs-dir'] ?? join(dataDir, 'runs');
  if (values['preflight-only'] && values['dry-run']) throw invalidInput('--dry-run', 'Use either --preflight-only or --dry-run, not both.');
  if (values['insecure-poll'] && values['no-insecure-poll']) throw invalidInput('--no-insecure-poll', 'Use either --insecure-poll or --no-insecure-poll, not both.');
  let mode: InstallMode = values['preflight-only'] ? 'preflight-only' : values['dry-run'] ? 'dry-run' : 'install';
  const checkinTimeout = checkinTimeoutFlag(values['checkin-timeout'], '--checkin-timeout');
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
    const push = pushImageOf(values, o.platform);
    const wait = checkinTimeout ?? o.checkinTimeoutSeconds;
    return {
      mode,
      platform: o.platform,
      ...(push ? { pushImage: push } : {}),
      ...(wait !== undefined ? { checkinTimeoutS: wait } : {}),
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
    const poll = pollFlag(values.poll, '--poll');
    environment = { mode: 'create', nameTemplate: template, ...(poll ? { pollSeconds: poll } : {}) };
  } else throw invalidInput('--create', 'Say which environment: --create (one new Edge environment per host) or --environment ID (one host).');

  const push = pushImageOf(values, platformText);
  return {
    mode,
    platform: platformText as SshPlatform,
    ...(push ? { pushImage: push } : {}),
    ...(checkinTimeout !== undefined ? { checkinTimeoutS: checkinTimeout } : {}),
    targets,
    environment,
    insecurePoll: !values['no-insecure-poll'],
    ...(values.group?.trim() ? { group: values.group.trim() } : {}),
    ...(tags?.length ? { tags } : {}),
    runsDir,
    dataDir,
  };
}

