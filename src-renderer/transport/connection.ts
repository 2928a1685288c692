import { create } from 'zustand';
import type { ConnectionState } from './web';

/** The event socket's state, for the "connection lost — retrying" banner (web bridge only). */
export interface ConnectionStore {
  state: ConnectionState;
  /** true once the socket has been open at least once: a drop after that is "lost". */
  everOpen: boolean;
  retryInMs?: number;
  set(state: ConnectionState, retryInMs?: number): void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  state: 'idle',
  everOpen: false,
  set: (state, retryInMs) => set((s) => ({ state, retryInMs, everOpen: s.everOpen || state === 'open' })),
}));
