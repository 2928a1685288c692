import type { Logger } from './logger';

/** What the UI is told when something failed outside any call or task. */
export interface ProcessProblem {
  message: string;
  at: string;
}

type ProcessLike = Pick<NodeJS.Process, 'on' | 'off'>;

const listeners = new Set<(p: ProcessProblem) => void>();

/** Where caught process-level errors are reported besides the log (the UI's event hub); returns the remover. */
export function onProcessProblem(listener: (p: ProcessProblem) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Keeps a long-lived process (the serve bridge, Electron main, a CLI command) alive when an error
 * escapes every callback: Node ends the process on an unhandled rejection or an uncaught
 * exception by default, which turned one stray ssh2 callback into a dead backend (issue #11).
 * The error is logged (through the redacting logger) and reported to every onProcessProblem
 * listener; the work in flight carries on or fails on its own terms. Install once per process,
 * in the adapter that owns it; returns the function that removes the handlers again.
 */
export function guardProcess(o: { logger: Pick<Logger, 'error'>; redact?: (text: string) => string; proc?: ProcessLike; now?: () => Date }): () => void {
  const proc = o.proc ?? process;
  const handle = (kind: string) => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const problem = { message: (o.redact ?? ((t: string) => t))(`An internal error was caught and Edgedeck kept running: ${message}`), at: (o.now?.() ?? new Date()).toISOString() };
    try {
      o.logger.error(`${kind}, caught; the process keeps running:`, err instanceof Error ? err : message);
    } catch {
      /* logging must never be what ends the process */
    }
    for (const l of listeners) {
      try {
        l(problem);
      } catch {
        /* nor may a listener */
      }
    }
  };
  const onRejection = handle('unhandled rejection');
  const onException = handle('uncaught exception');
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
