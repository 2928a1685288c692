import type { IncomingMessage, ServerResponse } from 'node:http';
import { goJson } from './goJson';

/** An error answered as Portainer does: `{"message","details"}` (both omitted when empty). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: string) => new HttpError(400, message, details);
export const notFound = (message: string, details?: string) => new HttpError(404, message, details);
export const forbidden = (message: string, details?: string) => new HttpError(403, message, details);
export const conflict = (message: string, details?: string) => new HttpError(409, message, details);

export function errorBody(message: string, details?: string): string {
  const body: { message?: string; details?: string } = {};
  if (message) body.message = message;
  if (details) body.details = details;
  return goJson(body);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers?: Record<string, string | number>): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length, ...headers });
  res.end(buf);
}

/** 200 (or `status`) with a JSON body in Go's encoding: key order as built, no trailing newline. */
export function sendJson(res: ServerResponse, value: unknown, status = 200, headers?: Record<string, string | number>): void {
  sendText(res, status, 'application/json', goJson(value), headers);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendText(res, err.status, 'application/json', errorBody(err.message, err.details), err.headers);
}

/** Portainer's `response.Empty`: 204, no body. */
export function sendEmpty(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Reads the whole body, refusing more than `limit` bytes with 413 (and stopping the upload). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'Request body too large', `the body must not exceed ${limit} bytes`, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(new HttpError(413, 'Request body too large', `the body must not exceed ${limit} bytes`, { Connection: 'close' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}

/** Parses a JSON object body; malformed → 400 `Invalid request payload` like Portainer's DecodeAndValidateJSONPayload. */
export function parseJsonObject(buf: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw badRequest('Invalid request payload', e instanceof Error ? e.message : 'invalid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('Invalid request payload', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Go's encoding/json matches field names case-insensitively (an exact match wins). This picks
 * the value for `name` from a decoded object the same way.
 */
export class CiObject {
  private readonly lower = new Map<string, unknown>();
  constructor(private readonly obj: Record<string, unknown>) {
    for (const [k, v] of Object.entries(obj)) {
      const lk = k.toLowerCase();
      if (!this.lower.has(lk)) this.lower.set(lk, v);
    }
  }
  has(name: string): boolean {
    return Object.hasOwn(this.obj, name) || this.lower.has(name.toLowerCase());
  }
  get(name: string): unknown {
    return Object.hasOwn(this.obj, name) ? this.obj[name] : this.lower.get(name.toLowerCase());
  }
}

/** Typed readers for pointer-style optional JSON fields; a wrong type gives 400 like Go's decoder. */
export function optString(o: CiObject, name: string): string | undefined {
  const v = o.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest('Invalid request payload', `json: cannot unmarshal ${jsonType(v)} into field ${name} of type string`);
  return v;
}

export function optInt(o: CiObject, name: string): number | undefined {
  const v = o.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest('Invalid request payload', `json: cannot unmarshal ${jsonType(v)} into field ${name} of type int`);
  return v;
}

export function optBool(o: CiObject, name: string): boolean | undefined {
  const v = o.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest('Invalid request payload', `json: cannot unmarshal ${jsonType(v)} into field ${name} of type bool`);
  return v;
}

export function optIntArray(o: CiObject, name: string): number[] | undefined {
  const v = o.get(name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw badRequest('Invalid request payload', `json: cannot unmarshal ${jsonType(v)} into field ${name} of type []int`);
  }
  return v as number[];
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** The numeric `{id}` route variable; Portainer answers 400 `Invalid … identifier route variable`. */
export function routeId(raw: string, what: string): number {
  if (!/^-?\d{1,15}$/.test(raw)) throw badRequest(`Invalid ${what} identifier route variable`, `strconv.Atoi: parsing "${raw}": invalid syntax`);
  return Number(raw);
}
