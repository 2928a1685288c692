import type { SessionLogFile } from './logFile';
import { Redactor } from './redact';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
  /** The session's log file, when lines also go to one (messages that say "see the log" name it). */
  readonly file?: string;
}

function render(extra: unknown[]): string {
  return extra
    .map((e) => (e instanceof Error ? (e.stack ?? e.message) : typeof e === 'string' ? e : JSON.stringify(e)))
    .join(' ');
}

/**
 * A logger writing redacted lines to a sink (stderr by default) and, when given, to the session's
 * log file (the same redacted line). Quiet below `minLevel`.
 */
export function createLogger(options: { minLevel?: Level; redactor?: Redactor; sink?: (line: string) => void; scope?: string; file?: SessionLogFile } = {}): Logger {
  const order: Level[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.minLevel ?? 'info');
  const redactor = options.redactor ?? new Redactor();
  const toSink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const file = options.file;
  const sink = file
    ? (line: string) => {
        file.write(line);
        toSink(line);
      }
    : toSink;
  const scope = options.scope ? `[${options.scope}] ` : '';
  const log = (level: Level) => (message: string, ...extra: unknown[]) => {
    if (order.indexOf(level) < min) return;
    const tail = extra.length ? ' ' + render(extra) : '';
    sink(redactor.redact(`${new Date().toISOString()} ${level.toUpperCase()} ${scope}${message}${tail}`));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), ...(file ? { file: file.path } : {}) };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
