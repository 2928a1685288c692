import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import { RELEASE_LINES } from '../../../src-main/shared/domain/releaseLines';
import type { CommandOptions, Platform } from '../../../src-main/shared/domain/types';
import { supportedPlatforms } from '../../../src-main/shared/domain/versions';
import { KEY } from './commandTexts';

// The generated Linux text is run by a real bash in which docker, podman, sudo, curl and the
// piped `bash -s` only record the argv they receive, so the test sees what the shell really passes.

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

/** Every release line, by the newest minor it holds (the 2.19 line is the one with Nomad). */
const LINE_VERSIONS = RELEASE_LINES.map((l) => `${l.id}.0`);

function platformsOf(version: string): Platform[] {
  return supportedPlatforms(version, 'linux');
}

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

const ids = fc.array(fc.integer({ min: 1, max: 99999 }), { maxLength: 3 });

describe('install commands under a real bash', () => {
  it('passes exactly the intended values, on every release line (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINE_VERSIONS), edgeId, value, userEnv, fc.boolean(), ids, fc.integer({ min: 0, max: 50 }), ids, (version, id, secret, env, insecure, groups, group, tags) => {
        const meta = { edgeGroupIds: groups, tagIds: tags, ...(group > 0 ? { groupId: group } : {}) };
        const commands = platformsOf(version).map((platform) => {
          const o: CommandOptions = { platform, os: 'linux', agentVersion: version, serverVersion: version, edgeKey: KEY, edgeId: id, agentSecret: secret, envVars: env, insecurePoll: insecure, nomadToken: secret, ...meta };
          return { platform, text: buildInstallCommand(o) };
        });
        const argv = runAll(commands);
        const poll = insecure ? '1' : '0';
        const field = env.trim();
        const user = field.split(',').filter((s) => s !== '');
        const metaItems = [
          ...(groups.length ? [`EDGE_GROUPS=${groups.join(':')}`] : []),
          ...(group > 0 ? [`PORTAINER_GROUP=${group}`] : []),
          ...(tags.length ? [`PORTAINER_TAGS=${tags.join(':')}`] : []),
        ];
        const common = ['EDGE=1', `EDGE_ID=${id}`, `EDGE_KEY=${KEY}`, `EDGE_INSECURE_POLL=${poll}`, ...(secret ? [`AGENT_SECRET=${secret}`] : [])];
        const k8sField = [field, ...metaItems].filter((s) => s !== '').join(',');
        expect(envItems(argv.standalone!)).toEqual([...common, ...metaItems, ...user]);
        expect(argv.standalone!.at(-1)).toBe(`portainer/agent:${version}`);
        if (argv.podman) {
          const newForm = Number(version.split('.')[1]) >= 28;
          expect(envItems(argv.podman)).toEqual([...common, ...(newForm ? ['PODMAN=1'] : []), ...metaItems, ...user]);
          expect(argv.podman.slice(0, 2)).toEqual(['run', '-d']);
          expect(argv.podman.at(-1)).toBe(`${newForm ? 'docker.io/' : ''}portainer/agent:${version}`);
        }
        expect(envItems(argv.swarm!)).toEqual([...common, 'AGENT_CLUSTER_ADDR=tasks.portainer_edge_agent', ...metaItems, ...user]);
        expect(argv.swarm!.slice(0, 2)).toEqual(['service', 'create']);
        expect(argv.kubernetes).toEqual(['-s', '--', id, KEY, poll, secret, k8sField]);
        if (argv.nomad) expect(argv.nomad).toEqual(['-s', '--', secret, id, KEY, poll, k8sField, secret, 'false']);
      }),
      { numRuns: 100 },
    );
  });

  it('expands the Edge ID generator on the device, on every release line', () => {
    for (const version of LINE_VERSIONS) {
      const commands = platformsOf(version).map((platform) => ({
        platform,
        text: buildInstallCommand({ platform, os: 'linux', agentVersion: version, edgeKey: KEY, edgeIdGenerator: 'echo gen-42', insecurePoll: true }),
      }));
      const argv = runAll(commands);
      expect(envItems(argv.standalone!)).toContain('EDGE_ID=gen-42');
      expect(envItems(argv.swarm!)).toContain('EDGE_ID=gen-42');
      if (argv.podman) expect(envItems(argv.podman)).toContain('EDGE_ID=gen-42');
      expect(argv.kubernetes!.slice(2, 3)).toEqual(['gen-42']);
      if (argv.nomad) expect(argv.nomad.slice(3, 4)).toEqual(['gen-42']);
    }
  });
});
