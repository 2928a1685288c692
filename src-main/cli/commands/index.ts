import type { Command } from '../io';
import { keyCommand } from './key';
import { commandCommand } from './command';
import { serveCommand } from './serve';
import { startCommand } from './start';
import { simCommand } from './sim';
import { agentsCommand } from './agents';
import { envCommand } from './env';
import { exportCommand } from './export';
import { installCommand } from './install';

/** Every subcommand, in the order `edgedeck --help` lists them. */
export const commands: Command[] = [startCommand, serveCommand, keyCommand, commandCommand, envCommand, installCommand, exportCommand, simCommand, agentsCommand];
