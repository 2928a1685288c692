import { SessionLogFile } from '../services/logging/logFile';
import { createLogger, type Logger } from '../services/logging/logger';
import type { Redactor } from '../services/logging/redact';
import { sessionLogFolder } from '../services/platform/dataFolder';
import type { CliIo } from './io';

/**
 * The logger of a long-running command (serve, sim): lines to stderr and to a session file in
 * the OS's log folder (the desktop app's convention), both redacted; the file is named on stderr.
 */
export function sessionLogger(scope: string, io: CliIo, redactor: Redactor): { logger: Logger; folder: string; close: () => void } {
  const folder = sessionLogFolder();
  const file = SessionLogFile.tryOpen({ dir: folder, scope }, (why) => io.stderr(`edgedeck: ${why}\n`));
  const logger = createLogger({ scope, redactor, sink: (line) => io.stderr(line + '\n'), ...(file ? { file } : {}) });
  if (file) io.stderr(`edgedeck: this session's log: ${file.path}\n`);
  logger.info(`${scope} started (pid ${process.pid}, Node ${process.version}, ${process.platform})`);
  return { logger, folder, close: () => file?.close() };
}
