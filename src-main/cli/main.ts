import { commands } from './commands/index';
import { reportError, type CliIo, EXIT_USAGE } from './io';
import { guardProcess } from '../services/logging/crashGuard';
import { createLogger } from '../services/logging/logger';
import { stdinTty } from './tty';
import { packageVersion } from './version';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Edgedeck ${packageVersion()}: onboard Portainer Edge agents.\n\nUsage: edgedeck <command> [options]\n       edgedeck --version\n\nCommands:\n${lines.join('\n')}\n\nRun "edgedeck <command> --help" for a command's options.\n`;
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
    // Secrets are asked on the terminal (no echo) when standard input is one, read from it when piped.
    tty: process.stdin.isTTY ? stdinTty() : null,
    env: process.env,
  };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`edgedeck: unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${entry.summary}\n\nUsage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}
