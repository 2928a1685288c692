import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Responder = (req: Captured, res: ServerResponse) => void;

/** A loopback HTTP server that records every request and answers with `respond`. */
export async function captureServer(respond: Responder): Promise<{ url: string; requests: Captured[]; close(): Promise<void>; server: Server }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: Captured = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(captured);
      respond(captured, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export const ENDPOINT = {
  Id: 7,
  Name: 'edge-7',
  Type: 4,
  ContainerEngine: 'docker',
  URL: 'portainer.example.com',
  GroupId: 1,
  TagIds: [2],
  Status: 1,
  EdgeKey: 'aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3xwb3J0YWluZXIuZXhhbXBsZS5jb206ODAwMHxhYmN8Nw',
  EdgeCheckinInterval: 5,
  LastCheckInDate: 0,
  QueryDate: 1700000000,
  Heartbeat: false,
};

/** Splits a multipart body into its named text fields, in order. */
export function multipartFields(body: Buffer, contentType: string): [string, string][] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!m) throw new Error(`no boundary in ${contentType}`);
  const boundary = `--${m[1] ?? m[2]}`;
  const out: [string, string][] = [];
  for (const part of body.toString('utf8').split(boundary).slice(1)) {
    if (part.startsWith('--')) break;
    const [head, ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(head ?? '')?.[1];
    if (!name) continue;
    out.push([name, rest.join('\r\n\r\n').replace(/\r\n$/, '')]);
  }
  return out;
}
