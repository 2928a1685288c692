import { spawn } from 'node:child_process';
import { browserOpener, folderOpener, type Argv } from '../../shared/domain/platformPaths';

/**
 * Starts the desktop's opener (shared/domain/platformPaths.ts: xdg-open, open, rundll32 / explorer)
 * detached and without a shell, so the URL or path is one argv entry that nothing re-reads.
 * `onError` hears when the opener cannot be started (not installed).
 */
export function runOpener(argv: Argv, onError: (message: string) => void): void {
  const child = spawn(argv.command, argv.args, { stdio: 'ignore', detached: true, windowsHide: true });
  child.on('error', (e) => onError(`could not start ${argv.command} (${e.message})`));
  child.unref();
}

export function openUrl(url: string, onError: (message: string) => void, platform = process.platform): void {
  runOpener(browserOpener(platform, url), onError);
}

export function openFolder(folder: string, onError: (message: string) => void, platform = process.platform): void {
  runOpener(folderOpener(platform, folder), onError);
}

/** Whether there is a desktop to open things on (Linux needs a display; CI never has one). */
export function hasDesktop(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  if (env.CI) return false;
  return platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** openFolder as a promise: rejects with why when the opener cannot be started. */
export function showFolder(folder: string, platform = process.platform): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    openFolder(folder, (why) => ((failed = true), reject(new Error(why))), platform);
    // spawn reports a missing program on the next turns of the loop; after that it has started.
    setTimeout(() => failed || resolve(), 200);
  });
}
