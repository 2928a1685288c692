import { createHash } from 'node:crypto';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { installEnvEntries, type EnvEntry } from '../../shared/domain/installCommands';
import { agentImage, newerThanKnownWarning, releaseLineFor } from '../../shared/domain/releaseLines';
import { renderKubernetesManifest } from '../../shared/domain/kubernetesManifest';
import { psQuote, shellQuote } from '../../shared/domain/shellQuote';
import type { CommandOptions } from '../../shared/domain/types';
import { applyTextRule, deviceTextRule, portableFileName } from '../../shared/domain/platformPaths';
import { AGENT_NAME, AGENT_VOLUME } from '../install/agentNames';
import { runCommands } from '../install/dockerCommands';
import { renderEnvFile } from '../install/envFile';
import type { BundleFormat, BundleImage, ExportFile, ExportOptions, PrestagedEnvironment } from './types';
import { IMAGE_DIR, SECRET_FILE_MODE } from './types';
import { cloudInitUserData, existingAgentSh, installShChecks, replaceAndStartSh } from './sharedScripts';
import { yq } from './yamlText';

/**
 * One device's bundle, generated without any I/O: the input record and options in, the list of
 * files (path relative to the export root, content, mode) out. The writer puts them on disk.
 *
 * install.sh runs the agent exactly as the SSH install does (services/install/envFile.ts and dockerCommands.ts:
 * the same env file renderer and `docker run ... --env-file` command, env file 0600 in the
 * root-only /etc/portainer-edge).
 */

export const ENV_DIR = '/etc/portainer-edge';
export const ENV_FILE = `${ENV_DIR}/agent.env`;
/** Where cloud-init drops the bundle before install.sh moves the env file into ENV_DIR. */
export const CLOUD_INIT_DIR = `${ENV_DIR}/bundle`;
export const MANIFEST_FORMAT = 'edgedeck-prestage-bundle/1';

/** An Edge ID goes into scripts, YAML and an HTTP header: keep it to plain identifier characters. */
export const EDGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const EXPIRES_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function checkExpires(text: string, field = 'expires'): string {
  const ok = EXPIRES_PATTERN.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (!ok) throw invalidInput(field, `"${text}" is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31.`);
  return text;
}

/** A folder name for a device, valid on Windows, macOS and Linux (shared/domain/platformPaths.ts). */
export function safeFolderName(name: string): string {
  return portableFileName(name);
}

/** The agent's environment for the device, from the one source of truth (installEnvEntries). */
export function deviceEnvEntries(env: PrestagedEnvironment): EnvEntry[] {
  if (!EDGE_ID_PATTERN.test(env.edgeId)) {
    throw invalidInput('edgeId', `The Edge ID of "${env.name}" (${JSON.stringify(env.edgeId)}) has characters a bundle cannot carry safely; use letters, digits and . _ : - (e.g. a UUID).`);
  }
  const options: CommandOptions = {
    platform: env.platform === 'podman' ? 'podman' : env.platform === 'kubernetes' ? 'kubernetes' : 'standalone',
    os: env.platform === 'windows' ? 'windows' : 'linux',
    agentVersion: env.agentVersion,
    edgeKey: env.edgeKey,
    edgeId: env.edgeId,
    insecurePoll: env.insecurePoll,
    ...(env.agentSecret ? { agentSecret: env.agentSecret } : {}),
    ...(env.envVars ? { envVars: env.envVars } : {}),
    ...env.meta,
  };
  const entries = installEnvEntries(options);
  const bare = entries.find(([, v]) => v === undefined);
  if (bare) {
    throw invalidInput('envVars', `The extra env var ${bare[0]} has no value; a prestaged bundle cannot copy it from the device's environment later. Write it as ${bare[0]}=value.`);
  }
  return entries;
}

export function renderAgentEnv(env: PrestagedEnvironment): string {
  const head = `# Portainer Edge agent settings for "${oneLine(env.name)}" (environment ${env.environmentId}), written by Edgedeck.\n# Holds the join token: keep this file private (mode 0600, root only).\n`;
  return head + renderEnvFile(deviceEnvEntries(env));
}

