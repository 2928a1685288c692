import { invalidInput } from '../contract/errors';
import { decodeEdgeKey, isPaddedEdgeKey, PADDED_KEY_MESSAGE } from './edgeKey';
import { agentImage, releaseLineFor, type ReleaseLine } from './releaseLines';
import { isPsSafe, isShellSafe, psQuote, shellDoubleQuotedArg, shellQuote } from './shellQuote';
import type { AgentMeta, CommandOptions, Platform, TargetOs } from './types';
import { assertPlatformSupported, scriptPathSegment } from './versions';

/**
 * The install command text of Portainer's "Edge agent" screen (portainer-edge.md §5), byte for
 * byte for ordinary values. Values that would change the shell's reading are quoted, never
 * passed through raw (§5.11), and values that cannot be written safely are refused.
 */

/** One agent environment variable; value undefined means "copy NAME from the host's environment". */
export type EnvEntry = [name: string, value: string | undefined];

export interface EnvItem {
  name: string;
  value: string | undefined;
  /** The value is a shell reference the command itself expands (the generated Edge ID). */
  reference?: boolean;
}

const PLATFORMS: readonly Platform[] = ['standalone', 'swarm', 'podman', 'kubernetes', 'nomad'];
const OSES: readonly TargetOs[] = ['linux', 'windows'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EDGE_ID_REFERENCE: Record<TargetOs, string> = { linux: '$PORTAINER_EDGE_ID', windows: '$Env:PORTAINER_EDGE_ID' };

interface Checked {
  o: CommandOptions;
  line: ReleaseLine;
  edgeId: string | undefined;
  generator: string | undefined;
  userEnv: EnvItem[];
}

/**
 * The agent's environment in the command's order (§5.2). With an Edge ID generator EDGE_ID is the
 * shell reference the command expands; a caller writing an env file should resolve the ID first
 * and pass it as edgeId.
 */
export function installEnvEntries(o: CommandOptions): EnvEntry[] {
  return agentEnv(check(o)).map(({ name, value }) => [name, value]);
}

export function buildInstallCommand(o: CommandOptions): string {
  const c = check(o);
  switch (c.o.platform) {
    case 'standalone':
      return c.o.os === 'windows' ? standaloneWindows(c) : standaloneLinux(c);
    case 'podman':
      return podman(c);
    case 'swarm':
      return swarm(c);
    case 'kubernetes':
      return kubernetes(c);
    case 'nomad':
      return nomad(c);
  }
}

function agentEnv(c: Checked): EnvItem[] {
  const { o } = c;
  const items: EnvItem[] = [
    { name: 'EDGE', value: '1' },
    c.generator !== undefined ? { name: 'EDGE_ID', value: EDGE_ID_REFERENCE[o.os], reference: true } : { name: 'EDGE_ID', value: c.edgeId },
    { name: 'EDGE_KEY', value: o.edgeKey },
    { name: 'EDGE_INSECURE_POLL', value: o.insecurePoll ? '1' : '0' },
  ];
  if (o.agentSecret) items.push({ name: 'AGENT_SECRET', value: o.agentSecret });
  if (o.async) items.push({ name: 'EDGE_ASYNC', value: '1' });
  // Without PODMAN=1 the agent takes the host for plain Docker (new Podman form, 2.28 on).
  if (o.platform === 'podman' && c.line.templates.podman === 'env') items.push({ name: 'PODMAN', value: '1' });
  if (o.platform === 'swarm') items.push({ name: 'AGENT_CLUSTER_ADDR', value: 'tasks.portainer_edge_agent' });
  return [...items, ...agentMetaEnv(o), ...c.userEnv];
}

/**
 * Auto-onboarding metadata the way Portainer writes it: ids joined with ':' (docs/portainer-versions.md).
 * The one copy of the rule: commands, bundles, SSH installs and the screens' previews all use it.
 */
export function agentMetaEnv(o: AgentMeta): EnvItem[] {
  const items: EnvItem[] = [];
  if (o.edgeGroupIds?.length) items.push({ name: 'EDGE_GROUPS', value: o.edgeGroupIds.join(':') });
  if (o.groupId) items.push({ name: 'PORTAINER_GROUP', value: String(o.groupId) });
  if (o.tagIds?.length) items.push({ name: 'PORTAINER_TAGS', value: o.tagIds.join(':') });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Validation

function check(o: CommandOptions): Checked {
  if (!PLATFORMS.includes(o.platform)) {
    throw invalidInput('platform', `Unknown platform ${JSON.stringify(o.platform)}; choose one of ${PLATFORMS.join(', ')}.`);
  }
  if (!OSES.includes(o.os)) throw invalidInput('os', `Unknown OS ${JSON.stringify(o.os)}; choose linux or windows.`);
  const serverVersion = o.serverVersion ?? o.agentVersion;
  const { line } = releaseLineFor(serverVersion, o.serverVersion === undefined ? 'agentVersion' : 'serverVersion');
  assertPlatformSupported(o.platform, o.os, serverVersion, o.edition);
  checkIds('edgeGroupIds', 'Edge group', o.edgeGroupIds);
  checkIds('tagIds', 'tag', o.tagIds);
  if (o.groupId !== undefined) checkIds('groupId', 'environment group', [o.groupId]);
  checkEdgeKey(o.edgeKey);

  const edgeId = o.edgeId === '' ? undefined : o.edgeId;
  const generator = o.edgeIdGenerator === '' ? undefined : o.edgeIdGenerator;
  if (edgeId === undefined && generator === undefined) {
    throw invalidInput('edgeId', 'Give either an Edge ID (e.g. a UUID) or an Edge ID generator command (e.g. uuidgen), so the agent has an identity.');
  }
  if (edgeId !== undefined && generator !== undefined) {
    throw invalidInput('edgeId', 'Give an Edge ID or an Edge ID generator, not both: the generator would replace the ID on the device.');
  }
  if (edgeId !== undefined) {
    // Control characters are exactly what we look for here.
    // eslint-disable-next-line no-control-regex
    const bad = /[\u0000-\u001f\u007f]/.exec(edgeId);
    if (bad) {
      throw invalidInput('edgeId', `The Edge ID contains ${controlName(bad[0])}; it is sent as an HTTP header, which cannot carry control characters. Use a plain identifier such as a UUID.`);
    }
  }
  if (generator !== undefined && /[\n\r\0]/.test(generator)) {
    throw invalidInput('edgeIdGenerator', 'The Edge ID generator must be a one-line command (no line breaks or NUL), e.g. uuidgen.');
  }
  if (o.agentSecret) checkValue('agentSecret', 'The agent secret', o.agentSecret, o.os);
  if (o.nomadToken) checkValue('nomadToken', 'The Nomad token', o.nomadToken, o.os);
  return { o, line, edgeId, generator, userEnv: parseUserEnv(o.envVars ?? '', o.os) };
}

function checkIds(field: string, label: string, ids: readonly number[] | undefined): void {
  for (const id of ids ?? []) {
    if (!Number.isSafeInteger(id) || id < 1) throw invalidInput(field, `${JSON.stringify(id)} is not a ${label} id; ids are whole numbers from 1 (as the server lists them).`);
  }
}

function checkEdgeKey(key: string): void {
  if (key !== key.trim()) {
    throw invalidInput('edgeKey', 'The Edge key has spaces or line breaks around it; remove them.');
  }
  decodeEdgeKey(key);
  if (isPaddedEdgeKey(key)) {
    throw invalidInput('edgeKey', PADDED_KEY_MESSAGE);
  }
}

function checkValue(field: string, label: string, value: string, os: TargetOs): void {
  if (value.includes('\0')) throw invalidInput(field, `${label} contains a NUL character, which no command line can carry; remove it.`);
  if (os === 'windows' && /[\r\n]/.test(value)) {
    throw invalidInput(field, `${label} contains a line break, which the Windows command cannot carry safely; remove it.`);
  }
}

/**
 * Splits the user's field like Portainer (on ',', empty items dropped) and checks every item.
 * The field is trimmed first, as Portainer does for Kubernetes: in its Docker text surrounding
 * whitespace is dropped by the shell anyway, so the meaning is the same on every platform.
 */
function parseUserEnv(field: string, os: TargetOs): EnvItem[] {
  const items: EnvItem[] = [];
  for (const item of field.trim().split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (!ENV_NAME.test(name)) {
      const hint = name.trim() !== name ? ' Remove the spaces around the commas.' : ' A name starts with a letter or _ and has only letters, digits and _.';
      throw invalidInput('envVars', `The env var item ${JSON.stringify(item)} is not NAME or NAME=value.${hint}`);
    }
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (value !== undefined) checkValue('envVars', `The value of env var ${name}`, value, os);
    items.push({ name, value });
  }
  return items;
}

function controlName(c: string): string {
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  return `control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function linuxItem({ name, value, reference }: EnvItem): string {
  if (value === undefined) return name;
  if (reference || value === '' || isShellSafe(value)) return `${name}=${value}`;
  return `${name}=${shellQuote(value)}`;
}

// PowerShell's reading of NAME='x' is not a single verbatim word, so the whole item is quoted.
function windowsItem({ name, value, reference }: EnvItem): string {
  const item = value === undefined ? name : `${name}=${value}`;
  return reference || isPsSafe(item) ? item : psQuote(item);
}

/** The continuation that ends a line of a multi-line command: PowerShell's backtick on Windows in newer lines. */
function cont(c: Checked): string {
  return c.o.os === 'windows' && c.line.templates.windowsContinuation === '`' ? ' `' : ' \\';
}

/** `-e` lines joined the Portainer way: each on its own continued line, two-space indent. */
function dockerEnvLines(c: Checked): string {
  const render = c.o.os === 'windows' ? windowsItem : linuxItem;
  return agentEnv(c)
    .map((item) => `-e ${render(item)}`)
    .join(`${cont(c)}\n  `);
}

function edgeIdPrefix(c: Checked): string {
  if (c.generator === undefined) return '';
  return c.o.os === 'windows' ? `$Env:PORTAINER_EDGE_ID = "@(${c.generator})" \n\n` : `PORTAINER_EDGE_ID=$(${c.generator}) \n\n`;
}

/** Lines joined with the OS's continuation; Portainer's trailing text follows the last line. */
function continued(c: Checked, lines: string[]): string {
  return lines.join(`${cont(c)}\n`);
}

const WINDOWS_MOUNTS = [
  '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine',
  '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes',
  '  --mount type=volume,src=portainer_agent_data,dst=C:\\data',
];

/** A `run -d` text: mounts, restart policy, options, the -e lines, name and image; Portainer's trailing newline + two spaces. */
function containerRun(c: Checked, command: string, mounts: string[], options: string[], envIndent: string, platform: 'standalone' | 'podman'): string {
  const body = continued(c, [command, ...mounts, '  --restart always', ...options, `${envIndent}${dockerEnvLines(c)}`, '  --name portainer_edge_agent', `  ${agentImage(c.line, platform, c.o.agentVersion)}`]);
  return `${body}\n  `;
}

function standaloneLinux(c: Checked): string {
  const mounts = ['  -v /var/run/docker.sock:/var/run/docker.sock', '  -v /var/lib/docker/volumes:/var/lib/docker/volumes', '  -v /:/host', '  -v portainer_agent_data:/data'];
  return edgeIdPrefix(c) + containerRun(c, 'docker run -d', mounts, [], '  ', 'standalone');
}

function podman(c: Checked): string {
  const mounts = ['  -v /run/podman/podman.sock:/var/run/docker.sock', '  -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes', '  -v /:/host', '  -v portainer_agent_data:/data'];
  // The old form enabled the socket itself and made a stray "portainer" volume (2.22–2.27).
  const head = c.line.templates.podman === 'env' ? 'sudo podman volume create portainer_agent_data\n\n' : 'sudo systemctl enable --now podman.socket\nsudo podman volume create portainer\n';
  return edgeIdPrefix(c) + head + containerRun(c, 'sudo podman run -d', mounts, ['  --privileged'], '  ', 'podman');
}

// The three-space indent of the first -e line is in Portainer's template; kept for byte equality.
function standaloneWindows(c: Checked): string {
  return edgeIdPrefix(c) + containerRun(c, 'docker run -d', WINDOWS_MOUNTS, [], '   ', 'standalone');
}

function swarm(c: Checked): string {
  const network = continued(c, ['docker network create', '  --driver overlay', '  portainer_agent_network;']);
  const mounts =
    c.o.os === 'windows'
      ? ["  --constraint 'node.platform.os == windows'", ...WINDOWS_MOUNTS]
      : [
          "  --constraint 'node.platform.os == linux'",
          '  --mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock',
          '  --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes',
          '  --mount type=bind,src=//,dst=/host',
          '  --mount type=volume,src=portainer_agent_data,dst=/data',
        ];
  const service = continued(c, [
    'docker service create',
    '  --name portainer_edge_agent',
    '  --network portainer_agent_network',
    `  ${dockerEnvLines(c)}`,
    '  --mode global',
    ...mounts,
    `  ${agentImage(c.line, 'swarm', c.o.agentVersion)}`,
  ]);
  return `${edgeIdPrefix(c)}${network}\n\n${service}\n`;
}

/** Kubernetes and Nomad take the env vars as one comma-joined argument (§5.2). */
function envString(c: Checked): string {
  const meta = agentMetaEnv(c.o).map(({ name, value }) => `${name}=${value}`);
  return [(c.o.envVars ?? '').trim(), c.o.async ? 'EDGE_ASYNC=1' : '', ...meta].filter((s) => s !== '').join(',');
}

function edgeIdArg(c: Checked): string {
  return c.generator !== undefined ? `"${EDGE_ID_REFERENCE.linux}"` : shellDoubleQuotedArg(c.edgeId!);
}

function kubernetes(c: Checked): string {
  const { o } = c;
  const args = [edgeIdArg(c), shellDoubleQuotedArg(o.edgeKey), shellDoubleQuotedArg(o.insecurePoll ? '1' : '0'), shellDoubleQuotedArg(o.agentSecret ?? ''), shellDoubleQuotedArg(envString(c))];
  return `${edgeIdPrefix(c)}curl https://downloads.portainer.io/${scriptPathSegment(o.agentVersion)}/portainer-edge-agent-setup.sh | bash -s -- ${args.join(' ')}`;
}

function nomad(c: Checked): string {
  const { o } = c;
  const args = [
    shellDoubleQuotedArg(o.nomadToken ?? ''),
    edgeIdArg(c),
    shellDoubleQuotedArg(o.edgeKey),
    shellDoubleQuotedArg(o.insecurePoll ? '1' : '0'),
    shellDoubleQuotedArg(envString(c)),
    shellDoubleQuotedArg(o.agentSecret ?? ''),
    shellDoubleQuotedArg(o.nomadTls ? 'true' : 'false'),
  ];
  return `${edgeIdPrefix(c)}curl https://downloads.portainer.io/${scriptPathSegment(o.agentVersion)}/portainer-edge-agent-nomad-setup.sh | bash -s -- ${args.join(' ')}`;
}
