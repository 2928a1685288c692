import { spawn } from 'node:child_process';
import type { CliIo } from './io';

/** Opens a URL in the desktop's browser when there is a desktop; says so when there is none. */
export function openBrowser(url: string, io: CliIo): void {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay || process.env.CI) {
    io.stderr('edgedeck: no desktop display here: open the address above in a browser.\n');
    return;
  }
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => io.stderr(`edgedeck: could not start ${opener}: open the address above in a browser.\n`));
  child.unref();
}
