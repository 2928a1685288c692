import type { AppCapabilities } from '../../shared/contract/calls';
import { AppError } from '../../shared/contract/errors';
import type { Handlers } from '../rpc/dispatcher';
import type { Dialogs } from './dialogs';

export type PlatformCallName = 'app:capabilities' | 'dialogs:chooseFolder';

export interface PlatformHandlerDeps {
  /** Native dialogs: the Electron shell's; undefined in the browser. */
  dialogs?: Dialogs | undefined;
  transport: 'ipc' | 'web';
}

/** What the shell can do natively (dialogs), as contract calls. */
export function createPlatformHandlers(deps: PlatformHandlerDeps): Pick<Handlers, PlatformCallName> {
  return {
    'app:capabilities': () => ({ nativeDialogs: deps.dialogs !== undefined, transport: deps.transport }) satisfies AppCapabilities,
    async 'dialogs:chooseFolder'(r) {
      if (!deps.dialogs) {
        throw new AppError('unsupported', 'A folder picker needs the Edgedeck desktop app; in the browser, type the full path of the folder, or download the export as an archive.');
      }
      const path = await deps.dialogs.chooseFolder({
        ...(r.title ? { title: r.title } : {}),
        ...(r.defaultPath ? { defaultPath: r.defaultPath } : {}),
      });
      return path ? { path } : {};
    },
  };
}
