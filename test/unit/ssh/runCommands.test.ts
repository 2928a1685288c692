import { describe, expect, it } from 'vitest';
import { runCommands } from '../../../src-main/services/install/dockerCommands';

// The SSH install's own form of Portainer's Podman text follows the server's release line.
describe('SSH install run commands per release line', () => {
  it('Podman on 2.28+: no podman.socket line, the agent volume, the docker.io image', () => {
    expect(runCommands('podman', 'podman', '/root/.edgedeck/agent.env', '2.45.0')).toEqual([
      'podman volume create portainer_agent_data',
      'podman run -d -v /run/podman/podman.sock:/var/run/docker.sock -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes -v /:/host -v portainer_agent_data:/data --restart always --privileged --env-file /root/.edgedeck/agent.env --name portainer_edge_agent docker.io/portainer/agent:2.45.0',
    ]);
  });

  it('Podman on 2.22–2.27 keeps the old form (socket enabled, "portainer" volume, short image name)', () => {
    const c = runCommands('podman', 'podman', '/e', '2.27.0', { systemctl: '/usr/bin/systemctl' });
    expect(c.slice(0, 2)).toEqual(['/usr/bin/systemctl enable --now podman.socket', 'podman volume create portainer']);
    expect(c[2]).toMatch(/ portainer\/agent:2\.27\.0$/);
  });

  it('Docker keeps the short image name on every line', () => {
    expect(runCommands('standalone', 'docker', '/e', '2.45.0')[0]).toMatch(/ --name portainer_edge_agent portainer\/agent:2\.45\.0$/);
  });
});
