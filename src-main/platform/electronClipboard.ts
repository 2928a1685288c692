import { clipboard } from 'electron';

/**
 * Copy buttons' clipboard in the desktop app: Electron's own clipboard in main, which needs no
 * page permission (the session refuses them all) and works from any frame. Read back so the UI
 * says "copied" only when the text is really there (another program may hold the clipboard).
 */
export function createElectronClipboard(): (text: string) => Promise<void> {
  return async (text) => {
    await clipboard.writeText(text);
    if ((await clipboard.readText()) !== text) throw new Error('the system clipboard did not take the text (another program may be holding it); try again');
  };
}
