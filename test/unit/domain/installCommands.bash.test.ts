import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import type { CommandOptions, Platform } from '../../../src-main/shared/domain/types';

// The generated Linux text is run by a real bash in which docker, podman, sudo, curl and the
// piped `bash -s` only record the argv they receive, so the test sees what the shell really passes.
const KEY =
  'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxabTl2WW1GeVltRjZjWFY0Wm05dlltRnlZbUY2Y1hWNFptOXZZbUZ5WW1FPXw3';

const PRELUDE = `
record() { printf '%s\\0' "$@" > "$REC"; }
docker() { record "$@"; }
podman() { record "$@"; }
sudo() { "$@"; }
systemctl() { :; }
curl() { cat /dev/null; }
bash() { record "$@"; }
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgedeck-bash-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PLATFORMS: Array<{ platform: Platform; agentVersion: string }> = [
  { platform: 'standalone', agentVersion: '2.23.0' },
  { platform: 'swarm', agentVersion: '2.23.0' },
  { platform: 'podman', agentVersion: '2.23.0' },
  { platform: 'kubernetes', agentVersion: '2.23.0' },
  { platform: 'nomad', agentVersion: '2.19.0' },
];

/** Runs every platform's command in one bash and returns each recorded argv. */
function runAll(commands: Array<{ platform: Platform; text: string }>): Record<string, string[]> {
  const script = PRELUDE + commands.map(({ platform, text }) => `REC=${join(dir, platform)}\n${text}\n`).join('');
  const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out: Record<string, string[]> = {};
  for (const { platform } of commands) out[platform] = readFileSync(join(dir, platform), 'utf8').split('\0').slice(0, -1);
  return out;
}

function envItems(argv: string[]): string[] {
  const items: string[] = [];
  argv.forEach((a, i) => {
    if (a === '-e') items.push(argv[i + 1]!);
  });
  return items;
}

const special = fc.constantFrom(' ', '  ', '"', "'", '$', '$(id)', '${HOME}', '`', ';', '&', '|', '*', '?', '~', '\\', '!', '(', ')', '{a,b}', '<', '>', '#', '\t', '=', '[x]', '^', '%', 'é', '日本', '😀', '\u00a0');
const char = fc.oneof(special, fc.string({ minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const value = fc.string({ unit: char, maxLength: 12 }).filter((s) => !/[\0\n,]/.test(s));
// eslint-disable-next-line no-control-regex -- Edge IDs exclude control characters, as the builder does
const edgeId = fc.string({ unit: char, minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u001f\u007f,]/.test(s));
const envName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
const userEnv = fc.array(fc.tuple(envName, value), { maxLength: 3 }).map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join(','));

describe('install commands under a real bash', () => {
  it('passes exactly the intended values (property)', () => {
    fc.assert(
      fc.property(edgeId, value, userEnv, fc.boolean(), (id, secret, env, insecure) => {
        const commands = PLATFORMS.map(({ platform, agentVersion }) => {
          const o: CommandOptions = { platform, os: 'linux', agentVersion, edgeKey: KEY, edgeId: id, agentSecret: secret, envVars: env, insecurePoll: insecure, nomadToken: secret };
          return { platform, text: buildInstallCommand(o) };
        });
        const argv = runAll(commands);
        const poll = insecure ? '1' : '0';
        const field = env.trim();
        const user = field.split(',').filter((s) => s !== '');
        const common = ['EDGE=1', `EDGE_ID=${id}`, `EDGE_KEY=${KEY}`, `EDGE_INSECURE_POLL=${poll}`, ...(secret ? [`AGENT_SECRET=${secret}`] : [])];
        expect(envItems(argv.standalone!)).toEqual([...common, ...user]);
        expect(envItems(argv.podman!)).toEqual([...common, ...user]);
        expect(argv.podman!.slice(0, 2)).toEqual(['run', '-d']);
        expect(envItems(argv.swarm!)).toEqual([...common, 'AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent', ...user]);
        expect(argv.swarm!.slice(0, 2)).toEqual(['service', 'create']);
        expect(argv.kubernetes).toEqual(['-s', '--', id, KEY, poll, secret, field]);
        expect(argv.nomad).toEqual(['-s', '--', secret, id, KEY, poll, field, secret, 'false']);
      }),
      { numRuns: 100 },
    );
  });

  it('expands the Edge ID generator on the device', () => {
    const commands = PLATFORMS.map(({ platform, agentVersion }) => ({
      platform,
      text: buildInstallCommand({ platform, os: 'linux', agentVersion, edgeKey: KEY, edgeIdGenerator: 'echo gen-42', insecurePoll: true }),
    }));
    const argv = runAll(commands);
    expect(envItems(argv.standalone!)).toContain('EDGE_ID=gen-42');
    expect(envItems(argv.swarm!)).toContain('EDGE_ID=gen-42');
    expect(argv.kubernetes!.slice(2, 3)).toEqual(['gen-42']);
    expect(argv.nomad!.slice(3, 4)).toEqual(['gen-42']);
  });
});
