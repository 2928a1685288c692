import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';

/**
 * A read-only xterm.js view of log lines (loaded lazily: xterm is not in the first bundle).
 * Appends only the new lines; when the list shrinks (another host, trimmed buffer) it redraws.
 */
function paint(line: string): string {
  if (line.startsWith('== ')) return `\x1b[1;36m${line}\x1b[0m`;
  if (line.startsWith('$ ')) return `\x1b[2m${line}\x1b[0m`;
  if (line.startsWith('--- ')) return `\x1b[1;33m${line}\x1b[0m`;
  if (line.startsWith('=> ')) return `\x1b[1;${line.startsWith('=> failed') ? 31 : 32}m${line}\x1b[0m`; // a host's outcome
  if (/failed|error|refused|denied/i.test(line)) return `\x1b[31m${line}\x1b[0m`;
  return line;
}

const MIN_COLS = 40;

export default function LogTerminal({ lines, label }: { lines: readonly string[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | undefined>(undefined);
  const written = useRef(0);
  const first = useRef<string | undefined>(undefined);

  useEffect(() => {
    const t = new Terminal({ convertEol: true, disableStdin: true, cursorBlink: false, cursorInactiveStyle: 'none', rows: 16, scrollback: 20_000, fontSize: 12, theme: { background: '#1a1b1e' } });
    // As many columns as the box holds (xterm's default is 80, so lines broke mid-word in a wide
    // box), again whenever the box changes size; the height stays 16 rows.
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(host.current!);
    const refit = () => {
      const size = fit.proposeDimensions();
      // A box not laid out yet (a panel still opening) proposes a handful of columns: wrapping the
      // log into them would scroll its start away, so wait for a real width.
      if (size && Number.isFinite(size.cols) && size.cols >= MIN_COLS && size.cols !== t.cols) t.resize(size.cols, t.rows);
      host.current?.setAttribute('data-cols', String(t.cols));
    };
    refit();
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(refit);
    observer?.observe(host.current!);
    term.current = t;
    written.current = 0;
    first.current = undefined;
    return () => {
      observer?.disconnect();
      t.dispose();
      term.current = undefined;
    };
  }, []);

  useEffect(() => {
    const t = term.current;
    if (!t) return;
    if (lines.length < written.current || (lines.length > 0 && first.current !== undefined && lines[0] !== first.current)) {
      t.reset();
      written.current = 0;
    }
    if (lines.length > written.current) {
      t.write(lines.slice(written.current).map(paint).join('\r\n') + '\r\n');
      written.current = lines.length;
    }
    first.current = lines[0];
  }, [lines]);

  return <div ref={host} role="log" aria-label={label} data-testid="install-log-terminal" style={{ padding: 6, background: '#1a1b1e', borderRadius: 4 }} />;
}
