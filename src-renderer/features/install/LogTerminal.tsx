import '@xterm/xterm/css/xterm.css';
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
  if (/failed|error|refused|denied/i.test(line)) return `\x1b[31m${line}\x1b[0m`;
  return line;
}

export default function LogTerminal({ lines, label }: { lines: readonly string[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | undefined>(undefined);
  const written = useRef(0);
  const first = useRef<string | undefined>(undefined);

  useEffect(() => {
    const t = new Terminal({ convertEol: true, disableStdin: true, cursorBlink: false, cursorInactiveStyle: 'none', rows: 16, scrollback: 20_000, fontSize: 12, theme: { background: '#1a1b1e' } });
    t.open(host.current!);
    term.current = t;
    written.current = 0;
    first.current = undefined;
    return () => {
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
