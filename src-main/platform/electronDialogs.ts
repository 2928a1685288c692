import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions as ElectronSaveOptions } from 'electron';
import type { Dialogs } from '../services/platform/dialogs';

/** Native dialogs, modal to the focused Edgedeck window (or free-standing when none is focused). */
export function createElectronDialogs(): Dialogs {
  return {
    async chooseFolder(o) {
      const options: OpenDialogOptions = {
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
        ...(o.title ? { title: o.title } : {}),
        ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}),
        ...(o.buttonLabel ? { buttonLabel: o.buttonLabel } : {}),
      };
      const parent = BrowserWindow.getFocusedWindow();
      const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return r.canceled ? undefined : r.filePaths[0];
    },
    async saveFile(o) {
      const options: ElectronSaveOptions = {
        properties: ['createDirectory', 'showOverwriteConfirmation'],
        ...(o.title ? { title: o.title } : {}),
        ...(o.defaultPath ? { defaultPath: o.defaultPath } : {}),
        ...(o.buttonLabel ? { buttonLabel: o.buttonLabel } : {}),
        ...(o.filters ? { filters: o.filters } : {}),
      };
      const parent = BrowserWindow.getFocusedWindow();
      const r = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? undefined : r.filePath;
    },
  };
}
