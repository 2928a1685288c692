import { hasDesktop, openUrl } from '../services/platform/opener';
import type { CliIo } from './io';

/** Opens a URL in the desktop's browser when there is a desktop; says so when there is none. */
export function openBrowser(url: string, io: CliIo): void {
  if (!hasDesktop()) {
    io.stderr('edgedeck: no desktop display here: open the address above in a browser.\n');
    return;
  }
  openUrl(url, (why) => io.stderr(`edgedeck: ${why}: open the address above in a browser.\n`));
}
