/**
 * Secrets on the CLI: never required on the command line, where every local user can read them
 * (ps, /proc/PID/cmdline) and the shell keeps them in its history. Each secret a command takes
 * has the same forms:
 *   --NAME-stdin        one line of standard input (several secrets: one per line, in the
 *                       command's declared order); asked without echo when stdin is a terminal
 *   --NAME-file FILE    the file's content (one trailing newline dropped)
 *   $EDGEDECK_…         an environment variable, where the secret declares one
 *   --NAME VALUE        only for the flags that took it before; still works, with a warning
 */
import { readFileSync } from 'node:fs';
import { invalidInput } from '../shared/contract/errors';
import type { CliIo } from './io';

export interface SecretSpec {
  /** The base flag, without dashes: `agent-secret` gives --agent-secret-stdin and --agent-secret-file. */
  name: string;
  /** What it is, for prompts and messages: "the agent secret". */
  label: string;
  /** Environment variable read when no flag gives the secret. */
  env?: string;
  /** The old `--NAME VALUE` form is accepted (with a warning on stderr). */
  argv?: boolean;
  /** The terminal prompt (default: the label without "the"). */
  prompt?: string;
  /** No `--NAME-file` form (for secrets always typed or piped, such as passwords the CLI asks for). */
  noFile?: boolean;
}

type OptionSpec = { type: 'string' } | { type: 'boolean'; default: false };

/** The parseArgs options every form of these secrets needs. */
export function secretOptions(specs: readonly SecretSpec[]): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = {};
  for (const s of specs) {
    out[`${s.name}-stdin`] = { type: 'boolean', default: false };
    if (!s.noFile) out[`${s.name}-file`] = { type: 'string' };
    if (s.argv) out[s.name] = { type: 'string' };
  }
  return out;
}

type RawValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** How each secret was given (checked before anything is read). */
export function secretSources(specs: readonly SecretSpec[], values: RawValues, env: NodeJS.ProcessEnv): Map<string, 'argv' | 'file' | 'stdin' | 'env'> {
  const out = new Map<string, 'argv' | 'file' | 'stdin' | 'env'>();
  for (const s of specs) {
    const given: Array<'argv' | 'file' | 'stdin'> = [];
    if (s.argv && values[s.name] !== undefined) given.push('argv');
    if (!s.noFile && values[`${s.name}-file`] !== undefined) given.push('file');
    if (values[`${s.name}-stdin`] === true) given.push('stdin');
    if (given.length > 1) throw invalidInput(`--${s.name}-${given[1] === 'file' ? 'file' : 'stdin'}`, `Give ${s.label} one way only (${given.map((g) => flagOf(s, g)).join(', ')} were all given).`);
    if (given[0]) out.set(s.name, given[0]);
    else if (s.env && env[s.env]) out.set(s.name, 'env');
  }
  return out;
}

function flagOf(s: SecretSpec, form: 'argv' | 'file' | 'stdin'): string {
  return form === 'argv' ? `--${s.name}` : `--${s.name}-${form}`;
}

/** The safe forms of a secret, for messages. */
export function saferForms(s: SecretSpec): string {
  return [`--${s.name}-stdin`, ...(s.noFile ? [] : [`--${s.name}-file FILE`]), ...(s.env ? [s.env] : [])].join(', ');
}

/**
 * Reads the secrets that were given, in the declared order. Standard input is read once: a
 * terminal is asked each secret without echo, a pipe gives one secret per line.
 */
export async function readSecrets(specs: readonly SecretSpec[], values: RawValues, io: CliIo, command: string): Promise<Record<string, string>> {
  const env = io.env ?? process.env;
  const sources = secretSources(specs, values, env);
  const out: Record<string, string> = {};
  const fromStdin = specs.filter((s) => sources.get(s.name) === 'stdin');
  let lines: string[] | undefined;
  if (fromStdin.length && !io.tty) lines = (await io.readStdin()).split(/\r?\n/);
  let line = 0;
  for (const s of specs) {
    const source = sources.get(s.name);
    if (!source) continue;
    let value: string | undefined;
    if (source === 'argv') {
      value = values[s.name] as string;
      io.stderr(`edgedeck: warning: --${s.name} puts ${s.label} on the command line, where other local users can read it (ps) and the shell history keeps it; use ${saferForms(s)} instead.\n`);
    } else if (source === 'env') value = env[s.env!];
    else if (source === 'file') value = readSecretFile(values[`${s.name}-file`] as string, `--${s.name}-file`, s.label);
    else if (io.tty) {
      value = await io.tty.ask(s.prompt ?? `${s.label.replace(/^the /, '')}: `);
      if (!value) throw invalidInput(`--${s.name}-stdin`, `no ${s.label.replace(/^the /, '')} given.`);
    } else {
      value = lines![line] ?? '';
      if (!value) {
        const order = fromStdin.map((x, i) => `line ${i + 1}: --${x.name}-stdin`).join(', ');
        throw invalidInput(`--${s.name}-stdin`, `--${s.name}-stdin read nothing from line ${line + 1} of standard input; give one secret per line in this order (${order}), e.g. printf '%s\\n' ... | edgedeck ${command} ...`);
      }
      line += 1;
    }
    if (!value) throw invalidInput(flagOf(s, source === 'env' ? 'argv' : source), `${s.label} is empty.`);
    out[s.name] = value;
  }
  return out;
}

function readSecretFile(path: string, flag: string, label: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw invalidInput(flag, `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (!value) throw invalidInput(flag, `${path} is empty; it should hold ${label}.`);
  return value;
}
