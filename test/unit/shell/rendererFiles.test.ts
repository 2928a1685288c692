import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRequestPath, contentTypeOf, rendererCsp, rendererPath } from '../../../src-main/services/shell/rendererFiles';

// Which file a request names: the desktop app's app:// handler and the web bridge share this rule.
const root = resolve('/opt/Edgedeck/resources/out/renderer');

describe('appRequestPath', () => {
  it('maps the app origin to files under the renderer folder', () => {
    expect(appRequestPath(root, 'app://edgedeck/')).toEqual({ ok: true, path: join(root, 'index.html') });
    expect(appRequestPath(root, 'app://edgedeck/index.html#/install')).toEqual({ ok: true, path: join(root, 'index.html') });
    expect(appRequestPath(root, 'app://edgedeck/assets/index-BYNa.js?v=1')).toEqual({ ok: true, path: join(root, 'assets', 'index-BYNa.js') });
    expect(appRequestPath(root, 'app://edgedeck/assets/a%20b.css')).toEqual({ ok: true, path: join(root, 'assets', 'a b.css') });
  });

  it('refuses traversal in every spelling', () => {
    for (const url of [
      'app://edgedeck/..%2F..%2F..%2Fetc%2Fpasswd',
      'app://edgedeck/assets/..%2f..%2f..%2fetc/passwd',
      'app://edgedeck/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://edgedeck/assets/%2e%2e%5c%2e%2e%5csecret',
      'app://edgedeck/..%5C..%5Cwindows%5Cwin.ini',
      'app://edgedeck/%2Fetc%2Fpasswd',
      'app://edgedeck/C%3A%5CWindows%5Cwin.ini',
      'app://edgedeck/index.html%00.png',
      'app://edgedeck/assets//index.js',
    ]) {
      const r = appRequestPath(root, url);
      expect(r.ok, url).toBe(false);
    }
    // Plain dot segments are removed by the URL parser before we see them: they stay inside root.
    const dotted = appRequestPath(root, 'app://edgedeck/../../../../etc/passwd');
    expect(dotted).toEqual({ ok: true, path: join(root, 'etc', 'passwd') });
  });

  it('refuses other hosts, look-alikes and user info on the scheme, and other schemes', () => {
    for (const url of ['app://other/index.html', 'app://edgedeck.evil/index.html', 'app://evil@edgedeck/index.html', 'app://edgedeck:1/index.html', 'file:///etc/passwd', 'https://edgedeck/index.html', 'nonsense']) {
      expect(appRequestPath(root, url).ok, url).toBe(false);
    }
  });

  it('answers 400 for bad percent-encoding and 404 for refusals', () => {
    expect(appRequestPath(root, 'app://edgedeck/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(appRequestPath(root, 'app://edgedeck/..%2Fx')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('rendererPath', () => {
  it('never leaves root, whatever segments it is given', () => {
    for (const p of ['/..', '/../x', '/a/../../x', '/%2e%2e/x', '/a%2f..%2f..%2fx', '/.']) {
      const r = rendererPath(root, p);
      if (r.ok) expect(r.path.startsWith(root + '/') || r.path.startsWith(root + '\\'), p).toBe(true);
      else expect(r.status, p).toBe(404);
    }
  });
});

describe('content types and CSP', () => {
  it('types the build output and sends unknown files as bytes', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/assets/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/assets/a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('/x/secret')).toBe('application/octet-stream');
  });

  it('lets the desktop page connect nowhere but itself, and the bridge page to its own socket', () => {
    const desktop = rendererCsp();
    expect(desktop).toContain("connect-src 'self';");
    expect(desktop).not.toMatch(/ws:/);
    expect(desktop).toContain("frame-ancestors 'none'");
    expect(desktop).toContain("script-src 'self';");
    expect(rendererCsp(['ws://127.0.0.1:5000'])).toContain("connect-src 'self' ws://127.0.0.1:5000;");
  });
});
