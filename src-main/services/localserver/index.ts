export { startLocalServer, DEFAULT_VERSION, type LocalServer, type LocalServerOptions, type TunnelVerifiedEvent } from './server';
export type { PollEvent } from './edgeStatus';
export { DATA_FILE } from './store';
