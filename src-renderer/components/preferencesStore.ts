import { create } from 'zustand';
import { DEFAULT_UI_PREFERENCES, type UiPreferences } from '../../src-main/shared/domain/uiPreferences';
import { api } from '../api';
import { notifyError } from './notify';

/** The UI's preferences as main keeps them (`preferences:*`): the same in every window and on every serve port. */
export interface PreferencesStore {
  prefs: UiPreferences;
  load(): Promise<void>;
  change(change: Partial<UiPreferences>): Promise<void>;
}

/** Counts the user's changes, so a read that was under way when one happened does not undo it. */
let changes = 0;

export const usePreferences = create<PreferencesStore>()((set) => ({
  prefs: DEFAULT_UI_PREFERENCES,
  load: async () => {
    const before = changes;
    try {
      const prefs = await api.preferences.get();
      if (changes === before) set({ prefs });
    } catch (err) {
      notifyError('Could not read the saved layout (the defaults are used)', err);
    }
  },
  change: async (change) => {
    changes++;
    // The page follows at once; main's answer (all preferences) confirms it.
    set((s) => ({ prefs: { ...s.prefs, ...change } }));
    try {
      set({ prefs: await api.preferences.update(change) });
    } catch (err) {
      notifyError('Could not save the layout; it holds until the page is reloaded', err);
    }
  },
}));
