/**
 * The few places where chisel's wire protocol goes beyond what ssh2 1.17 exposes.
 * All reach into ssh2 internals (checked against node_modules/ssh2 1.17.0), so they live here,
 * small and commented, and nowhere else:
 *
 * 1. Identification strings. Chisel sends `SSH-chisel-v3-server` / `SSH-chisel-v3-client` (no
 *    `2.0-`). ssh2 always prefixes `SSH-2.0-` to its own ident and rejects a remote ident that does
 *    not match /^SSH-(2.0|1.99)-/. `IdentShim` rewrites the ident line on the byte stream in both
 *    directions, and `fixIdents` restores the exact strings in the protocol object before the key
 *    exchange hashes them (V_C/V_S are part of the exchange hash, so both sides must agree on the
 *    bytes really sent).
 * 2. Raw global requests. Chisel's `config` request payload and the failure reply's error text are
 *    raw bytes. ssh2's server only surfaces tcpip-forward & co. (it auto-fails the rest), and its
 *    client can only send known requests and drops REQUEST_FAILURE payloads. ssh2's parser does keep
 *    the raw data of unknown requests (`readRaw`), so we wrap the per-connection message handler
 *    and write packets with ssh2's own packet writer.
 * 3. The `chisel` channel type with raw extra data. ssh2 can only open forwarded-tcpip/x11/
 *    streamlocal channels, and its parser drops the extra data of unknown channel types.
 * 4. Keep-alive. ssh2's Server always pings its clients with `keepalive@openssh.com` (an interval
 *    of 0 or Infinity means "the default 15 s") and disconnects after 4 unanswered ones; chisel
 *    never answers that request. `SSH2_KEEPALIVE_OFF` + `silenceServerKeepalive` turn it off.
 * 5. Global requests towards a chisel client: `answerGlobalRequestsLikeChisel` makes our client
 *    answer only `ping` (ssh2's Client auto-rejects the others, which chisel never does).
 */
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

const require = createRequire(import.meta.url);
 
const { sendPacket } = require('ssh2/lib/protocol/utils.js') as { sendPacket: (proto: unknown, packet: Buffer) => boolean };
 
const ChannelMod = require('ssh2/lib/Channel.js') as {
  Channel: new (client: unknown, info: unknown, opts?: unknown) => Duplex;
  MAX_WINDOW: number;
  PACKET_SIZE: number;
};

const MSG_GLOBAL_REQUEST = 80;
const MSG_REQUEST_SUCCESS = 81;
const MSG_REQUEST_FAILURE = 82;
const MSG_CHANNEL_OPEN = 90;
/** SSH_OPEN_CONNECT_FAILED */
export const OPEN_CONNECT_FAILED = 2;

/* Shapes of the ssh2 internals we touch. */
interface PacketWriter {
  allocStart: number;
  alloc(n: number, force?: boolean): Buffer;
  finalize(packet: Buffer, force?: boolean): Buffer;
}
export interface ProtoInternals {
  _packetRW: { write: PacketWriter };
  // ssh2's handler table is untyped internals; its argument lists differ per message.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  _handlers: Record<string, (...args: any[]) => unknown>;
  _onPayload: (payload: Buffer) => unknown;
  _onHeader: (header: unknown) => void;
  _identRaw: Buffer;
  _remoteIdentRaw: Buffer | undefined;
  channelOpenConfirm(remote: number, local: number, window: number, packet: number): void;
  channelOpenFail(remote: number, reason: number, desc: string): void;
}
interface ChanMgr {
  add(val?: unknown): number;
  update(id: number, val: unknown): void;
  remove(id: number): void;
}
export interface ConnInternals {
  _protocol: ProtoInternals;
  _chanMgr: ChanMgr;
  _callbacks?: Array<(hadErr: boolean, data?: Buffer) => void>;
}

