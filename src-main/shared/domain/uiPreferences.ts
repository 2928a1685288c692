/**
 * The UI's own preferences, kept by main in the app's settings (not the page's localStorage,
 * which `edgedeck serve` scopes to one port: a new port would forget them). No zod here: the
 * renderer's first bundle reads the defaults.
 */
export interface UiPreferences {
  /** The wide-screen sidebar is folded away. */
  navCollapsed: boolean;
}

export const DEFAULT_UI_PREFERENCES: UiPreferences = { navCollapsed: false };
