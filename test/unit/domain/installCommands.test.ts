import { describe, expect, it } from 'vitest';
import { buildInstallCommand, installEnvEntries } from '../../../src-main/shared/domain/installCommands';
import type { CommandOptions } from '../../../src-main/shared/domain/types';
import { errorOf } from './appError';
import { edgeEnv, generatedId, ID, KEY, lines, PODMAN_LINUX, RUN_TAIL, STANDALONE_LINUX, STANDALONE_WINDOWS, SWARM_HEAD, swarmTail } from './commandTexts';

// Golden texts from portainer-edge.md §5, assembled from the parts in commandTexts.ts.
const base: CommandOptions = { platform: 'standalone', os: 'linux', agentVersion: '2.23.0', edgeKey: KEY, edgeId: ID, insecurePoll: true };
const build = (o: Partial<CommandOptions>) => buildInstallCommand({ ...base, ...o });

/** One test per case: the text built from `options` is exactly `text`. */
function golden(cases: Array<[name: string, options: Partial<CommandOptions>, text: string]>): void {
  it.each(cases)('%s', (_name, options, text) => {
    expect(build(options)).toBe(text);
  });
}

describe('Docker Standalone, Linux (§5.3)', () => {
  golden([
    ['plain', {}, lines(...STANDALONE_LINUX, ...edgeEnv(ID, '1'), ...RUN_TAIL)],
    [
      'with generator, secret, async, env vars and secure poll',
      { edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'mysecret', async: true, envVars: 'FOO=bar,,HTTP_PROXY', insecurePoll: false },
      lines(
        ...generatedId('uuidgen'),
        ...STANDALONE_LINUX,
        ...edgeEnv('$PORTAINER_EDGE_ID', '0'),
        '  -e AGENT_SECRET=mysecret \\',
        '  -e EDGE_ASYNC=1 \\',
        '  -e FOO=bar \\',
        '  -e HTTP_PROXY \\',
        ...RUN_TAIL,
      ),
    ],
  ]);

  it('quotes values the shell would reinterpret', () => {
    const text = build({ edgeId: 'my id', agentSecret: "it's $ecret", envVars: 'A=x y,B=,C=~/p' });
    expect(text).toContain("  -e EDGE_ID='my id' \\\n");
    expect(text).toContain("  -e AGENT_SECRET='it'\\''s $ecret' \\\n");
    expect(text).toContain("  -e A='x y' \\\n  -e B= \\\n  -e C='~/p' \\\n");
  });
});

describe('Podman, Linux (§5.4)', () => {
  golden([
    ['plain', { platform: 'podman' }, lines(...PODMAN_LINUX, ...edgeEnv(ID, '1'), ...RUN_TAIL)],
    [
      'with generator and secret',
      { platform: 'podman', edgeId: undefined, edgeIdGenerator: 'cat /etc/machine-id', agentSecret: 's3' },
      lines(...generatedId('cat /etc/machine-id'), ...PODMAN_LINUX, ...edgeEnv('$PORTAINER_EDGE_ID', '1'), '  -e AGENT_SECRET=s3 \\', ...RUN_TAIL),
    ],
  ]);
});

describe('Docker Standalone, Windows (§5.5)', () => {
  golden([
    ['plain, with the three-space first -e line', { os: 'windows' }, lines(...STANDALONE_WINDOWS, ...edgeEnv(ID, '1', '   '), ...RUN_TAIL)],
    [
      'with generator, secret, env vars and async',
      { os: 'windows', edgeId: undefined, edgeIdGenerator: '[guid]::NewGuid()', agentSecret: 'sec', envVars: 'LOG_LEVEL=DEBUG', async: true },
      lines(
        ...generatedId('[guid]::NewGuid()', 'windows'),
        ...STANDALONE_WINDOWS,
        ...edgeEnv('$Env:PORTAINER_EDGE_ID', '1', '   '),
        '  -e AGENT_SECRET=sec \\',
        '  -e EDGE_ASYNC=1 \\',
        '  -e LOG_LEVEL=DEBUG \\',
        ...RUN_TAIL,
      ),
    ],
  ]);

  it('quotes unsafe items for PowerShell and refuses line breaks', () => {
    expect(build({ os: 'windows', edgeId: "o'id", envVars: 'A=x y' })).toContain("  -e 'EDGE_ID=o''id' \\\n");
    expect(build({ os: 'windows', envVars: 'A=x y' })).toContain("  -e 'A=x y' \\\n");
    expect(errorOf(() => build({ os: 'windows', agentSecret: 'a\nb' }))).toMatchObject({ field: 'agentSecret', code: 'invalid_input' });
    expect(errorOf(() => build({ os: 'windows', envVars: 'A=a\nb' })).field).toBe('envVars');
  });
});

