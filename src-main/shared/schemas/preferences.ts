import { z } from 'zod';
import type { UiPreferences } from '../domain/uiPreferences';

export type { UiPreferences };

/** What main keeps of the UI's preferences (src-main/shared/domain/uiPreferences.ts). */
export const uiPreferencesSchema = z.object({
  navCollapsed: z.boolean(),
}) satisfies z.ZodType<UiPreferences>;

/** An update names only what changes. */
export const preferencesUpdateRequest = uiPreferencesSchema.partial().strict();
