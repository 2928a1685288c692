import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { TunnelManager, tunnelPortRange, type TunnelServerPort } from '../../../src-main/services/localserver/tunnels';
import type { TunnelUser } from '../../../src-main/services/tunnel/types';

describe('tunnel port range', () => {
  it("takes Portainer's 49152–65534 minus the OS's ephemeral range where 1000 ports are left", () => {
    expect(tunnelPortRange('32768\t60999\n')).toEqual({ min: 61000, max: 65534 }); // Linux's default
    expect(tunnelPortRange('32768 50000')).toEqual({ min: 50001, max: 65534 });
    expect(tunnelPortRange('55000 65535')).toEqual({ min: 49152, max: 54999 });
    expect(tunnelPortRange('49152 65535')).toEqual({ min: 49152, max: 65534 }); // nothing left: the whole range
    expect(tunnelPortRange('32768 64999')).toEqual({ min: 49152, max: 65534 }); // 535 left: too few
    expect(tunnelPortRange('1024 20000')).toEqual({ min: 49152, max: 65534 });
    expect(tunnelPortRange('')).toEqual({ min: 49152, max: 65534 }); // not Linux (nothing to read)
  });
});

/** The tunnel server as the manager sees it: users, and the events it would emit. */
function fakeServer() {
  const events = new EventEmitter();
  const users = new Map<string, TunnelUser>();
  const port: TunnelServerPort = {
    addUser: (u) => void users.set(u.username, u),
    removeUser: (name) => void users.delete(name),
    on: (event: string, listener: (info: unknown) => void) => events.on(event, listener),
  } as TunnelServerPort;
  return { port, events, users };
}

function manager(server: TunnelServerPort, changes: string[]) {
  let n = 0;
  return new TunnelManager({
    server,
    crypto: { randomCredential: () => `cred${++n}`, encryptCredentials: (plain, edgeId) => `enc(${plain}|${edgeId})` },
    logger: silentLogger,
    now: () => 1000,
    onChange: (id, what) => changes.push(`${id} ${what}`),
    onVerified: () => undefined,
    portInUse: async () => false,
    portRange: { min: 61000, max: 61003 },
  });
}

const env = { Id: 7, Type: 4, EdgeID: 'edge-7', UserTrusted: true };
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('a tunnel port the agent could not get listened on', () => {
  it('EADDRINUSE moves the tunnel to another port with fresh credentials, and the next poll gets them', async () => {
    const s = fakeServer();
    const changes: string[] = [];
    const m = manager(s.port, changes);
    const first = { ...(await m.open(env)) };
    expect([...s.users.keys()]).toEqual([first.username]);
    s.events.emit('listenFailed', { username: first.username, port: first.port, target: '127.0.0.1:80', code: 'EADDRINUSE' });
    await settle();
    const moved = m.config(env.Id);
    expect(moved.status).toBe('REQUIRED');
    expect(moved.port).not.toBe(first.port);
    expect(moved.credentials).not.toBe(first.credentials);
    expect(moved.credentials).toContain('|edge-7)');
    // Only the new user exists, allowed only the new port.
    const [user, ...rest] = [...s.users.values()];
    expect(rest).toEqual([]);
    expect(user!.username).not.toBe(first.username);
    expect(user!.allowed.test(`R:0.0.0.0:${moved.port}`)).toBe(true);
    expect(user!.allowed.test(`R:0.0.0.0:${first.port}`)).toBe(false);
    expect(changes).toEqual(['7 open', '7 open']); // the second drops the poll ETag
  });

  it('other listen errors, and ports of no tunnel, change nothing', async () => {
    const s = fakeServer();
    const changes: string[] = [];
    const m = manager(s.port, changes);
    const first = { ...(await m.open(env)) };
    s.events.emit('listenFailed', { username: first.username, port: first.port, target: '', code: 'EACCES' });
    s.events.emit('listenFailed', { username: 'x', port: 1, target: '', code: 'EADDRINUSE' });
    await settle();
    expect(m.config(env.Id)).toMatchObject({ port: first.port, credentials: first.credentials });
    expect(changes).toEqual(['7 open']);
  });

  it('a tunnel closed while it was being moved leaves no user or port behind', async () => {
    const s = fakeServer();
    const m = manager(s.port, []);
    const first = await m.open(env);
    s.events.emit('listenFailed', { username: first.username, port: first.port, target: '', code: 'EADDRINUSE' });
    m.close(env.Id); // before the port search (async) has finished
    await settle();
    expect(m.config(env.Id).status).toBe('IDLE');
    expect(s.users.size).toBe(0);
    expect(m.size).toBe(0);
    // All four ports of the range can be handed out again.
    const ports = new Set<number>();
    for (let id = 1; id <= 4; id++) ports.add((await m.open({ ...env, Id: 100 + id })).port);
    expect(ports.size).toBe(4);
  });
});
