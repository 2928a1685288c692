/**
 * Native dialogs as the services see them. The Electron shell passes an implementation
 * (src-main/platform/electronDialogs.ts); the browser bridge (`edgedeck serve`) has none, so
 * `Dialogs | undefined` is what services hold, and the UI falls back to typed paths or downloads.
 */
export interface FolderDialogOptions {
  title?: string;
  /** The folder the dialog opens in. */
  defaultPath?: string;
  buttonLabel?: string;
}

export interface SaveDialogOptions {
  title?: string;
  /** The suggested file (a folder and a name). */
  defaultPath?: string;
  buttonLabel?: string;
  filters?: Array<{ name: string; extensions: string[] }>;
}

export interface Dialogs {
  /** An existing (or newly created) folder, or undefined when the user cancels. */
  chooseFolder(options: FolderDialogOptions): Promise<string | undefined>;
  /** The file to write, or undefined when the user cancels. */
  saveFile(options: SaveDialogOptions): Promise<string | undefined>;
}
