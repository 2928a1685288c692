import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { etagListHas } from '../../../src-main/services/localserver/edgeStatus';
import { Store } from '../../../src-main/services/localserver/store';
import { silentLogger } from '../../../src-main/services/logging/logger';
import type { EnvironmentRecord } from '../../../src-main/services/localserver/model';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("Portainer's If-None-Match (respondFromCache, 2.23.0)", () => {
  it('splits on "," without trimming and compares each piece byte for byte; an empty first piece matches nothing', () => {
    expect(etagListHas('a1b2', 'a1b2')).toBe(true);
    expect(etagListHas('x,a1b2', 'a1b2')).toBe(true);
    expect(etagListHas('a1b2,', 'a1b2')).toBe(true);
    expect(etagListHas('x, a1b2', 'a1b2')).toBe(false);
    expect(etagListHas(',a1b2', 'a1b2')).toBe(false);
    expect(etagListHas('A1B2', 'a1b2')).toBe(false);
    expect(etagListHas('"a1b2"', 'a1b2')).toBe(false);
    expect(etagListHas('', 'a1b2')).toBe(false);
    expect(etagListHas('a1b', 'a1b2')).toBe(false);
  });
});

describe('heartbeat apart from the stored LastCheckInDate', () => {
  it('heartbeats start from the stored value; updateHeartbeat leaves it alone; storeCheckIn writes both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgedeck-hb-'));
    dirs.push(dir);
    const { store } = Store.open(dir, silentLogger, 20);
    const env = { Id: 3, Name: 'hb', EdgeKey: 'k', LastCheckInDate: 1700 } as EnvironmentRecord;
    store.addEnvironment(env);
    expect(store.heartbeat(3)).toBe(1700);
    store.updateHeartbeat(3, 1800);
    expect(store.heartbeat(3)).toBe(1800);
    expect(env.LastCheckInDate).toBe(1700);
    store.storeCheckIn(env, 1900);
    expect(env.LastCheckInDate).toBe(1900);
    expect(store.heartbeat(3)).toBe(1900);
    store.updateHeartbeat(99, 5); // unknown environment: no entry appears
    expect(store.heartbeat(99)).toBe(0);
    store.removeEnvironment(3);
    expect(store.heartbeat(3)).toBe(0);
    // Awaited: afterEach removes the folder, and a write still under way would then fail unhandled.
    await store.close();
  });
});
