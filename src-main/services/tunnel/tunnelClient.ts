import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import WebSocket from 'ws';
import { AppError } from '../../shared/contract/errors';
import { answerGlobalRequestsLikeChisel, IdentShim, hookClientHeader, sendGlobalRequest, tapClient, OPEN_CONNECT_FAILED, type ConnInternals } from './sshShims';
import type { TunnelClientOptions } from './types';
import { WebSocketDuplex } from './wsStream';

/**
 * The agent side of the tunnel (portainer-edge.md §4): WebSocket `chisel-v3` → SSH (password) →
 * `config` with reverse remotes → serve incoming `chisel` channels by dialing their target.
 */

export const CLIENT_CHISEL_VERSION = '1.10.0';
const SSH_TIMEOUT_MS = 30_000;
const WS_TIMEOUT_MS = 45_000;

export interface TunnelHandle {
  close(): void;
  /** Resolves when the tunnel has ended, for whatever reason. */
  closed: Promise<void>;
  /** Why it ended, once it has. */
  readonly endReason?: string;
}

/** `host:port`, `http://…`, `ws://…` → `ws://host:port/` as the agent computes it (§4.1). */
export function normaliseTunnelAddress(server: string): string {
  let s = server.trim();
  if (!s.startsWith('http') && !s.startsWith('ws')) s = 'http://' + s;
  if (s.startsWith('http')) s = 'ws' + s.slice(4);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new AppError('invalid_input', `The tunnel address '${server}' is not a valid host:port.`, 'server');
  }
  // URL drops default ports from its string form; the agent keeps them explicit.
  const port = u.port || (u.protocol === 'wss:' ? '443' : '80');
  return `${u.protocol}//${u.hostname}:${port}${u.pathname}${u.search}`;
}

/** A chisel remote `R:<lport>:<rhost>:<rport>` (or `R:<lhost>:<lport>:<rhost>:<rport>`) in chisel's JSON form. */
export function parseReverseRemote(remote: string): Record<string, string | boolean> {
  const parts = remote.split(':');
  if (parts[0] !== 'R') throw new AppError('invalid_input', `Only reverse remotes (R:…) are supported: '${remote}'.`, 'remotes');
  const rest = parts.slice(1);
  let localHost = '0.0.0.0';
  let localPort: string;
  let remoteHost: string;
  let remotePort: string;
  if (rest.length === 3) [localPort, remoteHost, remotePort] = rest as [string, string, string];
  else if (rest.length === 4) [localHost, localPort, remoteHost, remotePort] = rest as [string, string, string, string];
  else if (rest.length === 2) {
    [localPort, remotePort] = rest as [string, string];
    remoteHost = '127.0.0.1';
  } else throw new AppError('invalid_input', `Cannot parse the remote '${remote}'.`, 'remotes');
  if (!/^\d+$/.test(localPort) || !/^\d+$/.test(remotePort)) throw new AppError('invalid_input', `Bad port in the remote '${remote}'.`, 'remotes');
  return {
    LocalHost: localHost,
    LocalPort: localPort,
    LocalProto: 'tcp',
    RemoteHost: remoteHost,
    RemotePort: remotePort,
    RemoteProto: 'tcp',
    Socks: false,
    Reverse: true,
    Stdio: false,
  };
}

function md5ColonHex(key: Buffer): string {
  return createHash('md5').update(key).digest('hex').match(/../g)!.join(':');
}

/** chisel client verifyServer: '' → accept; valid base64 → exact SHA-256; else legacy MD5 prefix. */
export function fingerprintMatches(expected: string, hostKey: Buffer): { ok: boolean; got: string } {
  const sha = createHash('sha256').update(hostKey).digest('base64');
  if (expected === '') return { ok: true, got: sha };
  const isBase64 = /^[A-Za-z0-9+/]*={0,2}$/.test(expected) && expected.length % 4 === 0;
  if (isBase64) return { ok: expected === sha, got: sha };
  const md5 = md5ColonHex(hostKey);
  return { ok: md5.startsWith(expected), got: md5 };
}

