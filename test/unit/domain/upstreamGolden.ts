import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOptions, Platform, TargetOs } from '../../../src-main/shared/domain/types';

/**
 * Upstream's own expected texts: portainer/portainer's vitest snapshot of its EdgeScriptForm
 * builders (app/react/edge/components/EdgeScriptForm/__snapshots__/scripts.test.ts.snap, commit
 * 8e39a161, see docs/portainer-versions.md), kept byte for byte as test data, and the inputs of
 * its scripts.test.ts as our CommandOptions.
 */

export interface GoldenCase {
  builder: string;
  name: string;
  expected: string;
  options: Omit<CommandOptions, 'serverVersion'>;
}

/**
 * Upstream's tests pass the placeholder "test-edge-key", which our builder rightly refuses (it
 * decodes every key). The key is an opaque word in every template, so a real key stands in for
 * the placeholder on both sides.
 */
export const GOLDEN_KEY =
  'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';

const SNAP = join(__dirname, '../../fixtures/portainer/scripts.test.ts.snap');

const BUILDERS: Record<string, { platform: Platform; os: TargetOs; generator: string }> = {
  buildLinuxKubernetesCommand: { platform: 'kubernetes', os: 'linux', generator: 'uuidgen' },
  buildLinuxPodmanCommand: { platform: 'podman', os: 'linux', generator: 'uuidgen' },
  buildLinuxStandaloneCommand: { platform: 'standalone', os: 'linux', generator: 'uuidgen' },
  buildLinuxSwarmCommand: { platform: 'swarm', os: 'linux', generator: 'uuidgen' },
  buildWindowsStandaloneCommand: { platform: 'standalone', os: 'windows', generator: 'Get-MachineGUID' },
  buildWindowsSwarmCommand: { platform: 'swarm', os: 'windows', generator: 'Get-MachineGUID' },
};

/** The upstream test's inputs per case name (scripts.test.ts: agent 2.19.0, key test-edge-key). */
function inputs(name: string, generator: string): Partial<CommandOptions> {
  const base = { edgeId: 'test-edge-id', agentSecret: 'test-secret' };
  switch (name) {
    case 'should generate basic command with minimal configuration':
      return base;
    case 'should generate command with async mode enabled':
      return { ...base, async: true };
    case 'should generate command with self-signed certificates allowed':
      return { ...base, insecurePoll: true };
    case 'should generate command with edge ID generator':
      return { agentSecret: 'test-secret', edgeIdGenerator: generator };
    case 'should generate command with custom environment variables':
      return { ...base, envVars: 'MY_VAR=value1,ANOTHER_VAR=value2' };
    case 'should generate command with edge groups':
      return { ...base, edgeGroupIds: [1, 2, 3] };
    case 'should generate command with portainer group':
      return { ...base, groupId: 5 };
    case 'should generate command with tags':
      return { ...base, tagIds: [10, 20, 30] };
    case 'should generate command with all meta variables':
      return { ...base, edgeGroupIds: [1, 2], groupId: 5, tagIds: [10, 20] };
    case 'should generate command without agent secret':
      return { edgeId: 'test-edge-id' };
    case 'should generate command with empty agent secret':
      return { edgeId: 'test-edge-id', agentSecret: '' };
  }
  throw new Error(`no inputs known for upstream case ${JSON.stringify(name)}`);
}

/** Parses the vitest snapshot file: exports[`name 1`] = `template literal`; */
export function loadGoldenCases(): GoldenCase[] {
  const text = readFileSync(SNAP, 'utf8');
  const cases: GoldenCase[] = [];
  for (const m of text.matchAll(/^exports\[`'(\w+)' > (.+) 1`\] = `((?:[^`\\]|\\[\s\S])*)`;$/gm)) {
    const [, builder, name, raw] = m as unknown as [string, string, string, string];
    const literal = raw.replace(/\\([\\`$])/g, '$1');
    // A multi-line string sits between a leading "\n" and a trailing "\n" of the snapshot layout.
    const quoted = literal.startsWith('\n') ? literal.slice(1, -1) : literal;
    if (!quoted.startsWith('"') || !quoted.endsWith('"')) throw new Error(`unexpected snapshot layout in ${builder} > ${name}`);
    const b = BUILDERS[builder];
    if (!b) throw new Error(`unknown upstream builder ${builder}`);
    cases.push({
      builder,
      name,
      expected: quoted.slice(1, -1).replaceAll('test-edge-key', GOLDEN_KEY),
      options: { platform: b.platform, os: b.os, agentVersion: '2.19.0', edgeKey: GOLDEN_KEY, insecurePoll: false, ...inputs(name, b.generator) },
    });
  }
  return cases;
}
