import { commands } from './commands/index';
import { reportError, type CliIo, EXIT_USAGE } from './io';
import { guardProcess } from '../services/logging/crashGuard';
import { createLogger } from '../services/logging/logger';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Edgedeck: onboard Portainer Edge agents.\n\nUsage: edgedeck <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "edgedeck <command> --help" for a command's options.\n`;
}

export function processIo(): CliIo {
  // This is the real process (tests pass their own io): a stray callback error is logged, never fatal.
  guardProcess({ logger: createLogger({ scope: 'edgedeck' }) });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stopSignal: controller.signal,
  };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name ? 0 : EXIT_USAGE;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`edgedeck: unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}
