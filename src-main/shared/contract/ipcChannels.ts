/** The two Electron IPC channel names the contract rides on (one invoke, one event stream). */
export const IPC_INVOKE = 'edgedeck:invoke';
export const IPC_EVENT = 'edgedeck:event';
