import { extname, isAbsolute, join, relative } from 'node:path';
import { APP_HOST, APP_SCHEME } from './appOrigin';

/**
 * How a request for the built renderer maps to a file, shared by the desktop app's `app://`
 * protocol handler (window.ts) and the web bridge's static files (bridge/staticFiles.ts). Pure:
 * it names a path and never touches the disk, so every refusal is tested under plain Node.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type RendererPath = { ok: true; path: string } | { ok: false; status: 400 | 404; reason: string };

const refuse = (status: 400 | 404, reason: string): RendererPath => ({ ok: false, status, reason });

/**
 * The file under `root` that a URL path names ('/' is index.html). Each segment is decoded on its
 * own, and a segment that decodes to a separator, a dot segment, a NUL, a drive colon or nothing
 * is refused: `..%2F..%2Fetc%2Fpasswd` must not become `../../etc/passwd` after the URL parser
 * has already removed the plain `..` segments. The joined path is checked to stay under root too.
 */
export function rendererPath(root: string, urlPath: string): RendererPath {
  const raw = urlPath.replace(/^\/+/, '');
  const segments: string[] = [];
  for (const encoded of raw === '' ? ['index.html'] : raw.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return refuse(400, 'bad percent-encoding');
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return refuse(404, `refused path segment ${JSON.stringify(encoded)}`);
    segments.push(segment);
  }
  const path = join(root, ...segments);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return refuse(404, 'outside the renderer folder');
  return { ok: true, path };
}

/**
 * The file an `app://edgedeck/…` request names. Other hosts on the scheme (`app://other/`) are
 * refused, and so are query strings' and fragments' contents (they never name a file).
 */
export function appRequestPath(root: string, requestUrl: string): RendererPath {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST || url.username || url.password) return refuse(404, 'not the app origin');
  return rendererPath(root, url.pathname);
}

/**
 * The renderer's Content-Security-Policy, sent as a header (index.html's meta tag has a looser
 * copy that cannot carry frame-ancestors). Only `connect-src` differs by shell: the web bridge adds
 * its own WebSocket origin, the desktop app (IPC, no sockets) adds nothing.
 */
export function rendererCsp(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
