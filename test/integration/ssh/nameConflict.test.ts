import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleetInstall, type FleetInstallOptions } from '../../../src-main/services/install/fleetInstall';
import { agentNames } from '../../../src-main/services/install/agentNames';
import type { Prompter } from '../../../src-main/services/ssh/prompter';
import { engineUnavailable } from '../../fixtures/engine/dockerd';
import { fleetTestOptions, passwordPrompter } from '../../fixtures/ssh/fleetOptions';
import type { SshdHost } from '../../fixtures/ssh/harness';
import { startSshTestBed, type SshTestBed } from '../../fixtures/ssh/testBed';

/**
 * The name conflict on a real engine: a container under the agent's name exists already (an
 * agent someone ran by hand, with another Edge ID and its own data volume). The install must not
 * touch it unless the user confirms; confirmed, it is replaced (container and volume) and the new
 * agent checks in; a second run then finds the agent unchanged and leaves the same container.
 */
const why = engineUnavailable();
if (why) console.log(`SKIP name conflict on a real engine: ${why}`);
const ADMIN_PW = 'name-conflict-admin-pw-1';
const AGENT_SECRET = 'name-conflict-secret-Qx1';

let bed: SshTestBed;
let h: SshdHost;
let target: string;
let dir: string;

interface Inspect {
  Id: string;
  State: { Running: boolean };
  Config: { Env: string[] };
}
const inspect = async (): Promise<Inspect> => (JSON.parse(await h.engine!.docker(['inspect', '--type', 'container', h.agentName])) as Inspect[])[0]!;
/** Whether the data volume mounted at /data holds the hand-made agent's marker (a new volume does not). */
const markerInVolume = async () =>
  (await h.engine!.docker(['exec', h.agentName, '/usr/bin/node', '-p', 'require("fs").existsSync("/data/hand-made-marker")'])).trim() === 'true';

function options(extra: Partial<FleetInstallOptions>): FleetInstallOptions {
  return fleetTestOptions(
    { root: bed.root, users: bed.users, keyPath: bed.key.path, server: bed.api },
    // checkinTimeoutS: the agent container's start may take long on a loaded test machine (bounded all the same).
    { targets: [target], concurrency: 1, retry: { attempts: 1, delayMs: 10 }, remoteDir: () => h.remoteDir, agentName: () => h.agentName, checkinTimeoutS: 150, ...extra },
  );
}

beforeAll(async () => {
  if (why) return;
  bed = await startSshTestBed({ prefix: 'edt-ssh-conflict-', hostNames: ['nc1'], adminPassword: ADMIN_PW, agentSecret: AGENT_SECRET });
  h = bed.hosts[0]!;
  target = `${bed.users.key.name}@127.0.0.1:${h.port}`;
  // The agent someone ran by hand earlier: the same image and name, another environment's key and Edge ID.
  const other = await bed.api.createEnvironment({ name: 'hand-made', pollSeconds: 1 });
  dir = mkdtempSync(join(tmpdir(), 'edt-conflict-'));
  writeFileSync(join(dir, 'old.env'), `EDGE=1\nEDGE_ID=hand-made-device\nEDGE_KEY=${other.edgeKey}\nEDGE_INSECURE_POLL=1\nAGENT_SECRET=${AGENT_SECRET}\n`, { mode: 0o600 });
  await h.engine!.docker(['run', '-d', '-v', '/var/run/docker.sock:/var/run/docker.sock', '-v', `${agentNames(h.agentName).volume}:/data`, '--restart', 'always', '--env-file', join(dir, 'old.env'), '--name', h.agentName, 'portainer/agent:2.23.0']);
  await h.engine!.docker(['exec', h.agentName, '/usr/bin/node', '-e', 'require("fs").writeFileSync("/data/hand-made-marker", "1")']);
}, 240_000);

afterAll(async () => {
  await bed?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why)('an existing container under the agent name (real engine)', () => {
  let oldId: string;
  const asked: string[] = [];
  const answering = (yes: boolean): Prompter => ({ ...passwordPrompter(bed.users), confirm: async (q) => (asked.push(q.message), yes) });

  it('not confirmed: the host fails with the reason and the fix, and the existing container is untouched', async () => {
    oldId = (await inspect()).Id;
    expect(await markerInVolume()).toBe(true);
    const summary = await runFleetInstall(options({ prompter: answering(false), environment: { mode: 'create', nameTemplate: 'conflict-{port}' } }));
    const host = summary.hosts[0]!;
    expect(host.status).toBe('failed');
    expect(host.reason).toMatch(/an existing, different Edge agent runs on this host \(.*hand-made-device.*\) and replacing it was not confirmed \(use --replace-existing\)/);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(new RegExp(`already runs a different Edge agent .*Remove it and its ${agentNames(h.agentName).volume} volume, then install\\?`));
    const c = await inspect();
    expect(c.Id).toBe(oldId);
    expect(c.State.Running).toBe(true);
    expect(c.Config.Env).toContain('EDGE_ID=hand-made-device');
    expect(await markerInVolume()).toBe(true);
    expect(h.argvLog().filter((x) => x.argv[0] === 'run' || x.argv[0] === 'rm')).toHaveLength(0);
  }, 300_000);

  let newId: string;
  let envId: number;
  it('confirmed: the container and its volume are replaced, and the new agent checks in with its own Edge ID', async () => {
    const summary = await runFleetInstall(options({ prompter: answering(true), environment: { mode: 'create', nameTemplate: 'conflict2-{port}' } }));
    const host = summary.hosts[0]!;
    expect(host.status, host.reason).toBe('succeeded');
    expect(host).toMatchObject({ checkedIn: true });
    expect(asked).toHaveLength(2);
    const c = await inspect();
    newId = c.Id;
    envId = host.environmentId!;
    expect(c.Id).not.toBe(oldId);
    expect(c.State.Running).toBe(true);
    expect(c.Config.Env).toContain(`EDGE_ID=${host.edgeId}`);
    expect(c.Config.Env).not.toContain('EDGE_ID=hand-made-device');
    // The old data volume went with it (a new one under the same name, without the marker).
    expect(await markerInVolume()).toBe(false);
    expect((await bed.api.environment(envId)).edgeId).toBe(host.edgeId);
  }, 300_000);

  it('a second run finds the agent unchanged: no question, the same container', async () => {
    const summary = await runFleetInstall(options({ prompter: answering(true), environment: { mode: 'existing', id: envId } }));
    expect(summary.hosts[0]!.status, summary.hosts[0]!.reason).toBe('unchanged');
    expect(asked).toHaveLength(2);
    expect((await inspect()).Id).toBe(newId);
  }, 300_000);
});
