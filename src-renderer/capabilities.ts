import { create } from 'zustand';
import { api } from './api';
import type { AppCapabilities } from '../src-main/shared/contract/calls';

/**
 * What the shell under the page can do (app:capabilities): the desktop app has native dialogs
 * and copies through main, the browser gets downloads from the web bridge and copies with
 * navigator.clipboard. Unknown (undefined) until main answers, or when it cannot: then the page
 * offers neither dialog nor download, only the typed folder, and copies with navigator.clipboard.
 */
interface CapabilitiesState {
  caps?: AppCapabilities;
  load(): Promise<void>;
}

let loading: Promise<void> | undefined;

export const useCapabilities = create<CapabilitiesState>()((set) => ({
  caps: undefined,
  load: () =>
    (loading ??= api.app
      .capabilities()
      .then((caps) => set({ caps }))
      .catch(() => {
        loading = undefined;
      })),
}));

/** For tests. */
export function resetCapabilities(): void {
  loading = undefined;
  useCapabilities.setState({ caps: undefined });
}
