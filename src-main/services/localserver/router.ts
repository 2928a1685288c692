import type { IncomingMessage, ServerResponse } from 'node:http';
import { CiObject, parseJsonObject, readBody } from './http';

export type Access = 'public' | 'authenticated' | 'admin';

export interface AuthUser {
  id: number;
  username: string;
  role: number;
  /** How the request authenticated. */
  via: 'apikey' | 'jwt';
  jti?: string;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  ip: string;
  user?: AuthUser;
  body(): Promise<Buffer>;
  /** A JSON object body with Go-like case-insensitive field lookup. */
  json(): Promise<CiObject>;
}

export type Handler = (rc: RequestContext) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  access: Access;
  handler: Handler;
}

export type Match = { kind: 'found'; route: Route; params: Record<string, string> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

/** A tiny path router: literal segments and `:name` parameters, exact length match. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, access: Access, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), access, handler });
    return this;
  }

  match(method: string, path: string): Match {
    const parts = path.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      let params: Record<string, string> | undefined;
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i]!;
        if (seg.startsWith(':')) {
          (params ??= {})[seg.slice(1)] = decodeURIComponentSafe(parts[i]!);
        } else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { kind: 'found', route, params: params ?? {} };
    }
    return allowed.length ? { kind: 'method', allowed } : { kind: 'none' };
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function makeRequestContext(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, params: Record<string, string>, bodyLimit: number): RequestContext {
  let body: Promise<Buffer> | undefined;
  const rc: RequestContext = {
    req,
    res,
    method: req.method ?? 'GET',
    path,
    query,
    params,
    ip: req.socket.remoteAddress ?? '',
    body: () => (body ??= readBody(req, bodyLimit)),
    json: async () => new CiObject(parseJsonObject(await rc.body())),
  };
  return rc;
}
