/**
 * Which URLs are the desktop app's own, as pure functions over strings so they run (and are tested)
 * under plain Node; src-main/window.ts and index.ts only wire them to Electron's events.
 *
 * The packaged renderer is served from a privileged custom scheme, `app://edgedeck/…`, rather than
 * `file://`: a file: page shares its "origin" with every file on the disk, while `app://edgedeck`
 * is one origin that serves only the built renderer folder (rendererFiles.ts).
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'edgedeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * What the running build trusts. `devServer` is the Vite dev server's origin, set only in a
 * development build (never in a packaged or production one): see rendererEntry.
 */
export interface AppOriginPolicy {
  devServer?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The Vite dev server's origin from ELECTRON_RENDERER_URL, or undefined: only in a development
 * build, and only an http URL on this machine's loopback (a stray variable pointing elsewhere would
 * otherwise give a remote page the app's whole API).
 */
export function devServerOrigin(value: string | undefined, developmentBuild: boolean): string | undefined {
  if (!developmentBuild || !value) return undefined;
  const url = parse(value);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) return undefined;
  return url.origin;
}

/** The address the window loads: the dev server in development, the app scheme otherwise. */
export function rendererEntry(policy: AppOriginPolicy): string {
  return policy.devServer ? `${policy.devServer}/` : APP_ENTRY;
}

/**
 * True when `url` is a page of our own renderer: host `edgedeck` exactly on the app scheme (no port,
 * no user info; any case, as Chromium lower-cases a standard scheme's host), or the dev server's
 * origin in development.
 * Everything else is refused: file:, data:, javascript:, blob:, look-alike hosts
 * (`app://edgedeck.evil`, `app://edgedeck@evil`), and the dev server's origin in a production build.
 */
export function isAppUrl(url: string, policy: AppOriginPolicy): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host.toLowerCase() === APP_HOST;
  return policy.devServer !== undefined && parsed.origin === policy.devServer;
}

/** Where a call over IPC came from: Electron's event.senderFrame, reduced to what the rule needs. */
export interface IpcSender {
  /** senderFrame.url; undefined when the frame is gone (navigated away or destroyed). */
  frameUrl: string | undefined;
  /** senderFrame.parent === null: the top frame, not an iframe inside it. */
  topFrame: boolean;
  /** event.sender is the main window's webContents. */
  fromMainWindow: boolean;
}

/** Only our own top frame in the main window may call main; anything else (an injected frame) is refused. */
export function isTrustedSender(sender: IpcSender, policy: AppOriginPolicy): boolean {
  return sender.fromMainWindow && sender.topFrame && sender.frameUrl !== undefined && isAppUrl(sender.frameUrl, policy);
}

/** What a link that asks for a new window does: https opens in the user's browser, anything else nowhere. */
export function externalOpenAllowed(url: string): boolean {
  const parsed = parse(url);
  return parsed !== undefined && parsed.protocol === 'https:' && !parsed.username && !parsed.password;
}

/**
 * The permission handlers' answer (session.setPermissionRequestHandler and
 * setPermissionCheckHandler): always no. The app needs no camera, notification or clipboard
 * permission: copy buttons go through main (the `clipboard:write` call), which works in every
 * frame and says whether the copy happened. Kept as a function so both handlers share one rule.
 */
export function permissionAllowed(_permission: string, _requestingUrl: string): boolean {
  return false;
}
