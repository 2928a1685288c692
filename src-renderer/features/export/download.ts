import type { DownloadTicket } from '../../../src-main/shared/contract/calls';

/**
 * Starts a browser download of a file main holds once (`GET /downloads/<id>` on the web bridge).
 * A same-origin link: the bridge's HttpOnly cookie authenticates it, and the browser streams it
 * to its downloads folder (no blob in page memory, so no CSP change).
 */
export function startDownload(ticket: Pick<DownloadTicket, 'id' | 'fileName'>): void {
  const a = document.createElement('a');
  a.href = `/downloads/${encodeURIComponent(ticket.id)}`;
  a.download = ticket.fileName;
  a.rel = 'noopener';
  a.hidden = true;
  a.dataset.testid = 'export-download-link';
  document.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
