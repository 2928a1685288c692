import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { timingSafeEqual, createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger, type Logger } from '../logging/logger';
import { fingerprintMd5, fingerprintSha256, loadHostKeyPem, sshPublicKeyBlob } from './hostKey';
import { IdentShim, fixIdents, interceptGlobalRequests, openRawChannel, replyGlobalRequest, silenceServerKeepalive, SSH2_KEEPALIVE_OFF, type ConnInternals } from './sshShims';
import type { ReverseTunnelInfo, TunnelServerEvents, TunnelServerOptions, TunnelUser } from './types';
import { WebSocketDuplex } from './wsStream';

/**
 * A chisel-v3 compatible tunnel server (portainer-edge.md §4.1): HTTP + WebSocket (`chisel-v3`
 * subprotocol) carrying SSH; clients authenticate with a password, send a `config` request with
 * reverse remotes, and get a loopback listener per remote whose connections are carried back as
 * `chisel` channels.
 */

export const CHISEL_PROTOCOL = 'chisel-v3';
export const DEFAULT_TUNNEL_VERSION = '1.10.0';
/** chisel WS_TIMEOUT is 45 s for the upgrade; we bound the whole SSH handshake + auth + config. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** chisel CONFIG_TIMEOUT. */
const CONFIG_TIMEOUT_MS = 10_000;
const MAX_WS_PAYLOAD = 1 << 20;
const MAX_CONFIG_BYTES = 64 * 1024;
const MAX_REMOTES = 32;

export interface TunnelServerExtraOptions {
  logger?: Logger;
  /** Upper bound of simultaneous WebSocket connections. */
  maxConnections?: number;
  handshakeTimeoutMs?: number;
  configTimeoutMs?: number;
}

interface ChiselRemote {
  LocalHost?: string;
  LocalPort?: string | number;
  LocalProto?: string;
  RemoteHost?: string;
  RemotePort?: string | number;
  RemoteProto?: string;
  Socks?: boolean;
  Reverse?: boolean;
  Stdio?: boolean;
}

interface ConnState {
  username?: string;
  conn?: ssh2.Connection;
  listeners: Array<{ server: NetServer; info: ReverseTunnelInfo }>;
  sockets: Set<Socket | Duplex>;
  configured: boolean;
  closed: boolean;
  ws: WebSocket;
  duplex: WebSocketDuplex;
  timer?: NodeJS.Timeout;
}

// Typed events for the EventEmitter subclass below (declaration merging is the intent here).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface TunnelServer {
  on<E extends keyof TunnelServerEvents>(event: E, listener: TunnelServerEvents[E]): this;
  once<E extends keyof TunnelServerEvents>(event: E, listener: TunnelServerEvents[E]): this;
  off<E extends keyof TunnelServerEvents>(event: E, listener: TunnelServerEvents[E]): this;
  emit<E extends keyof TunnelServerEvents>(event: E, ...args: Parameters<TunnelServerEvents[E]>): boolean;
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** chisel's Remote.String(): `R:<local>=><remote>` without a 0.0.0.0 local host or a 127.0.0.1 remote host. */
function chiselRemoteString(localHost: string, localPort: number, target: string): string {
  const local = localHost === '0.0.0.0' ? String(localPort) : `${localHost}:${localPort}`;
  return `R:${local}=>${target.startsWith('127.0.0.1:') ? target.slice('127.0.0.1:'.length) : target}`;
}

