import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerGlobalRequestsLikeChisel, type ConnInternals } from '../../../src-main/services/tunnel/sshShims';

/**
 * Issue #10 item 6: our simulated agents' SSH client must answer global requests as the agent's
 * chisel client does (share/tunnel/tunnel_out_ssh.go, v1.10.0): `ping` → `pong`, everything else
 * (keepalive@openssh.com…) never answered. ssh2's own Client auto-rejects them, which hid a
 * server that waited for replies the real agent never sends.
 */
type Reply = { ok: boolean; data?: string };

describe("global requests towards the agent's tunnel client", () => {
  let server: ssh2.Server;
  let port: number;
  const replies: Reply[] = [];
  let serverConn: (ConnInternals & { _protocol: { ping(): void } }) | undefined;

  beforeAll(async () => {
    const hostKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    server = new ssh2.Server({ hostKeys: [hostKey] }, (conn) => {
      conn.on('authentication', (ctx) => ctx.accept());
      conn.on('error', () => undefined);
      conn.on('ready', () => {
        const c = conn as unknown as ConnInternals & { _protocol: { ping(): void } };
        const h = c._protocol._handlers;
        h.REQUEST_SUCCESS = (_p: unknown, data?: Buffer) => void replies.push({ ok: true, data: data?.toString() });
        h.REQUEST_FAILURE = () => void replies.push({ ok: false });
        serverConn = c;
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Sends keepalive@openssh.com (ssh2's own keep-alive) and a raw `ping`, both wanting a reply. */
  async function probe(chiselLike: boolean): Promise<Reply[]> {
    replies.length = 0;
    serverConn = undefined;
    const client = new ssh2.Client();
    client.on('error', () => undefined);
    const ready = new Promise<void>((r) => client.once('ready', () => r()));
    client.connect({ host: '127.0.0.1', port, username: 'agent', password: 'x' });
    if (chiselLike) answerGlobalRequestsLikeChisel(client as unknown as ConnInternals);
    await ready;
    for (let i = 0; i < 100 && !serverConn; i++) await new Promise((r) => setTimeout(r, 10));
    const conn = serverConn!;
    conn._protocol.ping();
    // A `ping` global request with want-reply, as chisel's keepAliveLoop sends it (raw: ssh2's server has no call for it).
    const { sendPacket } = createRequire(import.meta.url)('ssh2/lib/protocol/utils.js') as { sendPacket: (p: unknown, b: Buffer) => void };
    const w = (conn._protocol as unknown as { _packetRW: { write: { allocStart: number; alloc(n: number): Buffer; finalize(b: Buffer): Buffer } } })._packetRW.write;
    const msg = Buffer.concat([Buffer.from([80, 0, 0, 0, 4]), Buffer.from('ping'), Buffer.from([1])]);
    const packet = w.alloc(msg.length);
    msg.copy(packet, w.allocStart);
    sendPacket(conn._protocol, w.finalize(packet));
    await new Promise((r) => setTimeout(r, 500));
    client.end();
    return [...replies];
  }

  it('the simulated agent answers ping with pong and leaves keepalive@openssh.com unanswered, like chisel', async () => {
    expect(await probe(true)).toEqual([{ ok: true, data: 'pong' }]);
  });

  it("(for contrast) ssh2's own client rejects both, a reply chisel never sends", async () => {
    expect(await probe(false)).toEqual([{ ok: false }, { ok: false }]);
  });
});
