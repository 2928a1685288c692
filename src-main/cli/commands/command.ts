import { invalidInput } from '../../shared/contract/errors';
import { parseIdList } from '../../shared/domain/idList';
import { buildInstallCommand } from '../../shared/domain/installCommands';
import { releaseLineFor } from '../../shared/domain/releaseLines';
import type { CommandOptions, Platform, TargetOs } from '../../shared/domain/types';
import type { Command } from '../io';
import { parseStrict, requireFlag, withFlagNames } from './key';

const USAGE =
  'edgedeck command --platform standalone|swarm|podman|kubernetes|nomad [--os linux|windows] --agent-version V --edge-key K ' +
  '(--edge-id ID | --edge-id-generator CMD) [--no-insecure-poll] [--agent-secret S] [--env LIST] [--async] [--nomad-token T] [--nomad-tls] ' +
  '[--server-version V] [--edge-groups 1,2] [--group-id 5] [--tag-ids 10,20]';

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
  edgeGroupIds: '--edge-groups',
  groupId: '--group-id',
  tagIds: '--tag-ids',
};

export const commandCommand: Command = {
  name: 'command',
  summary: 'Print the agent install command exactly as Portainer shows it (values quoted where the shell needs it).',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseStrict(
      args,
      {
        platform: { type: 'string' },
        os: { type: 'string' },
        'agent-version': { type: 'string' },
        'edge-key': { type: 'string' },
        'edge-id': { type: 'string' },
        'edge-id-generator': { type: 'string' },
        'no-insecure-poll': { type: 'boolean' },
        'agent-secret': { type: 'string' },
        env: { type: 'string' },
        async: { type: 'boolean' },
        'nomad-token': { type: 'string' },
        'nomad-tls': { type: 'boolean' },
        'server-version': { type: 'string' },
        'edge-groups': { type: 'string' },
        'group-id': { type: 'string' },
        'tag-ids': { type: 'string' },
      },
      USAGE,
    );
    const platform = requireFlag(values.platform, '--platform', `one of ${PLATFORMS.join(', ')}`);
    if (!(PLATFORMS as readonly string[]).includes(platform)) {
      throw invalidInput('--platform', `unknown platform ${JSON.stringify(platform)}; use one of ${PLATFORMS.join(', ')}.`);
    }
    const os = values.os ?? 'linux';
    if (!(OSES as readonly string[]).includes(os)) throw invalidInput('--os', `unknown OS ${JSON.stringify(os)}; use linux or windows.`);
    const agentVersion = requireFlag(values['agent-version'], '--agent-version', "the Portainer server's version (the agent image tag), e.g. 2.23.0");
    const edgeKey = requireFlag(values['edge-key'], '--edge-key', "the environment's join token");
    const edgeId = values['edge-id'];
    const edgeIdGenerator = values['edge-id-generator'];
    if (edgeId === undefined && edgeIdGenerator === undefined) {
      throw invalidInput('--edge-id', 'missing; give --edge-id <id> (e.g. a UUID) or --edge-id-generator <command> (e.g. uuidgen).');
    }
    if (edgeId !== undefined && edgeIdGenerator !== undefined) {
      throw invalidInput('--edge-id', 'give --edge-id or --edge-id-generator, not both.');
    }
    if (platform !== 'nomad') {
      for (const flag of ['nomad-token', 'nomad-tls'] as const) {
        if (values[flag] !== undefined) throw invalidInput(`--${flag}`, 'applies only to --platform nomad; remove it.');
      }
    }
    const serverVersion = values['server-version'];
    const groupId = values['group-id'] !== undefined ? parseIdList(values['group-id'], '--group-id', 'environment group') : undefined;
    if (groupId && groupId.length !== 1) throw invalidInput('--group-id', 'takes one environment group id, e.g. --group-id 5.');
    const options: CommandOptions = {
      platform: platform as Platform,
      os: os as TargetOs,
      agentVersion,
      edgeKey,
      insecurePoll: !values['no-insecure-poll'],
      ...(edgeId !== undefined ? { edgeId } : {}),
      ...(edgeIdGenerator !== undefined ? { edgeIdGenerator } : {}),
      ...(values['agent-secret'] !== undefined ? { agentSecret: values['agent-secret'] } : {}),
      ...(values.env !== undefined ? { envVars: values.env } : {}),
      ...(values.async ? { async: true } : {}),
      ...(values['nomad-token'] !== undefined ? { nomadToken: values['nomad-token'] } : {}),
      ...(values['nomad-tls'] ? { nomadTls: true } : {}),
      ...(serverVersion !== undefined ? { serverVersion } : {}),
      ...(values['edge-groups'] !== undefined ? { edgeGroupIds: parseIdList(values['edge-groups'], '--edge-groups', 'Edge group') } : {}),
      ...(groupId ? { groupId: groupId[0]! } : {}),
      ...(values['tag-ids'] !== undefined ? { tagIds: parseIdList(values['tag-ids'], '--tag-ids', 'tag') } : {}),
    };
    const text = withFlagNames(FLAG_OF_FIELD, () => buildInstallCommand(options));
    // Only stderr: stdout stays exactly Portainer's text.
    const { warning } = withFlagNames(FLAG_OF_FIELD, () => releaseLineFor(serverVersion ?? agentVersion, serverVersion !== undefined ? 'serverVersion' : 'agentVersion'));
    if (warning) io.stderr(`edgedeck: warning: ${warning}\n`);
    io.stdout(text);
    return 0;
  },
};
