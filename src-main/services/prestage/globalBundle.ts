import { invalidInput } from '../../shared/contract/errors';
import { globalFormatSchema } from '../../shared/schemas/prestage';
import { decodeEdgeKey } from '../../shared/domain/edgeKey';
import { installEnvEntries } from '../../shared/domain/installCommands';
import { agentImage, newerThanKnownWarning, releaseLineFor } from '../../shared/domain/releaseLines';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { AgentMeta } from '../../shared/domain/types';
import { AGENT_NAME } from '../install/agentNames';
import { runCommands } from '../install/dockerCommands';
import { renderEnvFile } from '../install/envFile';
import { CLOUD_INIT_DIR, checkExpires, ENV_DIR, sha256Hex } from './bundle';
import type { ExportFile } from './types';
import { SECRET_FILE_MODE } from './types';
import { cloudInitUserData, existingAgentSh, installShChecks, replaceAndStartSh } from './sharedScripts';

/**
 * The auto-onboarding bundle: one folder that enrols any number of devices with the server's
 * global key (environment id 0). Nothing in it names a device: each device's install.sh makes
 * its own Edge ID with the generator on first run and keeps it, and the agent asks the server
 * for its environment by that Edge ID (docs/portainer-versions.md facts 7–9). On Business
 * Edition the device then waits in the waiting room until an admin trusts it (unless trust on
 * first connect is on); the metadata variables tell the server its Edge groups, group and tags.
 */

export const GLOBAL_FOLDER = 'auto-onboard';
export const GLOBAL_MANIFEST_FORMAT = 'edgedeck-auto-onboard-bundle/1';
/** Works on any Linux without extra packages (uuidgen is not everywhere). */
export const DEFAULT_EDGE_ID_GENERATOR = 'cat /proc/sys/kernel/random/uuid';
/** The formats of the contract's schema (the Export screen offers the same list). */
export const GLOBAL_FORMATS = globalFormatSchema.options;
export type GlobalFormat = (typeof GLOBAL_FORMATS)[number];

export interface GlobalBundleInput {
  /** The global join token (environment id 0): a secret. */
  globalKey: string;
  serverUrl: string;
  agentVersion: string;
  platform: 'standalone' | 'podman';
  insecurePoll: boolean;
  agentSecret?: string;
  envVars?: string;
  meta?: AgentMeta;
  /** The shell command each device runs once to make its Edge ID. */
  generator: string;
  formats: GlobalFormat[];
  expires?: string;
  createdAt: string;
}

/** Refuses what the bundle cannot carry, naming the field and the fix. */
function check(i: GlobalBundleInput): void {
  if (decodeEdgeKey(i.globalKey).environmentId !== 0) throw invalidInput('edgeKey', 'An auto-onboarding bundle needs the global key (environment id 0); this key names one environment.');
  if (i.generator.trim() === '' || /[\r\n\0]/.test(i.generator)) throw invalidInput('edgeIdGenerator', 'The Edge ID generator is one shell command on one line that prints the ID, e.g. cat /proc/sys/kernel/random/uuid or uuidgen.');
  if (i.expires) checkExpires(i.expires);
  if (!i.formats.length) throw invalidInput('formats', `Choose at least one of ${GLOBAL_FORMATS.join(', ')}.`);
}

/** agent.env without EDGE_ID: install.sh adds the device's own. */
export function renderGlobalEnv(i: GlobalBundleInput): string {
  const entries = installEnvEntries({
    platform: i.platform,
    os: 'linux',
    agentVersion: i.agentVersion,
    edgeKey: i.globalKey,
    edgeId: 'set-by-install-sh',
    insecurePoll: i.insecurePoll,
    ...(i.agentSecret ? { agentSecret: i.agentSecret } : {}),
    ...(i.envVars ? { envVars: i.envVars } : {}),
    ...i.meta,
  }).filter(([n]) => n !== 'EDGE_ID');
  const bare = entries.find(([, v]) => v === undefined);
  if (bare) throw invalidInput('envVars', `The extra env var ${bare[0]} has no value; a bundle cannot copy it from the device's environment later. Write it as ${bare[0]}=value.`);
  return '# Portainer Edge agent settings for auto-onboarding with the global key, written by Edgedeck.\n# Holds the join token: keep this file private (mode 0600, root only). install.sh adds EDGE_ID.\n' + renderEnvFile(entries);
}

