/**
 * The desktop app's menu, as plain data (window.ts hands it to Menu.buildFromTemplate). Electron's
 * default menu has View → Toggle Developer Tools (Ctrl+Shift+I) and Reload in every build; a
 * production build must offer neither: DevTools give whoever sits at the window the page's whole
 * API, and a reload drops the UI's state mid-install. Built by roles, never by the `viewMenu` role,
 * which brings both back.
 */

/** The Electron menu roles this menu uses (a subset of MenuItemConstructorOptions['role']). */
export type MenuRole =
  | 'appMenu'
  | 'fileMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

export interface MenuItemSpec {
  role?: MenuRole;
  label?: string;
  type?: 'separator';
  submenu?: MenuItemSpec[];
}

/** The roles that open DevTools or reload the page: development builds only. */
export const DEVELOPER_ROLES: readonly MenuRole[] = ['reload', 'forceReload', 'toggleDevTools'];

export function appMenuTemplate(options: { developmentBuild: boolean; platform: string }): MenuItemSpec[] {
  const developer: MenuItemSpec[] = options.developmentBuild
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  return [
    ...(options.platform === 'darwin' ? [{ role: 'appMenu' } satisfies MenuItemSpec] : []),
    { role: 'fileMenu' },
    // Cut, copy, paste and select all: on macOS their shortcuts work only through this menu.
    { role: 'editMenu' },
    { label: 'View', submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ];
}
