import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { duplexPair } from './duplexPair';

/**
 * One in-process HTTP server standing in for every simulated agent's API (portainer-edge.md §4.4,
 * §6.2). Tunnel channels are handed to it as in-memory streams (`dial`), so no port is used per
 * agent. What it answers:
 * - `/ping` (any method) → 204, like the real agent (no signature needed);
 * - `GET /api/agent/info` → JSON {edgeId, version, platform} (simulator-only, for diagnostics);
 * - anything else → 403: the simulator does not implement the Docker/Kubernetes proxy, and the real
 *   agent refuses unsigned requests the same way.
 */
export interface AgentApiTarget {
  edgeId: string;
  version: string;
  platform: 'docker' | 'kubernetes';
  /** Called for every request that arrives through the tunnel (resets the inactivity timer). */
  onRequest(path: string, method: string): void;
}

const TARGET = Symbol('agentTarget');

export class AgentApiServer {
  private readonly server: Server;
  private readonly streams = new Set<Duplex>();

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** A stream for a tunnel channel: its other end is served by the shared HTTP server. */
  dial(target: AgentApiTarget): Duplex {
    const [serverSide, clientSide] = duplexPair();
    (serverSide as unknown as Record<symbol, AgentApiTarget>)[TARGET] = target;
    this.streams.add(clientSide);
    clientSide.once('close', () => this.streams.delete(clientSide));
    serverSide.on('error', () => serverSide.destroy());
    this.server.emit('connection', serverSide);
    return clientSide;
  }

  close(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const target = (req.socket as unknown as Record<symbol, AgentApiTarget | undefined>)[TARGET];
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!target) {
      res.writeHead(500).end();
      return;
    }
    target.onRequest(path, req.method ?? 'GET');
    req.resume();
    if (path === '/ping') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/api/agent/info' && req.method === 'GET') {
      const body = JSON.stringify({ edgeId: target.edgeId, version: target.version, platform: target.platform, simulated: true });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const body = JSON.stringify({
      message: 'Unauthorized',
      details: 'This is an Edgedeck simulated agent: it answers /ping and /api/agent/info only.',
    });
    res.writeHead(403, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  }
}