function image(i: GlobalBundleInput): string {
  return agentImage(releaseLineFor(i.agentVersion, 'agentVersion').line, i.platform, i.agentVersion);
}

export function renderGlobalInstallSh(i: GlobalBundleInput, dockerWaitSeconds = 0): string {
  const runtime = i.platform === 'podman' ? 'podman' : 'docker';
  const quoted = shellQuote(`${ENV_DIR}/agent.env`);
  const run = runCommands(i.platform, runtime, `${ENV_DIR}/agent.env`, i.agentVersion)
    .map((c) => c.replace(`--env-file ${quoted} `, '--env-file "$ENV_FILE" '))
    .map((c) => `${c} >/dev/null || fail "${runtime} could not start $NAME; see the message above"`)
    .join('\n');
  const expires = i.expires ?? '';
  return `#!/bin/sh
# Enrols this device with Portainer through the global key (auto-onboarding). Written by Edgedeck;
# safe to run again. The first run makes this device's Edge ID with:
#   ${i.generator}
# and keeps it in $ENV_DIR/edge_id; later runs reuse it.   Run as root:  sudo sh install.sh
# Environment overrides: EDGEDECK_ENV_DIR (default ${ENV_DIR}), EDGEDECK_DOCKER_WAIT (seconds to
# wait for the ${runtime} daemon, default ${dockerWaitSeconds}), EDGEDECK_IGNORE_EXPIRY=1.
set -eu

NAME=${AGENT_NAME}
IMAGE=${shellQuote(image(i))}
EXPIRES=${shellQuote(expires)}
EXPIRES_NUM=${shellQuote(expires.replace(/-/g, ''))}
ENV_DIR="\${EDGEDECK_ENV_DIR:-${ENV_DIR}}"
ENV_FILE="$ENV_DIR/agent.env"
ID_FILE="$ENV_DIR/edge_id"
WAIT="\${EDGEDECK_DOCKER_WAIT:-${dockerWaitSeconds}}"
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ENV_SRC="$HERE/agent.env"

${installShChecks(runtime)}

umask 077
mkdir -p "$ENV_DIR"
chmod 700 "$ENV_DIR"
if [ -s "$ID_FILE" ]; then
  EDGE_ID=$(head -n 1 "$ID_FILE")
  say "this device keeps its Edge ID $EDGE_ID (from $ID_FILE)"
else
  EDGE_ID=$(${i.generator}) || fail "the Edge ID generator failed: ${i.generator.replace(/["\\$`]/g, '\\$&')}"
  case "$EDGE_ID" in
    '' | *[!A-Za-z0-9._:-]*) fail "the Edge ID generator printed \\"$EDGE_ID\\"; an Edge ID is letters, digits and . _ : - (e.g. a UUID)" ;;
  esac
  printf '%s\\n' "$EDGE_ID" > "$ID_FILE.tmp.$$"
  chmod 600 "$ID_FILE.tmp.$$"
  mv -f "$ID_FILE.tmp.$$" "$ID_FILE"
  say "made this device's Edge ID $EDGE_ID (kept in $ID_FILE)"
fi

${existingAgentSh(runtime, '$EDGE_ID')}
{ cat "$ENV_SRC"; printf 'EDGE_ID=%s\\n' "$EDGE_ID"; } > "$ENV_FILE.tmp.$$"
chmod 600 "$ENV_FILE.tmp.$$"
mv -f "$ENV_FILE.tmp.$$" "$ENV_FILE"
say "installed the agent settings to $ENV_FILE (mode 600)"
${replaceAndStartSh(runtime, run, '$EDGE_ID', 'it enrols with the global key and, on Business Edition, waits in the waiting room until an administrator trusts it')}`;
}

export function renderGlobalCloudInit(i: GlobalBundleInput): string {
  const header = `# Auto-onboarding with Portainer's global key, written by Edgedeck: the same user-data for every
# device; each makes its own Edge ID on first boot. Holds the join token: keep it private.`;
  return cloudInitUserData(header, renderGlobalEnv(i), renderGlobalInstallSh(i, 300), ENV_DIR, CLOUD_INIT_DIR);
}

