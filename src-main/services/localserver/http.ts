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

/** The Go types the handlers' payload fields have, with the test a decoded JSON value must pass. */
const GO_TYPES = {
  string: (v: unknown): v is string => typeof v === 'string',
  int: (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v),
  bool: (v: unknown): v is boolean => typeof v === 'boolean',
  '[]int': (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x)),
};
type GoType = keyof typeof GO_TYPES;
type TsOf<T extends GoType> = (typeof GO_TYPES)[T] extends (v: unknown) => v is infer R ? R : never;

/** One pointer-style optional JSON field (absent or null: undefined); a wrong type gives 400 like Go's decoder. */
function optField<T extends GoType>(o: CiObject, name: string, type: T): TsOf<T> | undefined {
  const v = o.get(name);
  if (v === undefined || v === null) return undefined;
  if (!GO_TYPES[type](v)) throw badRequest('Invalid request payload', `json: cannot unmarshal ${jsonType(v)} into field ${name} of type ${type}`);
  return v as TsOf<T>;
}

export const optString = (o: CiObject, name: string): string | undefined => optField(o, name, 'string');
export const optInt = (o: CiObject, name: string): number | undefined => optField(o, name, 'int');
export const optBool = (o: CiObject, name: string): boolean | undefined => optField(o, name, 'bool');
export const optIntArray = (o: CiObject, name: string): number[] | undefined => optField(o, name, '[]int');

/**
 * The optional fields of an update payload (Go's `*string`, `*int`… fields), read in the order
 * `fields` names them, so the first mistyped one is the one reported.
 */
export function optFields<F extends Record<string, GoType>>(o: CiObject, fields: F): { [K in keyof F]?: TsOf<F[K]> } {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) out[name] = optField(o, name, type);
  return out as { [K in keyof F]?: TsOf<F[K]> };
}

/** Sets the fields of `patch` that are defined on `target`: a Go handler's `if payload.X != nil { record.X = *payload.X }`. */
export function assignDefined<T extends object>(target: T, patch: { [K in keyof T]?: T[K] }): void {
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) (target as Record<string, unknown>)[key] = value;
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
