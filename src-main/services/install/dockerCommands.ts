import { AppError } from '../../shared/contract/errors';
import { agentImage, releaseLineFor } from '../../shared/domain/releaseLines';
import { shellQuote } from '../../shared/domain/shellQuote';
import type { Platform } from '../../shared/domain/types';
import { agentNames, type AgentNames } from './agentNames';

/**
 * The equivalent of Portainer's command (same image, mounts, restart policy, name) reading the env
 * from a file. agentVersion is the server's version: it picks the release line's form.
 */
export function runCommands(platform: Platform, runtime: string, envFile: string, agentVersion: string, bins: { systemctl?: string } = {}, names: AgentNames = agentNames()): string[] {
  const { agent: AGENT, volume: VOLUME } = names;
  const { line } = releaseLineFor(agentVersion, 'agentVersion');
  const image = agentImage(line, platform === 'podman' ? 'podman' : 'standalone', agentVersion);
  const f = shellQuote(envFile);
  switch (platform) {
    case 'standalone':
      return [
        `${runtime} run -d -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes -v /:/host -v ${VOLUME}:/data --restart always --env-file ${f} --name ${AGENT} ${image}`,
      ];
    case 'podman':
      return [
        // 2.28 on: no socket line and the agent's own volume, as Portainer's text (the env file has PODMAN=1).
        ...(line.templates.podman === 'env'
          ? [`${runtime} volume create ${VOLUME}`]
          : [`${bins.systemctl ? shellQuote(bins.systemctl) : 'systemctl'} enable --now podman.socket`, `${runtime} volume create portainer`]),
        `${runtime} run -d -v /run/podman/podman.sock:/var/run/docker.sock -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes -v /:/host -v ${VOLUME}:/data --restart always --privileged --env-file ${f} --name ${AGENT} ${image}`,
      ];
    case 'swarm':
      return [
        `${runtime} network create --driver overlay portainer_agent_network`,
        // --detach: the CLI would otherwise wait for convergence, forever when a task is rejected
        // (a missing image); waitForService() watches the tasks for a bounded time instead.
        `${runtime} service create --detach --name ${AGENT} --network portainer_agent_network --env-file ${f} --mode global --constraint 'node.platform.os == linux' ` +
          `--mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes ` +
          `--mount type=bind,src=//,dst=/host --mount type=volume,src=${VOLUME},dst=/data ${image}`,
      ];
    default:
      throw new AppError('unsupported', `The SSH install supports standalone, swarm and podman; for ${platform} use the copy-paste command.`, 'platform');
  }
}
