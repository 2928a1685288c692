import { invalidInput } from '../../shared/contract/errors';
import { buildInstallCommand } from '../../shared/domain/installCommands';
import { releaseLineFor } from '../../shared/domain/releaseLines';
import type { CommandOptions, Platform, TargetOs } from '../../shared/domain/types';
import { defineCommand } from '../defineCommand';
import { withFlagNames } from '../flags';
import { META_FLAG_OF_FIELD, META_OPTIONS, META_USAGE, metaFromFlags } from '../metaFlags';
import { AGENT_SECRET, EDGE_KEY_SECRET, NOMAD_TOKEN_SECRET } from '../secretFlags';

const USAGE =
  'edgedeck command --platform standalone|swarm|podman|kubernetes|nomad [--os linux|windows] --agent-version V\n' +
  '                 (--edge-key-stdin | --edge-key-file F | $EDGEDECK_EDGE_KEY) (--edge-id ID | --edge-id-generator CMD)\n' +
  '                 [--no-insecure-poll] [--agent-secret-stdin | --agent-secret-file F | $EDGEDECK_AGENT_SECRET] [--env LIST] [--async]\n' +
  '                 [--nomad-token-stdin | --nomad-token-file F | $EDGEDECK_NOMAD_TOKEN] [--nomad-tls]\n' +
  `                 [--server-version V] ${META_USAGE}\n\n` +
  'Secrets given with -stdin are read one per line in this order: edge key, agent secret, Nomad token.\n' +
  '--edge-key K, --agent-secret S and --nomad-token T still work but put the secret in the process list (a warning says so).';

const PLATFORMS: readonly Platform[] = ['standalone', 'swarm', 'podman', 'kubernetes', 'nomad'];
const OSES: readonly TargetOs[] = ['linux', 'windows'];

const FLAG_OF_FIELD: Record<string, string> = {
  platform: '--platform',
  os: '--os',
  agentVersion: '--agent-version',
  edgeKey: '--edge-key',
  edgeId: '--edge-id',
  edgeIdGenerator: '--edge-id-generator',
  agentSecret: '--agent-secret',
  envVars: '--env',
  nomadToken: '--nomad-token',
  serverVersion: '--server-version',
  ...META_FLAG_OF_FIELD,
};

export const commandCommand = defineCommand({
  name: 'command',
  usage: USAGE,
  secrets: [EDGE_KEY_SECRET, AGENT_SECRET, NOMAD_TOKEN_SECRET],
  options: {
    platform: { type: 'string' },
    os: { type: 'string' },
    'agent-version': { type: 'string' },
    'edge-id': { type: 'string' },
    'edge-id-generator': { type: 'string' },
    'no-insecure-poll': { type: 'boolean' },
    env: { type: 'string' },
    async: { type: 'boolean' },
    'nomad-tls': { type: 'boolean' },
    'server-version': { type: 'string' },
    ...META_OPTIONS,
  },
  async run({ values, io, hasSecret, secrets }) {
    const platform = values.platform;
    if (platform === undefined) throw invalidInput('--platform', `missing; give one of ${PLATFORMS.join(', ')}.`);
    if (!(PLATFORMS as readonly string[]).includes(platform)) {
      throw invalidInput('--platform', `unknown platform ${JSON.stringify(platform)}; use one of ${PLATFORMS.join(', ')}.`);
    }
    const os = values.os ?? 'linux';
    if (!(OSES as readonly string[]).includes(os)) throw invalidInput('--os', `unknown OS ${JSON.stringify(os)}; use linux or windows.`);
    const agentVersion = values['agent-version'];
    if (agentVersion === undefined) throw invalidInput('--agent-version', "missing; give the Portainer server's version (the agent image tag), e.g. 2.23.0.");
    if (!hasSecret('edge-key')) throw invalidInput('--edge-key', "missing; give the environment's join token with --edge-key-stdin, --edge-key-file FILE or $EDGEDECK_EDGE_KEY.");
    const edgeId = values['edge-id'];
    const edgeIdGenerator = values['edge-id-generator'];
    if (edgeId === undefined && edgeIdGenerator === undefined) {
      throw invalidInput('--edge-id', 'missing; give --edge-id <id> (e.g. a UUID) or --edge-id-generator <command> (e.g. uuidgen).');
    }
    if (edgeId !== undefined && edgeIdGenerator !== undefined) {
      throw invalidInput('--edge-id', 'give --edge-id or --edge-id-generator, not both.');
    }
    if (platform !== 'nomad') {
      if (hasSecret('nomad-token') && !(io.env ?? process.env).EDGEDECK_NOMAD_TOKEN) throw invalidInput('--nomad-token', 'applies only to --platform nomad; remove it.');
      if (values['nomad-tls'] !== undefined) throw invalidInput('--nomad-tls', 'applies only to --platform nomad; remove it.');
    }
    const s = await secrets();
    const serverVersion = values['server-version'];
    const options: CommandOptions = {
      platform: platform as Platform,
      os: os as TargetOs,
      agentVersion,
      edgeKey: s['edge-key']!,
      insecurePoll: !values['no-insecure-poll'],
      ...(edgeId !== undefined ? { edgeId } : {}),
      ...(edgeIdGenerator !== undefined ? { edgeIdGenerator } : {}),
      ...(s['agent-secret'] !== undefined ? { agentSecret: s['agent-secret'] } : {}),
      ...(values.env !== undefined ? { envVars: values.env } : {}),
      ...(values.async ? { async: true } : {}),
      ...(platform === 'nomad' && s['nomad-token'] !== undefined ? { nomadToken: s['nomad-token'] } : {}),
      ...(values['nomad-tls'] ? { nomadTls: true } : {}),
      ...(serverVersion !== undefined ? { serverVersion } : {}),
      ...metaFromFlags(values),
    };
    const text = withFlagNames(FLAG_OF_FIELD, () => buildInstallCommand(options));
    // Only stderr: stdout stays exactly Portainer's text.
    const { warning } = withFlagNames(FLAG_OF_FIELD, () => releaseLineFor(serverVersion ?? agentVersion, serverVersion !== undefined ? 'serverVersion' : 'agentVersion'));
    if (warning) io.stderr(`edgedeck: warning: ${warning}\n`);
    io.stdout(text);
    return 0;
  },
});
