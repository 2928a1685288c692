import type { AppCapabilities, AppLogsView } from '../../shared/contract/calls';
import { AppError } from '../../shared/contract/errors';
import type { Handlers } from '../rpc/dispatcher';
import type { Dialogs } from './dialogs';

export type PlatformCallName = 'app:capabilities' | 'dialogs:chooseFolder' | 'app:logs' | 'app:openLogFolder' | 'clipboard:write';

export interface PlatformHandlerDeps {
  /** Native dialogs: the Electron shell's; undefined in the browser. */
  dialogs?: Dialogs | undefined;
  transport: 'ipc' | 'web';
  /** The session's log folder and file. */
  logs?: AppLogsView;
  /** Shows a folder in the OS's file manager (Electron's shell.openPath; the desktop opener for serve); rejects with why it could not. */
  showFolder?: (folder: string) => Promise<void>;
  /**
   * Puts text on the system clipboard (Electron's clipboard, platform/electronClipboard.ts);
   * rejects with why when the text did not land there. Undefined in the browser.
   */
  writeClipboard?: (text: string) => Promise<void>;
}

function logsView(deps: PlatformHandlerDeps): AppLogsView {
  if (!deps.logs) throw new AppError('unsupported', 'This session writes no log file; its messages go to the terminal that started it.');
  return deps.logs;
}

/** What the shell can do natively (dialogs), as contract calls. */
export function createPlatformHandlers(deps: PlatformHandlerDeps): Pick<Handlers, PlatformCallName> {
  return {
    'app:capabilities': () => ({ nativeDialogs: deps.dialogs !== undefined, clipboard: deps.writeClipboard !== undefined, transport: deps.transport }) satisfies AppCapabilities,
    async 'clipboard:write'({ text }) {
      if (!deps.writeClipboard) throw new AppError('unsupported', 'Main has no clipboard here: in the browser the page copies by itself (navigator.clipboard).');
      try {
        await deps.writeClipboard(text);
      } catch (e) {
        // The message is the adapter's own (never the text: it may be a secret).
        throw new AppError('unavailable', `Could not copy: ${(e as Error).message}`);
      }
      return { copied: true as const };
    },
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
    'app:logs': () => logsView(deps),
    async 'app:openLogFolder'() {
      const view = logsView(deps);
      if (!deps.showFolder) return { ...view, opened: false, reason: 'There is no desktop here to show the folder on; open the path yourself.' };
      try {
        await deps.showFolder(view.folder);
        return { ...view, opened: true };
      } catch (e) {
        return { ...view, opened: false, reason: (e as Error).message };
      }
    },
  };
}
