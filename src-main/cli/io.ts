import { AppError } from '../shared/contract/errors';

/** Reads a secret from the terminal without echo; undefined when the user gives up (Ctrl-C / Ctrl-D). */
export interface TtyAsker {
  ask(prompt: string): Promise<string | undefined>;
}

/** Where a command writes. Injected so tests can run commands in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (for --password-stdin and the like). */
  readStdin: () => Promise<string>;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM) — long-running commands wait on it. */
  stopSignal: AbortSignal;
  /** The terminal when standard input is one (secrets are then asked there, without echo); null or absent: piped. */
  tty?: TtyAsker | null;
  /** Environment variables a command may read secrets from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A subcommand, once its module is loaded. */
export interface Command {
  name: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit code for bad input, as the CLI contract promises. */
export const EXIT_USAGE = 2;

/** Prints an AppError (or any error) as one line and returns the exit code to use. */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof AppError) {
    io.stderr(`edgedeck: ${err.field ? `${err.field}: ` : ''}${stripFieldPrefix(err.message, err.field)}\n`);
    return err.code === 'invalid_input' || err.code === 'unsupported' ? EXIT_USAGE : 1;
  }
  if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`edgedeck: ${err.message}\n`);
    return EXIT_USAGE;
  }
  io.stderr(`edgedeck: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

function stripFieldPrefix(message: string, field: string | undefined): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/**
 * Waits until the user stops the command (Ctrl-C / SIGTERM) or `durationMs` passes. It holds a
 * referenced timer meanwhile: services unref their own timers, and without one Node would exit
 * as soon as nothing else is pending.
 */
export function untilStopped(signal: AbortSignal, durationMs?: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const limit = durationMs !== undefined ? setTimeout(done, durationMs) : undefined;
    function done() {
      clearInterval(keepAlive);
      if (limit) clearTimeout(limit);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