const CLUSTER_ADDR = '  -e AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent \\';

describe('Docker Swarm, Linux (§5.6)', () => {
  golden([
    ['plain', { platform: 'swarm' }, lines(...SWARM_HEAD, ...edgeEnv(ID, '1'), CLUSTER_ADDR, ...swarmTail('linux'))],
    [
      'with generator, secret, async and env vars',
      { platform: 'swarm', edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'x', async: true, envVars: 'A=1,B' },
      lines(
        ...generatedId('uuidgen'),
        ...SWARM_HEAD,
        ...edgeEnv('$PORTAINER_EDGE_ID', '1'),
        '  -e AGENT_SECRET=x \\',
        '  -e EDGE_ASYNC=1 \\',
        CLUSTER_ADDR,
        '  -e A=1 \\',
        '  -e B \\',
        ...swarmTail('linux'),
      ),
    ],
  ]);
});

describe('Docker Swarm, Windows (§5.7)', () => {
  golden([
    ['plain', { platform: 'swarm', os: 'windows', insecurePoll: false }, lines(...SWARM_HEAD, ...edgeEnv(ID, '0'), CLUSTER_ADDR, ...swarmTail('windows'))],
    [
      'with generator and secret',
      { platform: 'swarm', os: 'windows', edgeId: undefined, edgeIdGenerator: 'New-Guid', agentSecret: 'x' },
      lines(...generatedId('New-Guid', 'windows'), ...SWARM_HEAD, ...edgeEnv('$Env:PORTAINER_EDGE_ID', '1'), '  -e AGENT_SECRET=x \\', CLUSTER_ADDR, ...swarmTail('windows')),
    ],
  ]);
});

const K8S_SCRIPT = 'curl https://downloads.portainer.io/ee2-23/portainer-edge-agent-setup.sh | bash -s --';

describe('Kubernetes (§5.8)', () => {
  golden([
    ['plain', { platform: 'kubernetes' }, `${K8S_SCRIPT} "${ID}" "${KEY}" "1" "" ""`],
    [
      'with generator, secret, env vars (trimmed) and async',
      { platform: 'kubernetes', edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'sec', envVars: ' A=1,B ', async: true, insecurePoll: false },
      lines(...generatedId('uuidgen'), `${K8S_SCRIPT} "$PORTAINER_EDGE_ID" "${KEY}" "0" "sec" "A=1,B,EDGE_ASYNC=1"`),
    ],
    [
      'uses the 2.13 script folder and async alone',
      { platform: 'kubernetes', agentVersion: '2.13.1', async: true },
      `curl https://downloads.portainer.io/ce2-13/portainer-edge-agent-setup.sh | bash -s -- "${ID}" "${KEY}" "1" "" "EDGE_ASYNC=1"`,
    ],
    ['single-quotes arguments that double quotes would expand', { platform: 'kubernetes', agentSecret: 'a$b', edgeId: 'x"y' }, `${K8S_SCRIPT} 'x"y' "${KEY}" "1" 'a$b' ""`],
  ]);
});

const NOMAD_SCRIPT = 'curl https://downloads.portainer.io/ee2-19/portainer-edge-agent-nomad-setup.sh | bash -s --';

describe('Nomad (§5.9)', () => {
  golden([
    ['plain', { platform: 'nomad', agentVersion: '2.19.4', nomadToken: 'tok' }, `${NOMAD_SCRIPT} "tok" "${ID}" "${KEY}" "1" "" "" "false"`],
    [
      'with generator, secret, env vars, async and TLS',
      { platform: 'nomad', agentVersion: '2.19.4', nomadToken: 'tok', nomadTls: true, edgeId: undefined, edgeIdGenerator: 'uuidgen', agentSecret: 'sec', envVars: 'A=1', async: true },
      lines(...generatedId('uuidgen'), `${NOMAD_SCRIPT} "tok" "$PORTAINER_EDGE_ID" "${KEY}" "1" "A=1,EDGE_ASYNC=1" "sec" "true"`),
    ],
  ]);
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
