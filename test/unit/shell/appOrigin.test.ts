import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  devServerOrigin,
  externalOpenAllowed,
  isAppUrl,
  isTrustedSender,
  permissionAllowed,
  rendererEntry,
} from '../../../src-main/services/shell/appOrigin';

// The desktop shell's URL rules (window.ts and index.ts wire them to Electron's events).
const production = {};
const dev = { devServer: 'http://localhost:5173' };

describe('isAppUrl', () => {
  it('accepts the app origin, its paths and fragments', () => {
    for (const url of [APP_ENTRY, 'app://edgedeck/', 'app://edgedeck/index.html#/install', 'app://EDGEDECK/assets/x.js', 'app://edgedeck/a?b=c']) {
      expect(isAppUrl(url, production), url).toBe(true);
    }
  });

  it('refuses file:, data:, javascript:, blob: and other schemes', () => {
    for (const url of [
      'file:///opt/Edgedeck/resources/app.asar/out/renderer/index.html',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'javascript:alert(1)',
      'blob:app://edgedeck/8f1c',
      'https://edgedeck/',
      'http://127.0.0.1:5173/',
      'about:blank',
      'chrome://settings',
    ]) {
      expect(isAppUrl(url, production), url).toBe(false);
    }
  });

  it('refuses look-alike hosts, ports, user info and malformed URLs', () => {
    for (const url of ['app://edgedeck.evil.com/', 'app://evil.edgedeck/', 'app://edgedeck@evil.com/', 'app://evil@edgedeck/', 'app://user:pw@edgedeck/', 'app://edgedeck:443/', 'app://edgedeck%2e/', 'app:///index.html', 'app:edgedeck/index.html', 'app://edgedeck\\..\\x', 'not a url', '']) {
      expect(isAppUrl(url, production), url).toBe(false);
    }
  });

  it('accepts the dev server only in development, and only its exact origin', () => {
    expect(isAppUrl('http://localhost:5173/#/install', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/#/install', production)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.com/', dev)).toBe(false);
    expect(isAppUrl('http://evil@localhost:5173/', dev)).toBe(false);
    // The app origin stays trusted in development too (a dev build may still load the built files).
    expect(isAppUrl(APP_ENTRY, dev)).toBe(true);
  });

  it('traversal in the path does not change the origin it is judged by', () => {
    expect(isAppUrl('app://edgedeck/../../../../etc/passwd', production)).toBe(true);
    // (the protocol handler refuses such files itself: rendererFiles.test.ts)
  });
});

describe('ELECTRON_RENDERER_URL', () => {
  it('is honoured only in a development build', () => {
    expect(devServerOrigin('http://localhost:5173', true)).toBe('http://localhost:5173');
    expect(devServerOrigin('http://localhost:5173', false)).toBeUndefined();
    expect(devServerOrigin(undefined, true)).toBeUndefined();
  });

  it('must be http on loopback', () => {
    expect(devServerOrigin('http://127.0.0.1:5173/', true)).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin('http://[::1]:5173', true)).toBe('http://[::1]:5173');
    for (const value of ['https://evil.example.com', 'http://evil.example.com:5173', 'http://localhost.evil.com:5173', 'http://u:p@localhost:5173', 'file:///tmp/index.html', 'javascript:alert(1)', 'data:text/html,x', 'nonsense']) {
      expect(devServerOrigin(value, true), value).toBeUndefined();
    }
  });

  it('decides what the window loads', () => {
    expect(rendererEntry(production)).toBe('app://edgedeck/index.html');
    expect(rendererEntry({ devServer: devServerOrigin('http://localhost:5173', false) })).toBe('app://edgedeck/index.html');
    expect(rendererEntry(dev)).toBe('http://localhost:5173/');
  });
});

describe('isTrustedSender (the IPC sender check)', () => {
  const ok = { frameUrl: 'app://edgedeck/index.html#/servers', topFrame: true, fromMainWindow: true };

  it('trusts our own top frame in the main window', () => {
    expect(isTrustedSender(ok, production)).toBe(true);
  });

  it('refuses iframes, other windows, gone frames and foreign pages', () => {
    expect(isTrustedSender({ ...ok, topFrame: false }, production)).toBe(false);
    expect(isTrustedSender({ ...ok, fromMainWindow: false }, production)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: undefined }, production)).toBe(false);
    for (const frameUrl of ['file:///tmp/evil.html', 'data:text/html,x', 'javascript:void 0', 'https://evil.example.com/', 'app://edgedeck.evil/', 'about:blank']) {
      expect(isTrustedSender({ ...ok, frameUrl }, production), frameUrl).toBe(false);
    }
  });

  it('trusts the dev server only in development', () => {
    const devFrame = { ...ok, frameUrl: 'http://localhost:5173/' };
    expect(isTrustedSender(devFrame, dev)).toBe(true);
    expect(isTrustedSender(devFrame, production)).toBe(false);
  });
});

describe('window opens and permissions', () => {
  it('sends https links to the browser and nothing else', () => {
    expect(externalOpenAllowed('https://docs.portainer.io/')).toBe(true);
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://edgedeck/', 'smb://host/share', 'https://u:p@example.com/', 'nonsense']) {
      expect(externalOpenAllowed(url), url).toBe(false);
    }
  });

  it('refuses every permission, the clipboard included (copies go through main)', () => {
    for (const permission of ['clipboard-sanitized-write', 'clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen', 'unknown']) {
      expect(permissionAllowed(permission, APP_ENTRY), permission).toBe(false);
      expect(permissionAllowed(permission, 'https://evil.example.com/'), permission).toBe(false);
    }
  });
});