export function connectTunnel(options: TunnelClientOptions): Promise<TunnelHandle> {
  const url = normaliseTunnelAddress(options.server);
  const remotes = options.remotes.map(parseReverseRemote);
  const dial = options.dial ?? ((host: string, port: number) => netConnect({ host, port }));

  return new Promise<TunnelHandle>((resolve, reject) => {
    let settled = false;
    let endReason: string | undefined;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const channels = new Set<Duplex>();
    let hostKeyError: AppError | undefined;

    const ws = new WebSocket(url, 'chisel-v3', { handshakeTimeout: WS_TIMEOUT_MS, perMessageDeflate: false, maxPayload: 1 << 20 });
    const client = new ssh2.Client();
    const internals = client as unknown as ConnInternals;

    const finish = (err?: unknown) => {
      if (endReason === undefined) endReason = err ? (err as Error).message : 'closed';
      for (const c of channels) c.destroy();
      channels.clear();
      try {
        client.end();
      } catch {
        /* ignore */
      }
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      options.signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(err instanceof AppError ? err : new AppError('unavailable', `tunnel: ${err ? (err as Error).message : 'connection closed during the handshake'}`));
      }
      resolveClosed();
    };
    const onAbort = () => finish(new AppError('cancelled', 'tunnel: cancelled'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    ws.on('unexpected-response', (_req, res) => {
      finish(new AppError('unavailable', `tunnel: the server at ${url} did not accept the chisel-v3 WebSocket (HTTP ${res.statusCode})`));
    });
    ws.on('error', (err) => finish(new AppError('unavailable', `tunnel: cannot connect to ${url}: ${err.message}`)));
    ws.on('close', () => finish());
    ws.on('open', () => {
      if (ws.protocol !== 'chisel-v3') return finish(new AppError('unavailable', 'tunnel: the server did not agree to the chisel-v3 subprotocol'));
      const shim = new IdentShim();
      const duplex = new WebSocketDuplex(ws, shim);
      duplex.on('error', () => undefined);
      client.on('error', (err: Error & { level?: string }) => {
        if (hostKeyError) return finish(hostKeyError);
        if (err.level === 'client-authentication') return finish(new AppError('unauthorized', 'tunnel: authentication failed (wrong tunnel credentials?)'));
        finish(new AppError('unavailable', `tunnel: ${err.message}`));
      });
      client.on('close', () => finish());
      client.on('ready', async () => {
        try {
          const payload = Buffer.from(JSON.stringify({ Version: CLIENT_CHISEL_VERSION, Remotes: remotes }));
          const reply = await sendGlobalRequest(internals, tap, 'config', payload);
          if (!reply.ok) {
            const text = reply.data.toString('utf8') || 'no reason given';
            return finish(new AppError('forbidden', `tunnel: the server refused the config: ${text}`));
          }
          settled = true;
          resolve({
            close: () => finish(),
            closed,
            get endReason() {
              return endReason;
            },
          });
        } catch (err) {
          finish(err);
        }
      });
      client.connect({
        sock: duplex as unknown as import('node:net').Socket,
        username: options.username,
        password: options.password,
        ident: 'chisel-v3-client',
        readyTimeout: SSH_TIMEOUT_MS,
        algorithms: { compress: ['none'] },
        tryKeyboard: false,
        hostVerifier: (key: Buffer) => {
          const m = fingerprintMatches(options.fingerprint, key);
          if (!m.ok) {
            hostKeyError = new AppError(
              'forbidden',
              `tunnel: host key fingerprint mismatch: expected ${options.fingerprint}, server has ${m.got}`,
            );
          }
          return m.ok;
        },
      });
      hookClientHeader(internals, shim);
      // Like the agent's chisel client: `ping` → `pong`, nothing else answered, no keep-alive of
      // our own (ssh2's client sends none while keepaliveInterval is unset).
      answerGlobalRequestsLikeChisel(internals);
      const tap = tapClient(internals, 'chisel', (ch) => {
        const target = ch.extra.toString('utf8');
        const i = target.lastIndexOf(':');
        const host = target.slice(0, i);
        const port = Number(target.slice(i + 1));
        if (i <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
          ch.reject(OPEN_CONNECT_FAILED, `invalid target '${target.slice(0, 64)}'`);
          return;
        }
        Promise.resolve()
          .then(() => dial(host, port))
          .then(
            (up) => {
              const down = ch.accept();
              channels.add(down);
              up.on('error', () => up.destroy());
              down.on('error', () => down.destroy());
              const done = () => {
                channels.delete(down);
                up.destroy();
                down.destroy();
              };
              up.once('close', done);
              down.once('close', done);
              up.pipe(down);
              down.pipe(up);
            },
            (err: Error) => ch.reject(OPEN_CONNECT_FAILED, err.message),
          );
      });
    });
  });
}
