/**
 * One shape for every subcommand: its options (node:util parseArgs, strict), its usage, the
 * secrets it takes (see secretInput.ts) and small output helpers. Bad flags become one-line
 * usage errors (exit 2) the same way in every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../shared/contract/errors';
import { reportError, type CliIo, type Command } from './io';
import { readSecrets, secretOptions, secretSources, type SecretSpec } from './secretInput';

export type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
/** The parsed values of a command's options. */
export type ValuesOf<O extends Options> = Values<O>;

export interface CommandContext<O extends Options> {
  values: Values<O>;
  positionals: string[];
  io: CliIo;
  /** Which secrets were given at all (any form), without reading them. */
  hasSecret(name: string): boolean;
  /** Reads the given secrets (once; standard input in the declared order). Missing ones are absent. */
  secrets(): Promise<Record<string, string>>;
  /** One JSON document on standard output. */
  json(value: unknown, pretty?: boolean): void;
  /** A line on standard error, prefixed "edgedeck: ". */
  note(text: string): void;
}

export interface CommandSpec<O extends Options> {
  name: string;
  usage: string;
  options: O;
  /** Words after the command (subcommands, IDs). Default: none allowed. */
  positionals?: boolean;
  secrets?: readonly SecretSpec[];
  run(ctx: CommandContext<O>): Promise<number>;
}

/** Turns node:util's parse errors into a one-line usage error naming the command's help. */
export function parseStrict<O extends Options>(name: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true }) as { values: Values<O>; positionals: string[] };
  } catch (err) {
    if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new AppError('invalid_input', `${err.message.replace(/\s+/g, ' ').trim()} Run "edgedeck ${name} --help" for the options.`);
    }
    throw err;
  }
}

export function defineCommand<const O extends Options>(spec: CommandSpec<O>): Command {
  const secretSpecs = spec.secrets ?? [];
  const options = { ...secretOptions(secretSpecs), ...spec.options } as O;
  return {
    name: spec.name,
    usage: spec.usage,
    async run(args, io) {
      let values: Values<O>;
      let positionals: string[];
      try {
        ({ values, positionals } = parseStrict(spec.name, args, options));
        if (!spec.positionals && positionals.length) {
          throw new AppError('invalid_input', `Unexpected argument "${positionals[0]}". Run "edgedeck ${spec.name} --help" for the options.`);
        }
      } catch (err) {
        return reportError(err, io);
      }
      const raw = values as Record<string, string | boolean | undefined>;
      let read: Promise<Record<string, string>> | undefined;
      return spec.run({
        values,
        positionals,
        io,
        hasSecret: (name) => secretSources(secretSpecs, raw, io.env ?? process.env).has(name),
        secrets: () => (read ??= readSecrets(secretSpecs, raw, io, spec.name)),
        json: (value, pretty) => io.stdout(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n'),
        note: (text) => io.stderr(`edgedeck: ${text}\n`),
      });
    },
  };
}