function metaText(meta: AgentMeta | undefined): string[] {
  if (!meta || !Object.keys(meta).length) return ['No auto-onboarding metadata: new devices join group 1 (Unassigned) with no tags or Edge groups.'];
  return [
    'Auto-onboarding metadata sent by every device when it enrols:',
    `  Edge groups (EDGE_GROUPS): ${meta.edgeGroupIds?.join(', ') || 'none'}`,
    `  Group (PORTAINER_GROUP): ${meta.groupId ?? 'none (Unassigned)'}`,
    `  Tags (PORTAINER_TAGS): ${meta.tagIds?.join(', ') || 'none'}`,
  ];
}

function renderReadme(i: GlobalBundleInput, names: string[]): string {
  const warning = newerThanKnownWarning(i.agentVersion);
  return [
    `Portainer Edge agent auto-onboarding bundle for ${i.serverUrl}`,
    `Global key (environment id 0). Agent image: ${image(i)}`,
    i.expires ? `Use before: ${i.expires} (install.sh refuses after that date)` : 'No expiry date was set for this bundle.',
    ...(warning ? ['', `WARNING: ${warning}`] : []),
    '',
    'KEEP THIS FOLDER PRIVATE: agent.env and cloud-init.yaml hold the global join token, which lets any',
    'device ask this Portainer server for an environment. Delete it from devices after the install.',
    '',
    'One bundle serves any number of devices. On each device, the first run of install.sh makes the',
    `device's own Edge ID (${i.generator}) and keeps it in ${ENV_DIR}/edge_id; the agent then asks the`,
    'server for its environment by that Edge ID. Business Edition creates the environment, named after',
    'the Edge ID, and (unless trust on first connect is on) lists it in the waiting room until an',
    'administrator trusts it: Edgedeck #/waiting, or  edgedeck env waiting  /  edgedeck env trust ID.',
    'Community Edition never creates one: there, the environment must exist with that Edge ID first.',
    '',
    ...metaText(i.meta),
    '',
    ...(names.includes('install.sh') ? ['Linux with ' + (i.platform === 'podman' ? 'Podman' : 'Docker') + ': copy this folder to the device, then run  sudo sh install.sh'] : []),
    ...(names.includes('cloud-init.yaml') ? ['New machines with cloud-init: give cloud-init.yaml as user-data (the same file for every device).'] : []),
    '',
    'manifest.json lists the SHA-256 of every file: compare with  sha256sum <file>.',
    '',
  ].join('\n');
}

/** The bundle's files under auto-onboard/, manifest last. */
export function buildGlobalBundle(i: GlobalBundleInput): ExportFile[] {
  check(i);
  const f = new Set<GlobalFormat>(i.formats);
  if (f.has('script')) f.add('env');
  const files: ExportFile[] = [];
  const add = (name: string, content: string, mode: number) => files.push({ path: `${GLOBAL_FOLDER}/${name}`, content, mode });
  if (f.has('env')) add('agent.env', renderGlobalEnv(i), SECRET_FILE_MODE);
  if (f.has('script')) add('install.sh', renderGlobalInstallSh(i), 0o700);
  if (f.has('cloud-init')) add('cloud-init.yaml', renderGlobalCloudInit(i), SECRET_FILE_MODE);
  add('README.txt', renderReadme(i, files.map((x) => x.path.slice(GLOBAL_FOLDER.length + 1))), 0o644);
  const manifest = {
    format: GLOBAL_MANIFEST_FORMAT,
    serverUrl: i.serverUrl,
    environmentId: 0,
    platform: i.platform,
    agentVersion: i.agentVersion,
    insecurePoll: i.insecurePoll,
    agentSecret: i.agentSecret ? 'included in agent.env' : 'none',
    edgeIdGenerator: i.generator,
    meta: i.meta ?? {},
    createdAt: i.createdAt,
    expires: i.expires ?? null,
    files: files.map((x) => ({ path: x.path.slice(GLOBAL_FOLDER.length + 1), sha256: sha256Hex(x.content), mode: x.mode.toString(8).padStart(4, '0') })),
  };
  add('manifest.json', JSON.stringify(manifest, null, 2) + '\n', 0o644);
  return files;
}