function oneLine(s: string): string {
  // Control characters are exactly what we replace here.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

function image(env: PrestagedEnvironment): string {
  return agentImage(releaseLineFor(env.agentVersion, 'agentVersion').line, env.platform === 'podman' ? 'podman' : 'standalone', env.agentVersion);
}

/** The run command(s) of the SSH install, with the env file path replaced by the script's variable. */
function scriptRunCommands(env: PrestagedEnvironment): string[] {
  const platform = env.platform === 'podman' ? 'podman' : 'standalone';
  const runtime = platform === 'podman' ? 'podman' : 'docker';
  const quoted = shellQuote(ENV_FILE);
  return runCommands(platform, runtime, ENV_FILE, env.agentVersion).map((c) => {
    const i = c.indexOf(`--env-file ${quoted} `);
    return i < 0 ? c : `${c.slice(0, i)}--env-file "$ENV_FILE" ${c.slice(i + `--env-file ${quoted} `.length)}`;
  });
}

function expiryNumber(expires: string | undefined): string {
  return expires ? expires.replace(/-/g, '') : '';
}

export function renderInstallSh(env: PrestagedEnvironment, o: ExportOptions): string {
  const runtime = env.platform === 'podman' ? 'podman' : 'docker';
  const run = scriptRunCommands(env)
    .map((c) => `${c} >/dev/null || fail "${runtime} could not start $NAME; see the message above"`)
    .join('\n');
  return `#!/bin/sh
# Installs the Portainer Edge agent for "${oneLine(env.name)}" (environment ${env.environmentId})
# from the agent.env next to this script. Written by Edgedeck; safe to run again.
#   sudo sh install.sh
# Environment overrides: EDGEDECK_ENV_DIR (default ${ENV_DIR}), EDGEDECK_DOCKER_WAIT (seconds
# to wait for the ${runtime} daemon, default ${o.dockerWaitSeconds ?? 0}), EDGEDECK_IGNORE_EXPIRY=1.
set -eu

NAME=${AGENT_NAME}
IMAGE=${shellQuote(image(env))}
EDGE_ID_WANTED=${shellQuote(env.edgeId)}
EXPIRES=${shellQuote(o.expires ?? '')}
EXPIRES_NUM=${shellQuote(expiryNumber(o.expires))}
ENV_DIR="\${EDGEDECK_ENV_DIR:-${ENV_DIR}}"
ENV_FILE="$ENV_DIR/agent.env"
WAIT="\${EDGEDECK_DOCKER_WAIT:-${o.dockerWaitSeconds ?? 0}}"
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
ENV_SRC="$HERE/agent.env"

${installShChecks(runtime)}
${o.image ? imageLoadSh(runtime, o.image) : ''}
${existingAgentSh(runtime, '$EDGE_ID_WANTED')}
umask 077
mkdir -p "$ENV_DIR"
chmod 700 "$ENV_DIR"
if [ "$ENV_SRC" != "$ENV_FILE" ]; then
  cp "$ENV_SRC" "$ENV_FILE.tmp.$$"
  chmod 600 "$ENV_FILE.tmp.$$"
  mv -f "$ENV_FILE.tmp.$$" "$ENV_FILE"
fi
chmod 600 "$ENV_FILE"
say "installed the agent settings to $ENV_FILE (mode 600)"

${replaceAndStartSh(runtime, run, '$EDGE_ID_WANTED', 'it checks in with Portainer within a few poll intervals')}`;
}

/**
 * install.sh's image step (--include-image): the archive next to the script or at the export's
 * agent-image/, skipped when the image with the same ID is there, else checked with sha256sum and
 * loaded before anything else changes.
 */
function imageLoadSh(runtime: string, img: BundleImage): string {
  const file = shellQuote(img.file);
  const idHex = (img.id ?? '').replace(/^sha256:/, '');
  return `ARCHIVE=
for f in "$HERE/"${file} "$HERE/../../${IMAGE_DIR}/"${file}; do
  if [ -r "$f" ]; then ARCHIVE=$f; break; fi
done
if [ -n "$ARCHIVE" ]; then
  have=$(${runtime} image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  if [ -n ${shellQuote(idHex) || "''"} ] && [ "\${have#sha256:}" = ${shellQuote(idHex) || "''"} ]; then
    say "$IMAGE is already here (same image ID): the archive is not loaded again"
  else
    command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is missing (coreutils): it checks the image archive before loading"
    sum=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
    [ "$sum" = ${img.sha256} ] || fail "the image archive $ARCHIVE is damaged (sha256 $sum, expected ${img.sha256}); copy it again"
    ${runtime} load -i "$ARCHIVE" >/dev/null || fail "${runtime} load -i $ARCHIVE failed; see the message above"
    say "loaded $IMAGE from $ARCHIVE (sha256 checked)"
  fi
else
  say "no image archive with this bundle (${img.file}): $IMAGE comes from its registry"
fi
`;
}

export function renderCompose(env: PrestagedEnvironment): string {
  const podman = env.platform === 'podman';
  const sock = podman ? '/run/podman/podman.sock:/var/run/docker.sock' : '/var/run/docker.sock:/var/run/docker.sock';
  const vols = podman ? '/var/lib/containers/storage/volumes:/var/lib/docker/volumes' : '/var/lib/docker/volumes:/var/lib/docker/volumes';
  return `# Portainer Edge agent for ${yq(oneLine(env.name))} (environment ${env.environmentId}), written by Edgedeck.
# Run next to agent.env (which holds the join token): docker compose up -d
---
services:
  ${AGENT_NAME}:
    image: ${yq(image(env))}
    container_name: ${AGENT_NAME}
    restart: always
${podman ? '    privileged: true\n' : ''}    env_file:
      - agent.env
    volumes:
      - ${yq(sock)}
      - ${yq(vols)}
      - "/:/host"
      - "${AGENT_VOLUME}:/data"
volumes:
  ${AGENT_VOLUME}:
    name: ${AGENT_VOLUME}
`;
}

export function renderInstallPs1(env: PrestagedEnvironment, o: ExportOptions): string {
  return `# Installs the Portainer Edge agent for ${psQuote(oneLine(env.name))} (environment ${env.environmentId}) on
# Windows with Docker, from the agent.env next to this script. Written by Edgedeck; safe to run again.
# Run in an elevated PowerShell:  powershell -ExecutionPolicy Bypass -File .\\install.ps1
$ErrorActionPreference = 'Stop'
$Name = '${AGENT_NAME}'
$Image = ${psQuote(image(env))}
$EdgeIdWanted = ${psQuote(env.edgeId)}
$Expires = ${psQuote(o.expires ?? '')}
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$EnvSrc = Join-Path $Here 'agent.env'
$EnvDir = Join-Path $env:ProgramData 'portainer-edge'
$EnvFile = Join-Path $EnvDir 'agent.env'

if ($Expires -ne '' -and $env:EDGEDECK_IGNORE_EXPIRY -ne '1' -and (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd') -gt $Expires) {
  Write-Error "This bundle expired on $Expires; ask for a new one."; exit 1
}
if (-not (Get-Command docker -ErrorAction SilentlyContinue)) { Write-Error 'docker is not installed (or not on PATH); install Docker, then run this again.'; exit 1 }
docker info *> $null
if ($LASTEXITCODE -ne 0) { Write-Error 'docker is installed but its engine is not reachable (is the service running? is this shell elevated?).'; exit 1 }
if (-not (Test-Path $EnvSrc)) { Write-Error "agent.env not found next to this script ($EnvSrc); copy the whole bundle folder."; exit 1 }

$Exists = $false
$Current = ''
docker inspect $Name *> $null
if ($LASTEXITCODE -eq 0) {
  $Exists = $true
  $Line = docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' $Name | Where-Object { $_ -like 'EDGE_ID=*' } | Select-Object -First 1
  if ($Line) { $Current = $Line.Substring(8) }
  if ($Current -eq $EdgeIdWanted) { Write-Output "nothing to do: $Name already runs with Edge ID $EdgeIdWanted"; exit 0 }
}

New-Item -ItemType Directory -Force -Path $EnvDir | Out-Null
# Administrators and SYSTEM only: the file holds the join token.
icacls $EnvDir /inheritance:r /grant:r 'Administrators:(OI)(CI)F' 'SYSTEM:(OI)(CI)F' | Out-Null
Copy-Item -Force $EnvSrc $EnvFile
Write-Output "installed the agent settings to $EnvFile"
if ($Exists) {
  docker rm -f $Name | Out-Null
  Write-Output "removed the existing $Name container (it had Edge ID $Current, this bundle has $EdgeIdWanted)"
}
docker run -d \`
  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \`
  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \`
  --mount type=volume,src=${AGENT_VOLUME},dst=C:\\data \`
  --restart always \`
  --env-file $EnvFile \`
  --name $Name \`
  $Image | Out-Null
if ($LASTEXITCODE -ne 0) { Write-Error "docker could not start $Name; see the message above."; exit 1 }
Write-Output "started $Name ($Image) with Edge ID $EdgeIdWanted"
`;
}

export function renderCloudInit(env: PrestagedEnvironment, o: ExportOptions): string {
  const header = `# Portainer Edge agent for ${yq(oneLine(env.name))} (environment ${env.environmentId}), written by Edgedeck.
# User-data for the device's first boot: holds the join token, keep it private.`;
  return cloudInitUserData(header, renderAgentEnv(env), renderInstallSh(env, { ...o, dockerWaitSeconds: Math.max(o.dockerWaitSeconds ?? 0, 300) }), ENV_DIR, CLOUD_INIT_DIR);
}

/** kubernetes.yaml: the same manifest the SSH install applies (shared/domain/kubernetesManifest.ts). */
export function renderKubernetes(env: PrestagedEnvironment): string {
  // deviceEnvEntries refuses bare NAMEs, so every value is set.
  const entries = deviceEnvEntries(env).map(([n, v]) => [n, v ?? ''] as const);
  return renderKubernetesManifest({ name: env.name, environmentId: env.environmentId, agentVersion: env.agentVersion, entries });
}

export interface ManifestFileEntry {
  path: string;
  sha256: string;
  mode: string;
}

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

function fileModeText(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Which per-device files a set of formats needs (env always when a script or compose needs it). */
export function deviceFormats(formats: BundleFormat[]): Set<BundleFormat> {
  const s = new Set(formats);
  if (s.has('script') || s.has('compose') || s.has('ps1') || s.has('ansible')) s.add('env');
  if (s.has('ansible')) s.add('script');
  return s;
}

/** The files of one device's bundle under `folder` (relative), manifest last. */
export function buildDeviceBundle(env: PrestagedEnvironment, folder: string, o: ExportOptions): ExportFile[] {
  if (o.expires) checkExpires(o.expires);
  const f = deviceFormats(o.formats);
  const files: ExportFile[] = [];
  // Line endings and BOM for the OS that reads each file (CRLF for install.ps1, LF for sh/YAML), before the manifest hashes it.
  const add = (name: string, content: string, mode: number) => files.push({ path: `${folder}/${name}`, content: applyTextRule(content, deviceTextRule(name, content)), mode });
  if (f.has('env')) add('agent.env', renderAgentEnv(env), SECRET_FILE_MODE);
  if (f.has('script')) add('install.sh', renderInstallSh(env, o), 0o755);
  if (f.has('compose')) add('docker-compose.yml', renderCompose(env), 0o644);
  if (f.has('ps1')) add('install.ps1', renderInstallPs1(env, o), 0o644);
  if (f.has('cloud-init')) add('cloud-init.yaml', renderCloudInit(env, o), SECRET_FILE_MODE);
  if (f.has('k8s')) add('kubernetes.yaml', renderKubernetes(env), SECRET_FILE_MODE);
  add('README.txt', renderReadme(env, o, files.map((x) => x.path.slice(folder.length + 1))), 0o644);
  const manifest = {
    format: MANIFEST_FORMAT,
    environment: { id: env.environmentId, name: env.name },
    edgeId: env.edgeId,
    platform: env.platform,
    serverUrl: env.serverUrl,
    portainerUrl: env.portainerUrl,
    tunnelAddress: env.tunnelAddress,
    fingerprint: env.fingerprint,
    agentVersion: env.agentVersion,
    insecurePoll: env.insecurePoll,
    agentSecret: env.agentSecret ? 'included in agent.env' : 'none',
    group: env.groupName ?? null,
    tags: env.tags ?? [],
    createdAt: o.createdAt,
    environmentCreatedAt: env.createdAt,
    expires: o.expires ?? null,
    lastConfirmedWithServer: env.lastConfirmedWithServer,
    files: files.map<ManifestFileEntry>((x) => ({ path: x.path.slice(folder.length + 1), sha256: sha256Hex(x.content), mode: fileModeText(x.mode) })),
  };
  add('manifest.json', JSON.stringify(manifest, null, 2) + '\n', 0o644);
  return files;
}

/** A server newer than the newest release line we know: say so where the installer reads. */
function warningLines(env: PrestagedEnvironment): string[] {
  const warning = newerThanKnownWarning(env.agentVersion);
  return warning ? ['', `WARNING: ${warning}`] : [];
}

/** How to keep the bundle readable by its owner only, on each OS it may be copied to (file modes do not travel everywhere). */
const PRIVACY_HOWTO = [
  'To keep it private wherever you copy it:',
  '  Linux, macOS:  chmod 700 <this folder>  and  chmod 600 <this folder>/*',
  '  Windows (cmd):  icacls "<this folder>" /inheritance:r /grant:r "%USERNAME%:(OI)(CI)F" /T',
  '  Windows (PowerShell):  icacls "<this folder>" /inheritance:r /grant:r "${env:USERNAME}:(OI)(CI)F" /T',
  '  (Windows ignores the 0600 modes of a zip or tar; the icacls line removes inherited access and keeps only you.)',
];

function renderReadme(env: PrestagedEnvironment, o: ExportOptions, names: string[]): string {
  const has = (n: string) => names.includes(n);
  const lines = [
    `Portainer Edge agent bundle for: ${oneLine(env.name)}`,
    `Portainer environment ${env.environmentId} on ${env.serverUrl}`,
    `Edge ID: ${env.edgeId}    Agent image: ${image(env)}`,
    o.expires ? `Use before: ${o.expires} (install.sh refuses after that date)` : 'No expiry date was set for this bundle.',
    `Data last confirmed with the server: ${env.lastConfirmedWithServer}`,
    ...warningLines(env),
    '',
    'KEEP THIS FOLDER PRIVATE. agent.env, cloud-init.yaml and kubernetes.yaml hold the join token:',
    'anyone with it can attach a device to this Portainer environment. Delete the folder after the install.',
    ...PRIVACY_HOWTO,
    '',
    'Pick the one way that fits the device:',
  ];
  let n = 1;
  if (has('install.sh')) {
    lines.push(
      `${n++}. Linux with ${env.platform === 'podman' ? 'Podman' : 'Docker'}: copy this folder to the device, then run as root:`,
      '       sudo sh install.sh',
      `   It installs agent.env to ${ENV_FILE} (mode 600) and starts the ${AGENT_NAME} container.`,
      '   Running it again is safe: an agent with the same Edge ID is left alone; one with another',
      '   Edge ID is replaced.',
    );
  }
  if (has('docker-compose.yml')) lines.push(`${n++}. Docker Compose: in this folder run  docker compose up -d  (reads agent.env next to it).`);
  if (has('install.ps1')) lines.push(`${n++}. Windows with Docker: in an elevated PowerShell run  powershell -ExecutionPolicy Bypass -File .\\install.ps1`);
  if (has('cloud-init.yaml')) lines.push(`${n++}. New machine with cloud-init: give cloud-init.yaml as user-data; the agent starts on first boot`, '   (Docker must be in the image or installed by your own user-data).');
  if (has('kubernetes.yaml')) lines.push(`${n++}. Kubernetes: kubectl apply -f kubernetes.yaml  (namespace portainer; nothing is downloaded but the agent image).`);
  if (has('agent.env') && !has('install.sh')) lines.push(`${n}. By hand: docker run ... --env-file agent.env ... ${image(env)} (see Portainer's install command).`);
  lines.push(
    '',
    'Check afterwards: docker logs portainer_edge_agent; the environment turns green in Portainer within',
    'a few poll intervals. "invalid Edge identifier" means the environment is bound to another Edge ID:',
    'disassociate it in Portainer, then run install.sh again.',
    '',
    'manifest.json lists the SHA-256 of every file: compare with  sha256sum <file>.',
    '',
  );
  return lines.join('\n');
}

export function assertBundleable(env: PrestagedEnvironment): void {
  if (!env.edgeKey) throw new AppError('invalid_input', `Environment ${env.environmentId} ("${env.name}") has no join token; it is not an Edge environment.`, 'environments');
  deviceEnvEntries(env);
}

