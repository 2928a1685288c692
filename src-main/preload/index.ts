import { contextBridge, ipcRenderer } from 'electron';
import { createRawApi } from '../shared/contract/client';
import type { Envelope } from '../shared/contract/errors';
import { IPC_EVENT, IPC_INVOKE } from '../shared/contract/ipcChannels';

/**
 * The only bridge between page and main: a frozen `window.api` with one function per contract
 * call and `on(event)`. No raw ipcRenderer, no send. Results stay envelopes because Error
 * subclasses lose their fields when contextBridge clones them; the renderer unwraps them.
 */
const api = createRawApi({
  invoke: (channel, payload) => ipcRenderer.invoke(IPC_INVOKE, channel, payload) as Promise<Envelope<unknown>>,
  subscribe: (event, listener) => {
    const wrapped = (_e: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
});

contextBridge.exposeInMainWorld('api', api);
