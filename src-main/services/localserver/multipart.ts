import { badRequest } from './http';

/**
 * A small, bounded multipart/form-data parser: text fields only are kept (file parts are
 * accepted and dropped, since the Edge code path never reads the TLS files). The whole body is
 * already size-limited by the caller; here the number of parts and each header block are bounded.
 */
const MAX_PARTS = 256;
const MAX_PART_HEADER = 8 * 1024;

export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw badRequest('Invalid request payload', 'multipart: NextPart: EOF');
  let parts = 0;
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // Skip transport padding and the CRLF after the delimiter.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    else throw badRequest('Invalid request payload', 'multipart: malformed part delimiter');
    if (++parts > MAX_PARTS) throw badRequest('Invalid request payload', `multipart: more than ${MAX_PARTS} parts`);
    let headerEnd = body.indexOf('\r\n\r\n', pos);
    let sepLen = 4;
    if (headerEnd < 0) {
      headerEnd = body.indexOf('\n\n', pos);
      sepLen = 2;
    }
    if (headerEnd < 0 || headerEnd - pos > MAX_PART_HEADER) throw badRequest('Invalid request payload', 'multipart: malformed part headers');
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const contentStart = headerEnd + sepLen;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), contentStart);
    let contentEnd = next;
    let nextDelim = next + 2;
    if (next < 0) {
      const lfNext = body.indexOf(Buffer.concat([Buffer.from('\n'), delimiter]), contentStart);
      if (lfNext < 0) throw badRequest('Invalid request payload', 'multipart: NextPart: EOF');
      contentEnd = lfNext;
      nextDelim = lfNext + 1;
    }
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers);
    if (disposition) {
      const params = disposition[1] ?? '';
      const name = /;\s*name="((?:[^"\\]|\\.)*)"/i.exec(params)?.[1] ?? /;\s*name=([^\s;]+)/i.exec(params)?.[1];
      const isFile = /;\s*filename\*?=/i.test(params);
      if (name !== undefined && !isFile) {
        const value = body.subarray(contentStart, contentEnd).toString('utf8');
        const list = fields.get(name);
        if (list) list.push(value);
        else fields.set(name, [value]);
      }
    }
    pos = nextDelim;
  }
  return fields;
}
