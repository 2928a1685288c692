import { describe, expect, it } from 'vitest';
import { buildInstallCommand, installEnvEntries } from '../../../src-main/shared/domain/installCommands';
import type { CommandOptions } from '../../../src-main/shared/domain/types';
import { AppError } from '../../../src-main/shared/contract/errors';

// Golden texts from portainer-edge.md §5; lines are joined with '\n' so trailing spaces are visible.
const KEY =
  'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';
const ID = '5f8e4a4c-62f1-4a67-9b1c-2f1d1b3b9f0e';
const lines = (...l: string[]) => l.join('\n');
const base: CommandOptions = { platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: KEY, edgeId: ID, insecurePoll: true };
const build = (o: Partial<CommandOptions>) => buildInstallCommand({ ...base, ...o });

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe('Docker Standalone, Linux (§5.3)', () => {
  it('plain', () => {
    expect(build({})).toBe(
      lines(
        'docker run -d \\',
        '  -v /var/run/docker.sock:/var/run/docker.sock \\',
        '  -v /var/lib/docker/volumes:/var/lib/docker/volumes \\',
        '  -v /:/host \\',
        '  -v portainer_agent_data:/data \\',
        '  --restart always \\',
        '  -e EDGE=1 \\',
        `  -e EDGE_ID=${ID} \\`,
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });

  it('with generator, secret, async, env vars and secure poll', () => {
    expect(build({ edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'mysecret', async: true, envVars: 'FOO=bar,,HTTP_PROXY', insecurePoll: false })).toBe(
      lines(
        'PORTAINER_EDGE_ID=$(uuidgen) ',
        '',
        'docker run -d \\',
        '  -v /var/run/docker.sock:/var/run/docker.sock \\',
        '  -v /var/lib/docker/volumes:/var/lib/docker/volumes \\',
        '  -v /:/host \\',
        '  -v portainer_agent_data:/data \\',
        '  --restart always \\',
        '  -e EDGE=1 \\',
        '  -e EDGE_ID=$PORTAINER_EDGE_ID \\',
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=0 \\',
        '  -e AGENT_SECRET=mysecret \\',
        '  -e EDGE_ASYNC=1 \\',
        '  -e FOO=bar \\',
        '  -e HTTP_PROXY \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });

  it('quotes values the shell would reinterpret', () => {
    const text = build({ edgeId: 'my id', agentSecret: "it's $ecret", envVars: 'A=x y,B=,C=~/p' });
    expect(text).toContain("  -e EDGE_ID='my id' \\\n");
    expect(text).toContain("  -e AGENT_SECRET='it'\\''s $ecret' \\\n");
    expect(text).toContain("  -e A='x y' \\\n  -e B= \\\n  -e C='~/p' \\\n");
  });
});

describe('Podman, Linux (§5.4)', () => {
  it('plain', () => {
    expect(build({ platform: 'podman' })).toBe(
      lines(
        'sudo systemctl enable --now podman.socket',
        'sudo podman volume create portainer',
        'sudo podman run -d \\',
        '  -v /run/podman/podman.sock:/var/run/docker.sock \\',
        '  -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes \\',
        '  -v /:/host \\',
        '  -v portainer_agent_data:/data \\',
        '  --restart always \\',
        '  --privileged \\',
        '  -e EDGE=1 \\',
        `  -e EDGE_ID=${ID} \\`,
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });

  it('with generator and secret', () => {
    expect(build({ platform: 'podman', edgeId: undefined, edgeIdGenerator: 'cat /etc/machine-id', agentSecret: 's3' })).toBe(
      lines(
        'PORTAINER_EDGE_ID=$(cat /etc/machine-id) ',
        '',
        'sudo systemctl enable --now podman.socket',
        'sudo podman volume create portainer',
        'sudo podman run -d \\',
        '  -v /run/podman/podman.sock:/var/run/docker.sock \\',
        '  -v /var/lib/containers/storage/volumes:/var/lib/docker/volumes \\',
        '  -v /:/host \\',
        '  -v portainer_agent_data:/data \\',
        '  --restart always \\',
        '  --privileged \\',
        '  -e EDGE=1 \\',
        '  -e EDGE_ID=$PORTAINER_EDGE_ID \\',
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  -e AGENT_SECRET=s3 \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });
});

describe('Docker Standalone, Windows (§5.5)', () => {
  it('plain, with the three-space first -e line', () => {
    expect(build({ os: 'windows' })).toBe(
      lines(
        'docker run -d \\',
        '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \\',
        '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \\',
        '  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\',
        '  --restart always \\',
        '   -e EDGE=1 \\',
        `  -e EDGE_ID=${ID} \\`,
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });

  it('with generator, secret, env vars and async', () => {
    expect(build({ os: 'windows', edgeId: undefined, edgeIdGenerator: '[guid]::NewGuid()', agentSecret: 'sec', envVars: 'LOG_LEVEL=DEBUG', async: true })).toBe(
      lines(
        '$Env:PORTAINER_EDGE_ID = "@([guid]::NewGuid())" ',
        '',
        'docker run -d \\',
        '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \\',
        '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \\',
        '  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\',
        '  --restart always \\',
        '   -e EDGE=1 \\',
        '  -e EDGE_ID=$Env:PORTAINER_EDGE_ID \\',
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  -e AGENT_SECRET=sec \\',
        '  -e EDGE_ASYNC=1 \\',
        '  -e LOG_LEVEL=DEBUG \\',
        '  --name portainer_edge_agent \\',
        '  portainer/agent:2.23.0',
        '  ',
      ),
    );
  });

  it('quotes unsafe items for PowerShell and refuses line breaks', () => {
    expect(build({ os: 'windows', edgeId: "o'id", envVars: 'A=x y' })).toContain("  -e 'EDGE_ID=o''id' \\\n");
    expect(build({ os: 'windows', envVars: 'A=x y' })).toContain("  -e 'A=x y' \\\n");
    expect(errorOf(() => build({ os: 'windows', agentSecret: 'a\nb' }))).toMatchObject({ field: 'agentSecret', code: 'invalid_input' });
    expect(errorOf(() => build({ os: 'windows', envVars: 'A=a\nb' })).field).toBe('envVars');
  });
});

describe('Docker Swarm, Linux (§5.6)', () => {
  it('plain', () => {
    expect(build({ platform: 'swarm' })).toBe(
      lines(
        'docker network create \\',
        '  --driver overlay \\',
        '  portainer_agent_network;',
        '',
        'docker service create \\',
        '  --name portainer_edge_agent \\',
        '  --network portainer_agent_network \\',
        '  -e EDGE=1 \\',
        `  -e EDGE_ID=${ID} \\`,
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  -e AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent \\',
        '  --mode global \\',
        "  --constraint 'node.platform.os == linux' \\",
        '  --mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock \\',
        '  --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes \\',
        '  --mount type=bind,src=//,dst=/host \\',
        '  --mount type=volume,src=portainer_agent_data,dst=/data \\',
        '  portainer/agent:2.23.0',
        '',
      ),
    );
  });

  it('with generator, secret, async and env vars', () => {
    expect(build({ platform: 'swarm', edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'x', async: true, envVars: 'A=1,B' })).toBe(
      lines(
        'PORTAINER_EDGE_ID=$(uuidgen) ',
        '',
        'docker network create \\',
        '  --driver overlay \\',
        '  portainer_agent_network;',
        '',
        'docker service create \\',
        '  --name portainer_edge_agent \\',
        '  --network portainer_agent_network \\',
        '  -e EDGE=1 \\',
        '  -e EDGE_ID=$PORTAINER_EDGE_ID \\',
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  -e AGENT_SECRET=x \\',
        '  -e EDGE_ASYNC=1 \\',
        '  -e AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent \\',
        '  -e A=1 \\',
        '  -e B \\',
        '  --mode global \\',
        "  --constraint 'node.platform.os == linux' \\",
        '  --mount type=bind,src=//var/run/docker.sock,dst=/var/run/docker.sock \\',
        '  --mount type=bind,src=//var/lib/docker/volumes,dst=/var/lib/docker/volumes \\',
        '  --mount type=bind,src=//,dst=/host \\',
        '  --mount type=volume,src=portainer_agent_data,dst=/data \\',
        '  portainer/agent:2.23.0',
        '',
      ),
    );
  });
});

describe('Docker Swarm, Windows (§5.7)', () => {
  it('plain', () => {
    expect(build({ platform: 'swarm', os: 'windows', insecurePoll: false })).toBe(
      lines(
        'docker network create \\',
        '  --driver overlay \\',
        '  portainer_agent_network;',
        '',
        'docker service create \\',
        '  --name portainer_edge_agent \\',
        '  --network portainer_agent_network \\',
        '  -e EDGE=1 \\',
        `  -e EDGE_ID=${ID} \\`,
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=0 \\',
        '  -e AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent \\',
        '  --mode global \\',
        "  --constraint 'node.platform.os == windows' \\",
        '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \\',
        '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \\',
        '  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\',
        '  portainer/agent:2.23.0',
        '',
      ),
    );
  });

  it('with generator and secret', () => {
    expect(build({ platform: 'swarm', os: 'windows', edgeId: undefined, edgeIdGenerator: 'New-Guid', agentSecret: 'x' })).toBe(
      lines(
        '$Env:PORTAINER_EDGE_ID = "@(New-Guid)" ',
        '',
        'docker network create \\',
        '  --driver overlay \\',
        '  portainer_agent_network;',
        '',
        'docker service create \\',
        '  --name portainer_edge_agent \\',
        '  --network portainer_agent_network \\',
        '  -e EDGE=1 \\',
        '  -e EDGE_ID=$Env:PORTAINER_EDGE_ID \\',
        `  -e EDGE_KEY=${KEY} \\`,
        '  -e EDGE_INSECURE_POLL=1 \\',
        '  -e AGENT_SECRET=x \\',
        '  -e AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent \\',
        '  --mode global \\',
        "  --constraint 'node.platform.os == windows' \\",
        '  --mount type=npipe,src=\\\\.\\pipe\\docker_engine,dst=\\\\.\\pipe\\docker_engine \\',
        '  --mount type=bind,src=C:\\ProgramData\\docker\\volumes,dst=C:\\ProgramData\\docker\\volumes \\',
        '  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\',
        '  portainer/agent:2.23.0',
        '',
      ),
    );
  });
});

describe('Kubernetes (§5.8)', () => {
  it('plain', () => {
    expect(build({ platform: 'kubernetes' })).toBe(
      `curl https://downloads.portainer.io/ee2-23/portainer-edge-agent-setup.sh | bash -s -- "${ID}" "${KEY}" "1" "" ""`,
    );
  });

  it('with generator, secret, env vars (trimmed) and async', () => {
    expect(build({ platform: 'kubernetes', edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'sec', envVars: ' A=1,B ', async: true, insecurePoll: false })).toBe(
      lines('PORTAINER_EDGE_ID=$(uuidgen) ', '', `curl https://downloads.portainer.io/ee2-23/portainer-edge-agent-setup.sh | bash -s -- "$PORTAINER_EDGE_ID" "${KEY}" "0" "sec" "A=1,B,EDGE_ASYNC=1"`),
    );
  });

  it('uses the 2.13 script folder and async alone', () => {
    expect(build({ platform: 'kubernetes', agentVersion: '2.13.1', async: true })).toBe(
      `curl https://downloads.portainer.io/ce2-13/portainer-edge-agent-setup.sh | bash -s -- "${ID}" "${KEY}" "1" "" "EDGE_ASYNC=1"`,
    );
  });

  it('single-quotes arguments that double quotes would expand', () => {
    expect(build({ platform: 'kubernetes', agentSecret: 'a$b', edgeId: 'x"y' })).toBe(
      `curl https://downloads.portainer.io/ee2-23/portainer-edge-agent-setup.sh | bash -s -- 'x"y' "${KEY}" "1" 'a$b' ""`,
    );
  });
});

describe('Nomad (§5.9)', () => {
  it('plain', () => {
    expect(build({ platform: 'nomad', agentVersion: '2.19.4', nomadToken: 'tok' })).toBe(
      `curl https://downloads.portainer.io/ee2-19/portainer-edge-agent-nomad-setup.sh | bash -s -- "tok" "${ID}" "${KEY}" "1" "" "" "false"`,
    );
  });

  it('with generator, secret, env vars, async and TLS', () => {
    expect(
      build({ platform: 'nomad', agentVersion: '2.19.4', nomadToken: 'tok', nomadTls: true, edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'sec', envVars: 'A=1', async: true }),
    ).toBe(
      lines(
        'PORTAINER_EDGE_ID=$(uuidgen) ',
        '',
        `curl https://downloads.portainer.io/ee2-19/portainer-edge-agent-nomad-setup.sh | bash -s -- "tok" "$PORTAINER_EDGE_ID" "${KEY}" "1" "A=1,EDGE_ASYNC=1" "sec" "true"`,
      ),
    );
  });
});

describe('validation', () => {
  it('needs exactly one of edgeId and edgeIdGenerator', () => {
    expect(errorOf(() => build({ edgeId: undefined }))).toMatchObject({ field: 'edgeId', code: 'invalid_input' });
    expect(errorOf(() => build({ edgeId: '' })).field).toBe('edgeId');
    expect(errorOf(() => build({ edgeIdGenerator: 'uuidgen' })).message).toMatch(/not both/);
  });

  it('refuses control characters in an Edge ID and line breaks in a generator', () => {
    expect(errorOf(() => build({ edgeId: 'a\nb' })).message).toMatch(/line break/);
    expect(errorOf(() => build({ edgeId: 'a\0b' })).field).toBe('edgeId');
    expect(errorOf(() => build({ edgeId: undefined, edgeIdGenerator: 'uuidgen\nrm -rf /' })).field).toBe('edgeIdGenerator');
    expect(errorOf(() => build({ edgeId: undefined, edgeIdGenerator: 'a\0' })).field).toBe('edgeIdGenerator');
    expect(build({ edgeId: undefined, edgeIdGenerator: "echo 'x y' | tr ' ' -" })).toMatch(/^PORTAINER_EDGE_ID=\$\(echo 'x y' \| tr ' ' -\) \n\n/);
  });

  it('checks env var items and names the bad one', () => {
    for (const bad of ['1A=x', 'A-B=x', '=x', ' A=1', 'A B']) {
      const e = errorOf(() => build({ envVars: `OK=1,${bad}` }));
      expect(e.field).toBe('envVars');
      expect(e.message).toContain(JSON.stringify(bad));
    }
    expect(errorOf(() => build({ envVars: 'A=1, B=2' })).message).toMatch(/spaces around the commas/);
    expect(errorOf(() => build({ envVars: 'A=a\0b' })).field).toBe('envVars');
    expect(build({ envVars: '   ' })).toBe(build({}));
    expect(build({ envVars: ',,' })).toBe(build({}));
    expect(errorOf(() => build({ platform: 'kubernetes', envVars: 'A=1,2x' })).field).toBe('envVars');
  });

  it('refuses NUL in secrets and tokens', () => {
    expect(errorOf(() => build({ agentSecret: 'a\0' })).field).toBe('agentSecret');
    expect(errorOf(() => build({ platform: 'nomad', agentVersion: '2.19.0', nomadToken: '\0' })).field).toBe('nomadToken');
    expect(build({ agentSecret: 'a\nb' })).toContain("  -e AGENT_SECRET='a\nb' \\\n");
  });

  it('checks the Edge key', () => {
    expect(errorOf(() => build({ edgeKey: 'nonsense!' })).field).toBe('edgeKey');
    expect(errorOf(() => build({ edgeKey: `${KEY} ` })).field).toBe('edgeKey');
    const padded = Buffer.from('https://p.example.com|p.example.com:8000||0').toString('base64');
    expect(errorOf(() => build({ edgeKey: padded })).message).toMatch(/padding/);
  });

  it('applies the platform and version rules', () => {
    expect(errorOf(() => build({ platform: 'nomad' }))).toMatchObject({ code: 'unsupported', field: 'platform' });
    expect(errorOf(() => build({ platform: 'podman', agentVersion: '2.21.0' })).code).toBe('unsupported');
    expect(errorOf(() => build({ platform: 'podman', os: 'windows' })).code).toBe('unsupported');
    expect(errorOf(() => build({ platform: 'kubernetes', os: 'windows' })).code).toBe('unsupported');
    expect(errorOf(() => build({ agentVersion: 'latest' })).field).toBe('agentVersion');
    expect(errorOf(() => build({ platform: 'bogus' as never })).field).toBe('platform');
    expect(errorOf(() => build({ os: 'mac' as never })).field).toBe('os');
  });
});

describe('installEnvEntries', () => {
  it('lists the agent env in command order', () => {
    expect(installEnvEntries({ ...base, platform: 'swarm', agentSecret: 's', async: true, envVars: 'A=1,B,C=' })).toEqual([
      ['EDGE', '1'],
      ['EDGE_ID', ID],
      ['EDGE_KEY', KEY],
      ['EDGE_INSECURE_POLL', '1'],
      ['AGENT_SECRET', 's'],
      ['EDGE_ASYNC', '1'],
      ['AGENT_CLUSTER_ADDR', 'tasks.portainer_edge_agent'],
      ['A', '1'],
      ['B', undefined],
      ['C', ''],
    ]);
  });

  it('omits the optional entries and uses the shell reference with a generator', () => {
    expect(installEnvEntries({ ...base, edgeId: undefined, edgeIdGenerator: 'uuidgen', insecurePoll: false, agentSecret: '' })).toEqual([
      ['EDGE', '1'],
      ['EDGE_ID', '$PORTAINER_EDGE_ID'],
      ['EDGE_KEY', KEY],
      ['EDGE_INSECURE_POLL', '0'],
    ]);
  });

  it('matches the -e lines of the command', () => {
    const o: CommandOptions = { ...base, agentSecret: 'sec', envVars: 'A=1,B' };
    const fromText = [...buildInstallCommand(o).matchAll(/-e (\S+) \\/g)].map((m) => m[1]);
    expect(fromText).toEqual(installEnvEntries(o).map(([n, v]) => (v === undefined ? n : `${n}=${v}`)));
  });
});
