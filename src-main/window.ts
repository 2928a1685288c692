import { app, BrowserWindow, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appMenuTemplate } from './services/shell/appMenu';
import { APP_SCHEME, devServerOrigin, externalOpenAllowed, isAppUrl, permissionAllowed, rendererEntry, type AppOriginPolicy } from './services/shell/appOrigin';
import { appProtocolResponse } from './services/shell/appProtocol';

/**
 * The Electron adapter for the window and its session. Every rule it applies (which URL is the
 * app's, which file a request names, the menu, the permissions) is a pure function under
 * services/shell/, tested under Node; this file only wires them to Electron's events.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererRoot = join(here, '../renderer');

/**
 * A development build (`electron-vite dev`: import.meta.env.DEV is replaced at build time, so a
 * production bundle holds `false` here) that is not packaged. Only then do the Vite dev server's
 * URL (ELECTRON_RENDERER_URL), DevTools and the reload items count.
 */
export const developmentBuild = import.meta.env.DEV && !app.isPackaged;

export const originPolicy: AppOriginPolicy = (() => {
  const devServer = devServerOrigin(process.env.ELECTRON_RENDERER_URL, developmentBuild);
  return devServer ? { devServer } : {};
})();

/** Before app ready: `app://` as a standard, secure scheme (its own origin, a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/**
 * A hardened window: isolated, sandboxed, no Node in the page, web security on, no webview,
 * no DevTools outside development, no new windows, no navigation or redirect away from the app
 * (https links open in the browser).
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
      devTools: developmentBuild,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (externalOpenAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, originPolicy)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, originPolicy)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(rendererEntry(originPolicy));
  return win;
}

/**
 * After app ready: the renderer served at app://edgedeck/ from the built folder, every permission
 * refused (request and check alike), and the menu without DevTools in production.
 */
export function lockDownSession(): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererRoot, request));
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => callback(permissionAllowed(permission, details.requestingUrl)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
  const template = appMenuTemplate({ developmentBuild, platform: process.platform }) as MenuItemConstructorOptions[];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
