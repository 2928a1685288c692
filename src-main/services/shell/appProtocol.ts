import { readFile } from 'node:fs/promises';
import { appRequestPath, contentTypeOf, rendererCsp } from './rendererFiles';

/**
 * The answer to one `app://edgedeck/…` request: the built renderer's file with its type and the
 * desktop CSP as a header, or a plain refusal. window.ts hands it to protocol.handle as is; it
 * uses only web-standard Response, so it runs under Node in the tests.
 */
export async function appProtocolResponse(root: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Only GET is served here.');
  const resolved = appRequestPath(root, request.url);
  if (!resolved.ok) return plain(resolved.status, 'Not found.');
  let body: Buffer;
  try {
    body = await readFile(resolved.path);
  } catch {
    return plain(404, 'Not found.');
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': contentTypeOf(resolved.path),
      'Content-Security-Policy': rendererCsp(),
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
