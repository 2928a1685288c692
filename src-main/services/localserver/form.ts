import type { IncomingMessage } from 'node:http';
import { badRequest } from './http';
import { boundaryOf, parseMultipart } from './multipart';

/**
 * Form values as Go's `r.FormValue` sees them: body values (urlencoded or multipart) first,
 * then query-string values. `value(name)` is the first one, or '' when absent.
 */
export class FormValues {
  constructor(private readonly values: Map<string, string[]>) {}

  static parse(req: IncomingMessage, query: URLSearchParams, body: Buffer): FormValues {
    const values = new Map<string, string[]>();
    const add = (k: string, v: string) => {
      const list = values.get(k);
      if (list) list.push(v);
      else values.set(k, [v]);
    };
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (contentType.startsWith('multipart/form-data')) {
      const boundary = boundaryOf(String(req.headers['content-type']));
      if (!boundary) throw badRequest('Invalid request payload', 'no multipart boundary param in Content-Type');
      for (const [k, vs] of parseMultipart(body, boundary)) for (const v of vs) add(k, v);
    } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) add(k, v);
    }
    for (const [k, v] of query) add(k, v);
    return new FormValues(values);
  }

  value(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** `strconv.Atoi` on an optional field: '' → fallback, otherwise a valid integer or 400. */
  int(name: string, fallback = 0): number {
    const raw = this.value(name);
    if (raw === '') return fallback;
    if (!/^[+-]?\d{1,18}$/.test(raw)) throw badRequest('Invalid request payload', `strconv.Atoi: parsing "${raw}": invalid syntax`);
    return Number(raw);
  }

  /** Booleans are true only for the exact string "true". */
  bool(name: string): boolean {
    return this.value(name) === 'true';
  }
}