function writeRawHttp(socket: Duplex, status: number, text: string, body: string): void {
  const payload = Buffer.from(body);
  try {
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  } catch {
    socket.destroy();
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TunnelServer extends EventEmitter {
  private readonly options: TunnelServerOptions;
  private readonly logger: Logger;
  private readonly hostKeyPem: string;
  private readonly blob: Buffer;
  private readonly users = new Map<string, TunnelUser>();
  private readonly conns = new Set<ConnState>();
  private readonly http: HttpServer;
  private readonly wss: WebSocketServer;
  private readonly ssh: ssh2.Server;
  private readonly byDuplex = new WeakMap<Duplex, ConnState>();
  /** Reverse ports our own live tunnels listen on, and the connection that holds each. */
  private readonly byPort = new Map<number, ConnState>();
  private readonly maxConnections: number;
  private readonly handshakeTimeoutMs: number;
  private readonly configTimeoutMs: number;
  private boundPort = 0;
  private closing = false;

  constructor(options: TunnelServerOptions, extra: TunnelServerExtraOptions = {}) {
    super();
    this.options = options;
    this.logger = extra.logger ?? silentLogger;
    this.maxConnections = extra.maxConnections ?? 20_000;
    this.handshakeTimeoutMs = extra.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    this.configTimeoutMs = extra.configTimeoutMs ?? CONFIG_TIMEOUT_MS;
    const loaded = loadHostKeyPem(options.hostKeyPem);
    this.hostKeyPem = loaded.pem;
    this.blob = sshPublicKeyBlob(loaded.key);

    this.http = createHttpServer((req, res) => this.onHttp(req, res));
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (_err, socket) => socket.destroy());
    this.http.on('error', (err) => this.logger.warn('tunnel http server error', err));
    this.http.headersTimeout = 45_000;
    this.http.requestTimeout = 45_000;

    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD, perMessageDeflate: false, handleProtocols: () => CHISEL_PROTOCOL });
    this.wss.on('error', (err) => this.logger.warn('tunnel websocket error', err));

    this.ssh = new ssh2.Server(
      {
        hostKeys: [this.hostKeyPem],
        ident: 'chisel-v3-server',
        algorithms: { compress: ['none'] },
        // Portainer's chisel server sends nothing on an idle tunnel, and the agent's chisel client
        // never answers keepalive@openssh.com: ssh2's default (every 15 s, disconnect after 4
        // unanswered) killed every idle tunnel after 60 s. See silenceServerKeepalive.
        ...SSH2_KEEPALIVE_OFF,
      },
      (conn, info) => this.onSshConnection(conn, info),
    );
    this.ssh.on('error', (err: Error) => this.logger.warn('tunnel ssh server error', err));
  }

  /** base64 std (padded) SHA-256 of the host key blob: what goes into Edge keys. */
  get fingerprint(): string {
    return fingerprintSha256(this.blob);
  }

  /** Legacy MD5 colon-hex, as keys from Portainer ≤ 2.18 carry it. */
  get fingerprintMd5(): string {
    return fingerprintMd5(this.blob);
  }

  get port(): number {
    return this.boundPort;
  }

  get version(): string {
    return this.options.version ?? DEFAULT_TUNNEL_VERSION;
  }

  addUser(user: TunnelUser): void {
    this.users.set(user.username, user);
  }

  removeUser(username: string): void {
    this.users.delete(username);
  }

  hasUser(username: string): boolean {
    return this.users.has(username);
  }

  /** The reverse listeners currently open. */
  tunnels(): ReverseTunnelInfo[] {
    return [...this.conns].flatMap((c) => c.listeners.map((l) => l.info));
  }

  /** Closes the SSH connection(s) of a user (e.g. when the server decides a tunnel is idle). */
  disconnectUser(username: string): void {
    for (const c of this.conns) if (c.username === username) this.endConn(c, 'disconnected by server');
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', onError);
        const addr = this.http.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : this.options.port;
        resolve(this.boundPort);
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of [...this.conns]) this.endConn(c, 'server closing');
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      if (!this.http.listening) return resolve();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /* ---------- HTTP ---------- */

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    if (path === '/health') {
      res.writeHead(200).end('OK\n');
    } else if (path === '/version') {
      res.writeHead(200).end(this.version);
    } else {
      res.writeHead(404).end('Not found');
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    const protocol = String(req.headers['sec-websocket-protocol'] ?? '').trim();
    if (upgrade !== 'websocket' || protocol !== CHISEL_PROTOCOL) {
      this.emit('refused', { reason: protocol ? `unsupported websocket subprotocol '${protocol.slice(0, 64)}'` : 'missing chisel-v3 subprotocol' });
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/health') writeRawHttp(socket, 200, 'OK', 'OK\n');
      else if (path === '/version') writeRawHttp(socket, 200, 'OK', this.version);
      else writeRawHttp(socket, 404, 'Not Found', 'Not found');
      return;
    }
    if (this.closing || this.conns.size >= this.maxConnections) {
      this.emit('refused', { reason: 'too many tunnel connections' });
      writeRawHttp(socket, 503, 'Service Unavailable', 'Too many connections');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onWebSocket(ws));
  }

  /* ---------- SSH over WebSocket ---------- */

  private onWebSocket(ws: WebSocket): void {
    const shim = new IdentShim();
    const duplex = new WebSocketDuplex(ws, shim);
    const state: ConnState = { listeners: [], sockets: new Set(), configured: false, closed: false, ws, duplex };
    (duplex as unknown as { __shim: IdentShim }).__shim = shim;
    this.conns.add(state);
    this.byDuplex.set(duplex, state);
    duplex.on('error', (err) => this.logger.debug('tunnel stream error', err.message));
    duplex.on('close', () => this.endConn(state, 'connection closed'));
    ws.on('error', () => undefined);
    state.timer = setTimeout(() => {
      if (!state.configured) {
        this.emit('refused', { reason: 'handshake timeout', username: state.username });
        this.endConn(state, 'handshake timeout');
      }
    }, this.handshakeTimeoutMs);
    state.timer.unref?.();
    try {
      this.ssh.injectSocket(duplex as unknown as Socket);
    } catch (err) {
      this.logger.warn('tunnel: cannot start SSH on connection', err);
      this.endConn(state, 'ssh start failed');
    }
  }

  private onSshConnection(conn: ssh2.Connection, _info: ssh2.ClientInfo): void {
    const internals = conn as unknown as ConnInternals & { _sock: Duplex };
    const state = this.byDuplex.get(internals._sock);
    if (!state) {
      conn.end();
      return;
    }
    state.conn = conn;
    silenceServerKeepalive(internals);
    fixIdents(internals._protocol, (internals._sock as unknown as { __shim: IdentShim }).__shim);
    conn.on('error', (err: Error) => this.logger.debug('tunnel ssh connection error', err.message));
    conn.on('close', () => this.endConn(state, 'ssh closed'));
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'password') {
        ctx.reject(['password']);
        return;
      }
      const user = this.users.get(ctx.username);
      if (!user || !safeEqual(user.password, ctx.password)) {
        this.emit('refused', { reason: 'authentication failed', username: ctx.username.slice(0, 64) });
        ctx.reject(['password']);
        return;
      }
      state.username = user.username;
      ctx.accept();
    });
    conn.on('ready', () => {
      const t = setTimeout(() => {
        if (!state.configured) {
          this.emit('refused', { reason: 'no config request', username: state.username });
          this.endConn(state, 'config timeout');
        }
      }, this.configTimeoutMs);
      t.unref?.();
    });
    interceptGlobalRequests(internals, (name, wantReply, data) => {
      if (name === 'ping') {
        if (wantReply) replyGlobalRequest(internals, true, Buffer.from('pong'));
        return true;
      }
      if (name === 'config') {
        void this.onConfig(state, internals, wantReply, data);
        return true;
      }
      return false;
    });
  }

  private async onConfig(state: ConnState, conn: ConnInternals, wantReply: boolean, data: Buffer): Promise<void> {
    const fail = (reason: string) => {
      this.emit('refused', { reason, username: state.username });
      if (wantReply && !state.closed) replyGlobalRequest(conn, false, Buffer.from(reason));
    };
    if (!state.username) return fail('not authenticated');
    if (state.configured) return fail('already configured');
    if (data.length > MAX_CONFIG_BYTES) return fail('config too large');
    let cfg: { Version?: string; Remotes?: ChiselRemote[] };
    try {
      cfg = JSON.parse(data.toString('utf8'));
    } catch {
      return fail('invalid config');
    }
    if (cfg.Version && cfg.Version !== this.version) this.logger.debug(`tunnel client version ${String(cfg.Version).slice(0, 32)} differs from server ${this.version}`);
    const remotes = Array.isArray(cfg?.Remotes) ? cfg.Remotes : [];
    if (remotes.length === 0) return fail('no remotes');
    if (remotes.length > MAX_REMOTES) return fail('too many remotes');
    const user = this.users.get(state.username);
    if (!user) return fail('user no longer exists');

    const opened: Array<{ server: NetServer; info: ReverseTunnelInfo }> = [];
    // Ports are claimed before the (async) listen, so two clients configuring the same remote at
    // once cannot both get past the live-tunnel check.
    const claimed: number[] = [];
    const undo = () => {
      opened.forEach((o) => o.server.close());
      for (const p of claimed) if (this.byPort.get(p) === state) this.byPort.delete(p);
    };
    for (const r of remotes) {
      if (typeof r !== 'object' || r === null) {
        undo();
        return fail('invalid remote');
      }
      const localHost = r.LocalHost || '0.0.0.0';
      const localPort = Number(r.LocalPort);
      const userAddr = `R:${localHost}:${String(r.LocalPort ?? '')}`;
      // The refusals below use chisel's own words (server/server_handler.go, v1.10.0).
      user.allowed.lastIndex = 0;
      if (!user.allowed.test(userAddr)) {
        undo();
        return fail(`server: access to '${userAddr}' denied`);
      }
      if (!r.Reverse) {
        undo();
        return fail('server: Reverse port forwaring not enabled on server');
      }
      if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535) {
        undo();
        return fail(`server: invalid local port in '${userAddr}'`);
      }
      if (r.Socks || r.Stdio || (r.LocalProto && r.LocalProto !== 'tcp')) {
        undo();
        return fail(`server: only tcp reverse remotes are supported ('${userAddr}')`);
      }
      const target = `${r.RemoteHost ?? ''}:${String(r.RemotePort ?? '')}`;
      const info: ReverseTunnelInfo = { username: user.username, port: localPort, target };
      const cannotListen = `server: Server cannot listen on ${chiselRemoteString(localHost, localPort, target)}`;
      const holder = this.byPort.get(localPort);
      if (holder && holder !== state && !holder.closed) {
        // A second client for a live tunnel (e.g. a restarted agent, a copy of it): refused as
        // chisel refuses it, and the working tunnel stays where it is.
        undo();
        this.emit('refused', { reason: `port ${localPort} is held by a live tunnel`, username: user.username });
        if (wantReply && !state.closed) replyGlobalRequest(conn, false, Buffer.from(cannotListen));
        return;
      }
      this.byPort.set(localPort, state);
      claimed.push(localPort);
      try {
        const server = await this.openListener(state, conn, info);
        opened.push({ server, info });
      } catch (err) {
        undo();
        // Held by something that is not one of our tunnels: the tunnel manager may move the port.
        this.emit('listenFailed', { ...info, code: (err as NodeJS.ErrnoException).code });
        return fail(cannotListen);
      }
      if (state.closed) {
        undo();
        return;
      }
    }
    state.configured = true;
    if (state.timer) clearTimeout(state.timer);
    state.listeners.push(...opened);
    if (wantReply) replyGlobalRequest(conn, true);
    for (const o of opened) this.emit('up', o.info);
  }

  private openListener(state: ConnState, conn: ConnInternals, info: ReverseTunnelInfo): Promise<NetServer> {
    const host = this.options.reverseHost ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const server = createNetServer((sock) => this.onReverseConnection(state, conn, info, sock));
      server.maxConnections = 1024;
      server.once('error', (err) => reject(err));
      server.listen(info.port, host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.logger.warn(`tunnel listener ${info.port} error`, err));
        resolve(server);
      });
    });
  }

  private onReverseConnection(state: ConnState, conn: ConnInternals, info: ReverseTunnelInfo, sock: Socket): void {
    sock.on('error', () => sock.destroy());
    if (state.closed) {
      sock.destroy();
      return;
    }
    state.sockets.add(sock);
    sock.once('close', () => state.sockets.delete(sock));
    sock.pause();
    let lastActivity = 0;
    const activity = () => {
      const now = Date.now();
      if (now - lastActivity >= 1000) {
        lastActivity = now;
        this.emit('activity', { port: info.port });
      }
    };
    activity();
    try {
      openRawChannel(conn, 'chisel', Buffer.from(info.target), (err, stream) => {
        if (err || !stream) {
          this.logger.debug(`tunnel: agent refused channel to ${info.target}`, err?.message);
          sock.destroy();
          return;
        }
        state.sockets.add(stream);
        stream.on('error', () => stream.destroy());
        stream.once('close', () => {
          state.sockets.delete(stream);
          sock.destroy();
        });
        sock.once('close', () => stream.destroy());
        sock.on('data', activity);
        stream.on('data', activity);
        sock.pipe(stream);
        stream.pipe(sock);
        sock.resume();
      });
    } catch (err) {
      this.logger.debug('tunnel: cannot open channel', (err as Error).message);
      sock.destroy();
    }
  }

  private endConn(state: ConnState, why: string): void {
    if (state.closed) return;
    state.closed = true;
    if (state.timer) clearTimeout(state.timer);
    this.conns.delete(state);
    this.logger.debug(`tunnel connection ended: ${why}`);
    for (const s of state.sockets) s.destroy();
    state.sockets.clear();
    const listeners = state.listeners.splice(0);
    for (const l of listeners) {
      l.server.close();
      if (this.byPort.get(l.info.port) === state) this.byPort.delete(l.info.port);
    }
    try {
      state.conn?.end();
    } catch {
      /* already gone */
    }
    state.duplex.destroy();
    if (state.ws.readyState !== state.ws.CLOSED) state.ws.terminate();
    for (const l of listeners) this.emit('down', l.info);
  }
}