function sshString(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** Writes one SSH message (type byte included) through ssh2's packet writer (encryption, sequencing, rekey queueing). */
function sendRawMessage(proto: ProtoInternals, message: Buffer): void {
  const w = proto._packetRW.write;
  const p = w.allocStart;
  const packet = w.alloc(message.length);
  message.copy(packet, p);
  sendPacket(proto, w.finalize(packet));
}

/* ---------- 1. identification strings ---------- */

const ONE_NINE_PREFIX = 'SSH-2.0-';

/**
 * Byte-stream half of the ident fix: `outgoing` turns ssh2's `SSH-2.0-<ident>` into `SSH-<ident>`
 * when the ident starts with `chisel-` (what chisel sends); `incoming` turns a remote `SSH-chisel-…`
 * into `SSH-2.0-chisel-…` so ssh2's parser accepts it. Only the first line of each direction is touched.
 */
export class IdentShim {
  sentIdent?: string;
  receivedIdent?: string;
  private outDone = false;
  private inDone = false;
  private inBuf: Buffer = Buffer.alloc(0);

  outgoing(chunk: Buffer): Buffer {
    if (this.outDone) return chunk;
    this.outDone = true;
    const s = chunk.toString('latin1');
    const nl = s.indexOf('\r\n');
    if (nl < 0) return chunk;
    let line = s.slice(0, nl);
    if (line.startsWith(ONE_NINE_PREFIX + 'chisel-')) line = 'SSH-' + line.slice(ONE_NINE_PREFIX.length);
    this.sentIdent = line;
    return Buffer.concat([Buffer.from(line, 'latin1'), chunk.subarray(nl)]);
  }

  /** Returns bytes to hand to ssh2, or null while the ident line is still incomplete. Throws on an over-long line. */
  incoming(chunk: Buffer): Buffer | null {
    if (this.inDone) return chunk;
    this.inBuf = this.inBuf.length ? Buffer.concat([this.inBuf, chunk]) : chunk;
    const nl = this.inBuf.indexOf(10);
    if (nl < 0) {
      if (this.inBuf.length > 8192) throw new Error('no SSH identification line within 8 KiB');
      return null;
    }
    this.inDone = true;
    const buf = this.inBuf;
    this.inBuf = Buffer.alloc(0);
    let line = buf.subarray(0, nl).toString('latin1').replace(/\r$/, '');
    // A non-SSH line before the ident (allowed by RFC 4253 for servers) is left to ssh2.
    if (!line.startsWith('SSH-')) {
      this.inDone = false;
      return buf;
    }
    this.receivedIdent = line;
    if (line.startsWith('SSH-chisel-')) line = ONE_NINE_PREFIX + line.slice(4);
    return Buffer.concat([Buffer.from(line + '\r\n', 'latin1'), buf.subarray(nl + 1)]);
  }
}

/** Protocol half: puts the bytes really exchanged back into the kex inputs. Call from ssh2's header hook. */
export function fixIdents(proto: ProtoInternals, shim: IdentShim): void {
  if (shim.sentIdent) proto._identRaw = Buffer.from(shim.sentIdent, 'latin1');
  if (shim.receivedIdent) proto._remoteIdentRaw = Buffer.from(shim.receivedIdent, 'latin1');
}

/** Client side: ssh2's Client has no header event, so wrap the protocol's header callback. */
export function hookClientHeader(conn: ConnInternals, shim: IdentShim): void {
  const proto = conn._protocol;
  const orig = proto._onHeader;
  proto._onHeader = (header: unknown) => {
    fixIdents(proto, shim);
    orig(header);
  };
}

/* ---------- 2. raw global requests ---------- */

/** Server side: intercepts global requests by name with their raw payload; others go to ssh2 as usual. */
export function interceptGlobalRequests(
  conn: ConnInternals,
  handle: (name: string, wantReply: boolean, data: Buffer) => boolean,
): void {
  const handlers = conn._protocol._handlers;
  const orig = handlers.GLOBAL_REQUEST!;
  handlers.GLOBAL_REQUEST = (p: unknown, name: string, wantReply: boolean, data: unknown) => {
    if (Buffer.isBuffer(data) && handle(name, wantReply, data)) return;
    return orig(p, name, wantReply, data);
  };
}

/** Reply to a global request with a raw payload (chisel puts its error text into the failure reply). */
export function replyGlobalRequest(conn: ConnInternals, ok: boolean, data?: Buffer): void {
  const body = data ?? Buffer.alloc(0);
  sendRawMessage(conn._protocol, Buffer.concat([Buffer.from([ok ? MSG_REQUEST_SUCCESS : MSG_REQUEST_FAILURE]), body]));
}

/**
 * Client side: send a global request with a raw payload and wait for its reply. The reply comes
 * through ssh2's client callback queue (the same one its tcpip-forward uses), so ordering with
 * ssh2's own requests stays right; the failure payload is captured by `tapClient`.
 */
export function sendGlobalRequest(conn: ConnInternals, tap: ClientTap, name: string, data: Buffer): Promise<{ ok: boolean; data: Buffer }> {
  return new Promise((resolve) => {
    conn._callbacks!.push((hadErr, reply) => {
      if (hadErr) resolve({ ok: false, data: tap.takeFailure() });
      else resolve({ ok: true, data: reply ?? Buffer.alloc(0) });
    });
    sendRawMessage(conn._protocol, Buffer.concat([Buffer.from([MSG_GLOBAL_REQUEST]), sshString(name), Buffer.from([1]), data]));
  });
}

/* ---------- 4. no keep-alive from the server ---------- */

/**
 * ssh2 1.17's Server reads `keepaliveInterval` only when it is a finite number > 0 (else 15 s) and
 * `keepaliveCountMax` only when finite and >= 0 (else 3), so it cannot be switched off by config.
 * The longest interval a Node timer takes (2^31-1 ms, ~24.8 days, refreshed by every packet) and
 * a count that is never reached make its timer inert; silenceServerKeepalive then makes the ping
 * itself a no-op, so nothing is ever sent, exactly like Portainer's chisel server (no KeepAlive).
 */
export const SSH2_KEEPALIVE_OFF = { keepaliveInterval: 2 ** 31 - 1, keepaliveCountMax: Number.MAX_SAFE_INTEGER } as const;

/** Per connection (from the server's 'connection' handler): ssh2's keepalive timer calls `_protocol.ping()`. */
export function silenceServerKeepalive(conn: ConnInternals): void {
  (conn._protocol as unknown as { ping: () => void }).ping = () => undefined;
}

/* ---------- 5. global requests, as chisel answers them ---------- */

/**
 * Client side: chisel's client (share/tunnel/tunnel.go handleSSHRequests, v1.10.0) replies `pong`
 * to `ping` and leaves every other global request unanswered; ssh2's Client would auto-reject
 * them (a reply packet a real agent never sends, which hides a server that waits for one).
 */
export function answerGlobalRequestsLikeChisel(conn: ConnInternals): void {
  const handlers = conn._protocol._handlers;
  handlers.GLOBAL_REQUEST = (_p: unknown, name: string, wantReply: boolean) => {
    if (name === 'ping' && wantReply) replyGlobalRequest(conn, true, Buffer.from('pong'));
  };
}

/* ---------- 3. custom channel types ---------- */

/**
 * Server side: asks the client to open a channel of `type` with raw extra data. The pending entry
 * is registered in ssh2's channel manager exactly like its own openChannel() does, so ssh2's
 * CHANNEL_OPEN_CONFIRMATION/FAILURE handlers complete it and create the Channel stream.
 */
export function openRawChannel(conn: ConnInternals, type: string, extra: Buffer, cb: (err: Error | undefined, stream?: Duplex) => void): void {
  const wrapper = (err: Error | undefined, stream?: Duplex) => cb(err, stream);
  (wrapper as unknown as { type: string }).type = type;
  const localChan = conn._chanMgr.add(wrapper);
  if (localChan === -1) {
    cb(new Error('No free channels available'));
    return;
  }
  sendRawMessage(
    conn._protocol,
    Buffer.concat([Buffer.from([MSG_CHANNEL_OPEN]), sshString(type), u32(localChan), u32(ChannelMod.MAX_WINDOW), u32(ChannelMod.PACKET_SIZE), extra]),
  );
}

export interface IncomingRawChannel {
  type: string;
  extra: Buffer;
  accept(): Duplex;
  reject(reason: number, description: string): void;
}

export interface ClientTap {
  takeFailure(): Buffer;
}

/**
 * Client side: ssh2's parser drops the extra data of unknown channel types and its client rejects
 * them. We peek at raw CHANNEL_OPEN payloads of the wanted type to keep the extra data (keyed by
 * the sender's channel id), and replace the per-connection CHANNEL_OPEN handler for that type.
 * REQUEST_FAILURE payloads are captured the same way. Compression must be 'none' (we read the
 * payload before ssh2's decompression step).
 */
export function tapClient(conn: ConnInternals, channelType: string, onChannel: (ch: IncomingRawChannel) => void): ClientTap {
  const proto = conn._protocol;
  const extras = new Map<number, Buffer>();
  const failures: Buffer[] = [];
  const origPayload = proto._onPayload;
  const typeBuf = Buffer.from(channelType);
  proto._onPayload = (payload: Buffer) => {
    if (payload.length > 0) {
      if (payload[0] === MSG_CHANNEL_OPEN && payload.length >= 5) {
        const nameLen = payload.readUInt32BE(1);
        if (nameLen === typeBuf.length && payload.length >= 5 + nameLen + 12 && payload.subarray(5, 5 + nameLen).equals(typeBuf)) {
          const sender = payload.readUInt32BE(5 + nameLen);
          if (extras.size < 1024) extras.set(sender, Buffer.from(payload.subarray(5 + nameLen + 12)));
        }
      } else if (payload[0] === MSG_REQUEST_FAILURE) {
        failures.push(Buffer.from(payload.subarray(1)));
        if (failures.length > 16) failures.shift();
      }
    }
    return origPayload(payload);
  };
  const handlers = proto._handlers;
  const origOpen = handlers.CHANNEL_OPEN!;
  handlers.CHANNEL_OPEN = (p: unknown, info: { type: string; sender: number; window: number; packetSize: number }) => {
    if (info.type !== channelType) return origOpen(p, info);
    const extra = extras.get(info.sender) ?? Buffer.alloc(0);
    extras.delete(info.sender);
    let done = false;
    const localChan = conn._chanMgr.add();
    if (localChan === -1) {
      proto.channelOpenFail(info.sender, 4 /* RESOURCE_SHORTAGE */, 'no free channels');
      return;
    }
    onChannel({
      type: info.type,
      extra,
      accept: () => {
        if (done) throw new Error('channel already answered');
        done = true;
        const chanInfo = {
          type: info.type,
          incoming: { id: localChan, window: ChannelMod.MAX_WINDOW, packetSize: ChannelMod.PACKET_SIZE, state: 'open' },
          outgoing: { id: info.sender, window: info.window, packetSize: info.packetSize, state: 'open' },
        };
        const stream = new ChannelMod.Channel(conn, chanInfo);
        conn._chanMgr.update(localChan, stream);
        proto.channelOpenConfirm(info.sender, localChan, ChannelMod.MAX_WINDOW, ChannelMod.PACKET_SIZE);
        return stream;
      },
      reject: (reason, description) => {
        if (done) return;
        done = true;
        conn._chanMgr.remove(localChan);
        proto.channelOpenFail(info.sender, reason, description);
      },
    });
  };
  return { takeFailure: () => failures.shift() ?? Buffer.alloc(0) };
}

