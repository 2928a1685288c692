import type { RawApi } from '../src-main/shared/contract/client';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser on the web bridge. */
    readonly api?: RawApi;
  }
}

export {};
