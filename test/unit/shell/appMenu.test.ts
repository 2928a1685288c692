import { describe, expect, it } from 'vitest';
import { appMenuTemplate, DEVELOPER_ROLES, type MenuItemSpec } from '../../../src-main/services/shell/appMenu';

const roles = (items: MenuItemSpec[]): string[] => items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);

describe('the application menu', () => {
  for (const platform of ['linux', 'win32', 'darwin']) {
    it(`has no DevTools or reload in a production build (${platform})`, () => {
      const r = roles(appMenuTemplate({ developmentBuild: false, platform }));
      for (const role of [...DEVELOPER_ROLES, 'viewMenu']) expect(r, role).not.toContain(role);
      // Copy and paste keep working (on macOS only the Edit menu gives them their shortcuts).
      expect(r).toContain('editMenu');
    });
  }

  it('offers DevTools and reload in a development build', () => {
    const r = roles(appMenuTemplate({ developmentBuild: true, platform: 'linux' }));
    for (const role of DEVELOPER_ROLES) expect(r).toContain(role);
  });

  it('has the macOS app menu on macOS only', () => {
    expect(roles(appMenuTemplate({ developmentBuild: false, platform: 'darwin' }))).toContain('appMenu');
    expect(roles(appMenuTemplate({ developmentBuild: false, platform: 'linux' }))).not.toContain('appMenu');
  });
});
