import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope, ErrorCode } from '../shared/contract/errors';
import type { DownloadRegistry } from '../services/downloads/downloadRegistry';
import type { Dispatcher } from '../services/rpc/dispatcher';
import type { EventHub } from '../services/rpc/eventHub';
import type { Logger } from '../services/logging/logger';
import { rendererCsp } from '../services/shell/rendererFiles';
import { LaunchCodes } from './launchCodes';
import { checkOrigin, checkToken, hostsFor, presentedToken, safeDecode, tokenCookie, type BridgeGuard } from './guard';
import { loadStatic } from './staticFiles';

/**
 * The loopback web transport for the contract: `POST /rpc/<call>` answers envelopes, a WebSocket
 * at `/events` pushes main's events, `GET /downloads/<id>` hands over a one-time download (an
 * export archive), and the built renderer is served from `staticDir`. All behind the same guard.
 */
export interface BridgeOptions {
  host?: string;
  port?: number;
  token?: string;
  dispatcher: Dispatcher;
  hub: EventHub;
  /** One-time downloads served at /downloads/<id> (the app's registry, shared with the export handler). */
  downloads?: DownloadRegistry;
  /** The built renderer (out/renderer). Without it only the API is served. */
  staticDir?: string;
  logger: Logger;
  maxBodyBytes?: number;
}

export interface Bridge {
  port: number;
  /** The address to open, carrying the launch token once (it becomes an HttpOnly cookie). */
  url: string;
  token: string;
  /**
   * An address for a browser opener's argv: a one-time code (good for one visit within
   * `ttlMs`, default 2 minutes) that the bridge exchanges for the token cookie.
   */
  launchUrl(ttlMs?: number): string;
  close(): Promise<void>;
}

/** The page may open sockets to this bridge only (`ws:` alone allowed any host); `host` is the checked Host header. */
export function contentSecurityPolicy(host: string): string {
  return rendererCsp([`ws://${host}`]);
}

function sendEnvelope(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  const body = JSON.stringify(envelope);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function fail(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendEnvelope(res, status, { ok: false, error: { code, message } });
}

/**
 * Reads a body up to `limit`. Past it the rest is read and dropped (not kept), so the client,
 * still sending, is not reset before it can read the 413; a sender that goes on past
 * `drainLimit` is cut off.
 */
function readBody(req: IncomingMessage, limit: number, drainLimit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) size = declared;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) req.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => resolve('too-large'));
  });
}

const DOWNLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `attachment` with the name made header-safe (our names are ASCII already: edgedeck-export-….tar). */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const guard: BridgeGuard = { token, allowedHosts: new Set(), cookieName: '' };
  const launchCodes = new LaunchCodes();
  const { dispatcher, hub, logger } = options;

  async function handleRpc(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') return fail(res, 405, 'invalid_input', 'Calls are made with POST.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return fail(res, 415, 'invalid_input', 'Send the request as application/json.');
    }
    const body = await readBody(req, maxBody, Math.max(maxBody * 4, 8 * 1024 * 1024));
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return fail(res, 413, 'invalid_input', `Request body is larger than ${maxBody} bytes.`);
    }
    let payload: unknown = {};
    if (body.length > 0) {
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return fail(res, 400, 'invalid_input', 'The request body is not valid JSON.');
      }
    }
    const envelope = await dispatcher.invoke(channel, payload);
    const status = !envelope.ok && envelope.error.code === 'not_found' && envelope.error.message.startsWith('Unknown call') ? 404 : 200;
    sendEnvelope(res, status, envelope);
  }

  /** Streams a download once: the registry forgets the id at once and deletes the file when the stream closes. */
  async function handleDownload(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    // HEAD would spend the one fetch without delivering the file.
    if (req.method !== 'GET') return fail(res, 405, 'invalid_input', 'Downloads are fetched with GET.');
    const taken = DOWNLOAD_ID.test(id) ? options.downloads?.take(id) : undefined;
    if (!taken) return fail(res, 404, 'not_found', 'This download is gone: each one can be fetched once, within 10 minutes of the export. Export again.');
    res.writeHead(200, {
      'Content-Type': taken.contentType,
      'Content-Length': String(taken.size),
      'Content-Disposition': attachment(taken.fileName),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    try {
      await pipeline(taken.stream, res);
    } catch (err) {
      // The browser went away mid-download (or the read failed): the file is gone either way.
      logger.warn(`download ${taken.fileName} was not completed`, err);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const origin = checkOrigin(req, guard);
    if (!origin.ok) return fail(res, origin.status, 'forbidden', origin.message);
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');

    // First visit: trade the token (or a one-time launch code) in the address for an HttpOnly cookie
    // and drop it from the address bar.
    const queryToken = url.searchParams.get('token');
    const queryCode = url.searchParams.get('code');
    if ((queryToken !== null || queryCode !== null) && req.method === 'GET') {
      if (queryToken !== null && !checkToken(queryToken, guard)) return fail(res, 401, 'unauthorized', 'That launch token is not valid for this Edgedeck; use the address it printed.');
      if (queryToken === null && !launchCodes.redeem(queryCode!)) {
        return fail(res, 401, 'unauthorized', 'That launch code was used already or has expired (each works once); open the address `edgedeck serve` printed.');
      }
      url.searchParams.delete('token');
      url.searchParams.delete('code');
      res.writeHead(303, {
        'Set-Cookie': `${guard.cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search + url.hash,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!checkToken(presentedToken(req, guard), guard)) {
      return fail(res, 401, 'unauthorized', 'Missing or wrong launch token: open the address `edgedeck serve` printed.');
    }
    if (url.pathname.startsWith('/rpc/')) {
      const channel = safeDecode(url.pathname.slice(5));
      if (channel === undefined) return fail(res, 400, 'invalid_input', 'The call name in the address is not valid percent-encoding.');
      return handleRpc(req, res, channel);
    }
    if (url.pathname.startsWith('/downloads/')) return handleDownload(req, res, url.pathname.slice('/downloads/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'invalid_input', 'Only GET is served here.');
    const file = options.staticDir ? await loadStatic(options.staticDir, url.pathname) : undefined;
    if (!file) return fail(res, 404, 'not_found', 'Not found. (Is the renderer built? Run `npm run build`.)');
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy(req.headers.host ?? ''),
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error('bridge request failed', err);
      if (!res.headersSent) fail(res, 500, 'internal', 'The bridge failed to answer; see the Edgedeck log.');
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const origin = checkOrigin(req, guard);
    const path = (req.url ?? '').split('?')[0];
    if (!origin.ok || path !== '/events' || !checkToken(presentedToken(req, guard), guard)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const detach = hub.attach((event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      ws.on('close', detach);
      ws.on('error', detach);
      // Events flow one way; anything the page sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hostsFor(host, port).forEach((h) => guard.allowedHosts.add(h));
  guard.cookieName = tokenCookie(port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    token,
    url: `http://${shownHost}:${port}/?token=${encodeURIComponent(token)}`,
    launchUrl: (ttlMs = 120_000) => `http://${shownHost}:${port}/?code=${launchCodes.issue(ttlMs)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
