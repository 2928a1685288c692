import { BrowserWindow, shell, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Where the renderer lives: the Vite dev server in development, the built files otherwise. */
export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).toString();
}

/** True when a URL belongs to our own renderer (used for navigation and IPC sender checks). */
export function isAppUrl(url: string): boolean {
  const base = rendererUrl();
  if (base.startsWith('file:')) return url.split('#')[0] === base;
  return new URL(url).origin === new URL(base).origin;
}

/**
 * A hardened window: isolated, sandboxed, no Node in the page, web security on, no webview,
 * no new windows, no navigation away from the app (external links open in the browser).
 */
export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Edgedeck',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(rendererUrl());
  return win;
}

/** Deny every permission request (camera, notifications, …): the app needs none. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
