import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { fakeIo } from './cliIo';
import { edgeEnv, ID, KEY, lines, RUN_TAIL, STANDALONE_LINUX } from '../domain/commandTexts';
import { loadGoldenCases } from '../domain/upstreamGolden';

const base = ['command', '--agent-version', '2.23.0'];

/** The join token comes from the environment (no argv warning) unless a test says otherwise. */
async function run(args: string[], stdin = '', env: NodeJS.ProcessEnv = { EDGEDECK_EDGE_KEY: KEY }) {
  const io = { ...fakeIo(stdin), env };
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('edgedeck command', () => {
  it('writes exactly the Kubernetes text, without a trailing newline', async () => {
    const r = await run([...base, '--platform', 'kubernetes', '--edge-id', ID]);
    expect(r).toEqual({
      code: 0,
      out: `curl https://downloads.portainer.io/ee2-23/portainer-edge-agent-setup.sh | bash -s -- "${ID}" "${KEY}" "1" "" ""`,
      err: '',
    });
  });

  it('writes exactly the standalone text (ending in newline + two spaces), Linux by default', async () => {
    const r = await run([...base, '--platform', 'standalone', '--edge-id', ID, '--no-insecure-poll', '--agent-secret-stdin', '--env', 'A=1,B', '--async'], 's\n');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(lines(...STANDALONE_LINUX, ...edgeEnv(ID, '0'), '  -e AGENT_SECRET=s \\', '  -e EDGE_ASYNC=1 \\', '  -e A=1 \\', '  -e B \\', ...RUN_TAIL));
  });

  it('handles Windows, generators and Nomad flags', async () => {
    const win = await run([...base, '--platform', 'swarm', '--os', 'windows', '--edge-id-generator', 'New-Guid']);
    expect(win.code).toBe(0);
    expect(win.out.startsWith('$Env:PORTAINER_EDGE_ID = "@(New-Guid)" \n\ndocker network create \\\n')).toBe(true);
    expect(win.out.endsWith("  --mount type=volume,src=portainer_agent_data,dst=C:\\data \\\n  portainer/agent:2.23.0\n")).toBe(true);
    const nomad = await run(['command', '--agent-version', '2.19.0', '--platform', 'nomad', '--edge-id', ID, '--nomad-token-stdin', '--nomad-tls'], 'tok\n');
    expect(nomad).toEqual({
      code: 0,
      out: `curl https://downloads.portainer.io/ee2-19/portainer-edge-agent-nomad-setup.sh | bash -s -- "tok" "${ID}" "${KEY}" "1" "" "" "true"`,
      err: '',
    });
  });

  const bad: Array<[string, string[], RegExp, string?, NodeJS.ProcessEnv?]> = [
    ['unknown platform', ['--platform', 'lxc', '--edge-id', ID], /^edgedeck: --platform: unknown platform "lxc"/],
    ['missing platform', ['--edge-id', ID], /^edgedeck: --platform: missing/],
    ['unknown os', ['--platform', 'swarm', '--os', 'mac', '--edge-id', ID], /^edgedeck: --os: /],
    ['nomad on 2.23', ['--platform', 'nomad', '--edge-id', ID], /^edgedeck: --platform: Nomad was removed in Portainer 2\.20\.0; this server is 2\.23\.0/],
    ['windows podman', ['--platform', 'podman', '--os', 'windows', '--edge-id', ID], /^edgedeck: --platform: .*only for Linux/],
    ['windows kubernetes', ['--platform', 'kubernetes', '--os', 'windows', '--edge-id', ID], /^edgedeck: --platform: .*only for Linux/],
    ['no edge id', ['--platform', 'swarm'], /^edgedeck: --edge-id: missing/],
    ['both ids', ['--platform', 'swarm', '--edge-id', ID, '--edge-id-generator', 'uuidgen'], /^edgedeck: --edge-id: .*not both/],
    ['bad env', ['--platform', 'swarm', '--edge-id', ID, '--env', 'A=1,9X=2'], /^edgedeck: --env: .*"9X=2"/],
    ['unknown flag', ['--platform', 'swarm', '--edge-id', ID, '--bogus'], /--bogus/],
    ['nomad flag elsewhere', ['--platform', 'swarm', '--edge-id', ID, '--nomad-tls'], /^edgedeck: --nomad-tls: /],
    ['bad generator', ['--platform', 'swarm', '--edge-id-generator', 'a\nb'], /^edgedeck: --edge-id-generator: /],
    ['padded key', ['--platform', 'swarm', '--edge-id', ID, '--edge-key-stdin'], /^edgedeck: --edge-key: /, 'aGk=\n'],
    ['no key', ['--platform', 'swarm', '--edge-id', ID], /^edgedeck: --edge-key: missing; .*--edge-key-stdin, --edge-key-file FILE or \$EDGEDECK_EDGE_KEY/, '', {}],
    ['two forms of one secret', ['--platform', 'swarm', '--edge-id', ID, '--agent-secret-stdin', '--agent-secret-file', '/nonexistent'], /^edgedeck: --agent-secret-stdin: Give the agent secret one way only/],
    ['an empty secret file', ['--platform', 'swarm', '--edge-id', ID, '--agent-secret-file', '/dev/null'], /^edgedeck: --agent-secret-file: \/dev\/null is empty/],
  ];

  it.each(bad)('exits 2 on %s', async (_name, args, message, stdin = '', env = { EDGEDECK_EDGE_KEY: KEY }) => {
    const r = await run([...base, ...args], stdin, env);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(2);
  });

  it('exits 2 on podman before 2.22 and a bad version', async () => {
    const podman = await run(['command', '--agent-version', '2.21.0', '--platform', 'podman', '--edge-id', ID]);
    expect(podman.code).toBe(2);
    expect(podman.err).toMatch(/^edgedeck: --platform: Podman arrived in Portainer 2\.22\.0/);
    const version = await run(['command', '--agent-version', 'latest', '--platform', 'swarm', '--edge-id', ID]);
    expect(version.code).toBe(2);
    expect(version.err).toMatch(/^edgedeck: --agent-version: /);
  });

  describe('secrets (#12.4): never needed on the command line', () => {
    const standalone = [...base, '--platform', 'standalone', '--edge-id', ID];

    it('reads the edge key, agent secret and Nomad token from standard input, one per line in that order', async () => {
      const r = await run(['command', '--agent-version', '2.19.0', '--platform', 'nomad', '--edge-id', ID, '--edge-key-stdin', '--nomad-token-stdin'], `${KEY}\ntok\n`, {});
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain(`"tok" "${ID}" "${KEY}"`);
      const both = await run([...standalone, '--edge-key-stdin', '--agent-secret-stdin'], `${KEY}\nsecret-1\n`, {});
      expect(both).toMatchObject({ code: 0, err: '' });
      expect(both.out).toContain(`-e EDGE_KEY=${KEY} `);
      expect(both.out).toContain('-e AGENT_SECRET=secret-1 ');
    });

    it('reads them from files (0600) and from EDGEDECK_* variables', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'edt-command-'));
      try {
        writeFileSync(join(dir, 'key'), `${KEY}\n`, { mode: 0o600 });
        writeFileSync(join(dir, 'secret'), 'from-file\n', { mode: 0o600 });
        const r = await run([...standalone, '--edge-key-file', join(dir, 'key'), '--agent-secret-file', join(dir, 'secret')], '', {});
        expect(r).toMatchObject({ code: 0, err: '' });
        expect(r.out).toContain('-e AGENT_SECRET=from-file ');
        const env = await run(standalone, '', { EDGEDECK_EDGE_KEY: KEY, EDGEDECK_AGENT_SECRET: 'from-env' });
        expect(env).toMatchObject({ code: 0, err: '' });
        expect(env.out).toContain('-e AGENT_SECRET=from-env ');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('still takes --edge-key, --agent-secret and --nomad-token values, with one stderr warning each naming the safe forms', async () => {
      const r = await run([...base, '--platform', 'standalone', '--edge-id', ID, '--edge-key', KEY, '--agent-secret', 'argv-secret'], '', {});
      expect(r.code).toBe(0);
      expect(r.out).toContain('-e AGENT_SECRET=argv-secret ');
      const lines = r.err.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^edgedeck: warning: --edge-key puts the join token \(Edge key\) on the command line, where other local users can read it \(ps\).*use --edge-key-stdin, --edge-key-file FILE, EDGEDECK_EDGE_KEY instead\.$/);
      expect(lines[1]).toMatch(/^edgedeck: warning: --agent-secret puts the agent secret on the command line.*--agent-secret-stdin, --agent-secret-file FILE, EDGEDECK_AGENT_SECRET/);
      const nomad = await run(['command', '--agent-version', '2.19.0', '--platform', 'nomad', '--edge-id', ID, '--nomad-token', 'tok']);
      expect(nomad.code).toBe(0);
      expect(nomad.err).toMatch(/^edgedeck: warning: --nomad-token puts the Nomad token on the command line.*--nomad-token-stdin/);
    });

    it('a missing standard-input line names the flag and the order', async () => {
      const r = await run([...standalone, '--edge-key-stdin', '--agent-secret-stdin'], `${KEY}\n`, {});
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^edgedeck: --agent-secret-stdin: --agent-secret-stdin read nothing from line 2 of standard input; .*line 1: --edge-key-stdin, line 2: --agent-secret-stdin/);
    });
  });
});

