/**
 * The parts of the install commands of portainer-edge.md §5 (agent 2.23.0), written out as the
 * golden texts of the builder and CLI tests assemble them: each test shows in full only the lines
 * its options change. Lines are joined with '\n' so trailing spaces stay visible.
 */

/** A valid Edge key (https://portainer.example.com:9443, tunnel portainer.example.com:8000, environment 7). */
export const KEY =
  'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';
export const ID = '5f8e4a4c-62f1-4a67-9b1c-2f1d1b3b9f0e';

export const lines = (...l: string[]) => l.join('\n');

/** The first -e lines of every docker/podman command (Windows standalone indents EDGE=1 by three spaces, §5.5). */
export const edgeEnv = (edgeId: string, insecurePoll: '0' | '1', edgeIndent = '  ') => [
  `${edgeIndent}-e EDGE=1 \\`,
  `  -e EDGE_ID=${edgeId} \\`,
  `  -e EDGE_KEY=${KEY} \\`,
  `  -e EDGE_INSECURE_POLL=${insecurePoll} \\`,
];

/** §5.3: `docker run` up to the env lines, Linux. */
export const STANDALONE_LINUX = [
  'docker run -d \\',
  '  -v /var/run/docker.sock:/var/run/docker.sock \\',
  '  -v /var/lib/docker/volumes:/var/lib/docker/volumes \\',
  '  -v /:/host \\',
  '  -v portainer_agent_data:/data \\',
  '  --restart always \\',
];

/** §5.4: Podman's socket, volume and `podman run` up to the env lines. */
export const PODMAN_LINUX = [
  'sudo systemctl enable --now podman.socket',
  'sudo podman volume create portainer',
  'sudo podman run -d \\',
  '  -v /run/podman/podman.sock:/var/run/docker.sock \\',
  '  -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes \\',
  '  -v /:/host \\',
  '  -v portainer_agent_data:/data \\',
  '  --restart always \\',
  '  --privileged \\',
];

/** The three Windows mounts (npipe, volumes, data), §5.5 and §5.7. */
const WINDOWS_MOUNTS = [
  '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \\',
  '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \\',
  '  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\',
];

/** §5.5: `docker run` up to the env lines, Windows. */
export const STANDALONE_WINDOWS = ['docker run -d \\', ...WINDOWS_MOUNTS, '  --restart always \\'];

/** The end of a docker/podman run command: the container name and image, then a line of two spaces. */
export const RUN_TAIL = ['  --name portainer_edge_agent \\', '  portainer/agent:2.23.0', '  '];

/** §5.6/§5.7: the overlay network and `docker service create` up to the env lines. */
export const SWARM_HEAD = [
  'docker network create \\',
  '  --driver overlay \\',
  '  portainer_agent_network;',
  '',
  'docker service create \\',
  '  --name portainer_edge_agent \\',
  '  --network portainer_agent_network \\',
];

/** The end of a Swarm service command on `os`: mode, constraint, mounts, image, an empty last line. */
export const swarmTail = (os: 'linux' | 'windows') => [
  '  --mode global \\',
  `  --constraint 'node.platform.os == ${os}' \\`,
  ...(os === 'linux'
    ? [
        '  --mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock \\',
        '  --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes \\',
        '  --mount type=bind,src=//,dst=/host \\',
        '  --mount type=volume,src=portainer_agent_data,dst=/data \\',
      ]
    : WINDOWS_MOUNTS),
  '  portainer/agent:2.23.0',
  '',
];

/** The line that generates the Edge ID on the device, then an empty line (bash or PowerShell). */
export const generatedId = (generator: string, os: 'linux' | 'windows' = 'linux') => [
  os === 'linux' ? `PORTAINER_EDGE_ID=$(${generator}) ` : `$Env:PORTAINER_EDGE_ID = "@(${generator})" `,
  '',
];
