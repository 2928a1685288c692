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
  const disconnected: string[] = [];
  const port: TunnelServerPort = {
    addUser: (u) => void users.set(u.username, u),
    removeUser: (name) => void users.delete(name),
    disconnectUser: (name) => void disconnected.push(name),
    on: (event: string, listener: (info: unknown) => void) => events.on(event, listener),
  } as TunnelServerPort;
  return { port, events, users, disconnected };
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
    ping: async () => 204,
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
    expect(changes).toEqual(['7 open', '7 close', '7 open']); // each drops the poll ETag
    expect(m.state(env.Id)).toMatchObject({ status: 'open', port: moved.port, waitingForIdle: false });
  });

  it('an agent that was offered the old port gets IDLE once before the moved tunnel (it believes its tunnel open until then)', async () => {
    const s = fakeServer();
    const changes: string[] = [];
    const m = manager(s.port, changes);
    const first = { ...(await m.open(env)) };
    m.answered(env.Id, 'REQUIRED'); // a poll handed it to the agent
    s.events.emit('listenFailed', { username: first.username, port: first.port, target: '', code: 'EADDRINUSE' });
    await settle();
    expect(m.config(env.Id).status).toBe('IDLE');
    expect(m.state(env.Id)).toMatchObject({ status: 'open', waitingForIdle: true });
    m.answered(env.Id, 'IDLE');
    const moved = m.config(env.Id);
    expect(moved.status).toBe('REQUIRED');
    expect(moved.port).not.toBe(first.port);
    expect(changes).toEqual(['7 open', '7 close', '7 open', '7 open']); // the last drops the IDLE answer's ETag
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

describe('the tunnel state as the agent really has it', () => {
  it("the agent's connection ending closes the tunnel as dropped; a new one is offered after one IDLE answer", async () => {
    const s = fakeServer();
    const changes: string[] = [];
    const m = manager(s.port, changes);
    expect(m.state(env.Id)).toEqual({ status: 'closed', port: 0, since: 0 });
    const e = { ...(await m.open(env)) };
    m.answered(env.Id, 'REQUIRED');
    expect(m.state(env.Id)).toEqual({ status: 'open', port: e.port, since: 1000, waitingForIdle: false });
    // A 'down' for a connection that never came up, or for another user on the port, changes nothing.
    s.events.emit('down', { username: e.username, port: e.port, target: '' });
    s.events.emit('up', { username: 'someone-else', port: e.port, target: '' });
    expect(m.state(env.Id).status).toBe('open');
    s.events.emit('up', { username: e.username, port: e.port, target: '127.0.0.1:9001' });
    await settle();
    expect(m.state(env.Id).status).toBe('verified'); // the fake ping answers 204
    s.events.emit('down', { username: e.username, port: e.port, target: '127.0.0.1:9001' });
    expect(m.state(env.Id)).toEqual({ status: 'closed', port: 0, since: 1000, reason: 'dropped' });
    expect(m.config(env.Id).status).toBe('IDLE');
    expect(s.users.size).toBe(0);
    expect(s.disconnected).toEqual([e.username]);
    // The next need: held back until the agent has seen IDLE.
    const again = await m.open(env);
    expect(m.config(env.Id).status).toBe('IDLE');
    m.answered(env.Id, 'IDLE');
    expect(m.config(env.Id)).toMatchObject({ status: 'REQUIRED', port: again.port });
  });

  it('ensure (TunnelAddr): waits for the agent and verifies; fails after 2 × the check-in interval and closes the tunnel', async () => {
    const s = fakeServer();
    const m = manager(s.port, []);
    const pending = m.ensure(env, 1);
    await settle();
    const e = m.entry(env.Id)!;
    s.events.emit('up', { username: e.username, port: e.port, target: '127.0.0.1:9001' });
    await expect(pending).resolves.toMatchObject({ status: 'verified', port: e.port });
    // Already verified and connected: answers at once.
    await expect(m.ensure(env, 1)).resolves.toMatchObject({ status: 'verified' });

    const other = { ...env, Id: 8, EdgeID: 'edge-8' };
    const t0 = Date.now();
    await expect(m.ensure(other, 0.2)).rejects.toThrow(/did not open its tunnel within 0.4 s \(2 × its 0.2 s check-in interval; it did not poll/);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(380);
    expect(waited).toBeLessThan(2000);
    expect(m.state(other.Id)).toMatchObject({ status: 'closed', reason: 'unreachable' });
  });
});