describe('edgedeck command: release lines and auto-onboarding metadata', () => {
  // Upstream's expected texts (test/fixtures/portainer), inputs mapped to the CLI's flags.
  const cases = loadGoldenCases();
  const PLATFORM_OF: Record<string, string[]> = {
    buildLinuxKubernetesCommand: ['--platform', 'kubernetes'],
    buildLinuxPodmanCommand: ['--platform', 'podman'],
    buildLinuxStandaloneCommand: ['--platform', 'standalone'],
    buildLinuxSwarmCommand: ['--platform', 'swarm'],
    buildWindowsStandaloneCommand: ['--platform', 'standalone', '--os', 'windows'],
    buildWindowsSwarmCommand: ['--platform', 'swarm', '--os', 'windows'],
  };

  /** The secrets on standard input (edge key, then the agent secret; an empty agent secret is none). */
  function flagsOf(c: (typeof cases)[number]): string[] {
    const o = c.options;
    return [
      ...PLATFORM_OF[c.builder]!,
      '--server-version', '2.39.0',
      '--agent-version', o.agentVersion,
      '--edge-key-stdin',
      ...(o.edgeId ? ['--edge-id', o.edgeId] : ['--edge-id-generator', o.edgeIdGenerator!]),
      ...(o.insecurePoll ? [] : ['--no-insecure-poll']),
      ...(o.agentSecret ? ['--agent-secret-stdin'] : []),
      ...(o.envVars ? ['--env', o.envVars] : []),
      ...(o.async ? ['--async'] : []),
      ...(o.edgeGroupIds ? ['--edge-groups', o.edgeGroupIds.join(',')] : []),
      ...(o.groupId ? ['--group-id', String(o.groupId)] : []),
      ...(o.tagIds ? ['--tag-ids', o.tagIds.join(',')] : []),
    ];
  }

  it('--server-version 2.39.0 prints upstream text byte for byte, every platform, OS and option', async () => {
    let compared = 0;
    for (const c of cases) {
      if (c.expected.includes('"undefined"')) continue; // upstream test artefact, see releaseLines.test.ts
      const r = await run(['command', ...flagsOf(c)], [c.options.edgeKey, ...(c.options.agentSecret ? [c.options.agentSecret] : [])].join('\n') + '\n', {});
      expect({ case: `${c.builder} > ${c.name}`, ...r }).toEqual({ case: `${c.builder} > ${c.name}`, code: 0, out: c.expected, err: '' });
      compared += 1;
    }
    expect(compared).toBe(65);
  });

  it('without --server-version the line follows --agent-version (2.23: backslash on Windows)', async () => {
    const r = await run([...base, '--platform', 'standalone', '--os', 'windows', '--edge-id', ID]);
    expect(r.out).toContain('docker run -d \\\n');
    expect(r.out).not.toContain('`');
  });

  it('a server newer than the newest known line: newest texts on stdout, a plain warning on stderr', async () => {
    const newest = await run([...base, '--server-version', '2.45.0', '--platform', 'podman', '--edge-id', ID]);
    const newer = await run([...base, '--server-version', '2.51.0', '--platform', 'podman', '--edge-id', ID]);
    expect(newer.code).toBe(0);
    expect(newer.out).toBe(newest.out);
    expect(newest.err).toBe('');
    expect(newer.err).toBe(
      'edgedeck: warning: Portainer 2.51.0 is newer than the newest release line Edgedeck knows (2.40–2.45 LTS); the commands follow 2.40–2.45 LTS. Check them against the server\'s own "Edge agent" screen.\n',
    );
  });

  it('bad metadata ids and versions name the flag', async () => {
    expect(await run([...base, '--platform', 'standalone', '--edge-id', ID, '--edge-groups', '1,,2'])).toMatchObject({ code: 2, err: expect.stringMatching(/^edgedeck: --edge-groups: empty item/) });
    expect(await run([...base, '--platform', 'standalone', '--edge-id', ID, '--tag-ids', 'x'])).toMatchObject({ code: 2, err: expect.stringMatching(/^edgedeck: --tag-ids: "x" is not a tag id/) });
    expect(await run([...base, '--platform', 'standalone', '--edge-id', ID, '--group-id', '1,2'])).toMatchObject({ code: 2, err: expect.stringMatching(/^edgedeck: --group-id: takes one/) });
    expect(await run([...base, '--platform', 'standalone', '--edge-id', ID, '--server-version', 'v2.39'])).toMatchObject({ code: 2, err: expect.stringMatching(/^edgedeck: --server-version: "v2\.39" is not a Portainer version/) });
  });
});
