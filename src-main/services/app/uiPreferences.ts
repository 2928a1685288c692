import { DEFAULT_UI_PREFERENCES, type UiPreferences } from '../../shared/domain/uiPreferences';
import { uiPreferencesSchema } from '../../shared/schemas/preferences';
import type { Handlers } from '../rpc/dispatcher';
import type { KeyValueStore } from '../stores/keyValueStore';

const KEY = 'uiPreferences';

/** The stored preferences over the defaults; a value a hand edit broke falls back to its default alone. */
function read(store: KeyValueStore): UiPreferences {
  const stored = store.get<Record<string, unknown>>(KEY);
  const prefs = { ...DEFAULT_UI_PREFERENCES };
  if (!stored || typeof stored !== 'object') return prefs;
  for (const [name, field] of Object.entries(uiPreferencesSchema.shape)) {
    const parsed = field.safeParse(stored[name]);
    if (parsed.success) Object.assign(prefs, { [name]: parsed.data });
  }
  return prefs;
}

/** `preferences:get` / `preferences:update`, in the app's settings store (settings.json). */
export function createPreferencesHandlers(store: KeyValueStore): Pick<Handlers, 'preferences:get' | 'preferences:update'> {
  return {
    'preferences:get': () => read(store),
    'preferences:update': (change) => {
      const next = { ...read(store), ...change };
      store.set(KEY, next);
      return next;
    },
  };
}
