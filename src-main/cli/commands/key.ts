import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { decodeEdgeKey, encodeEdgeKey, inspectEdgeKey, isPaddedEdgeKey } from '../../shared/domain/edgeKey';
import type { Command } from '../io';

const DECODE_USAGE = 'edgedeck key decode <key>   (use - to read the key from standard input)';
const ENCODE_USAGE = 'edgedeck key encode --url <portainer url> --tunnel-address <host:port> --fingerprint <fp> --environment-id <n>';
const USAGE = `${DECODE_USAGE}\n       ${ENCODE_USAGE}`;

export const keyCommand: Command = {
  name: 'key',
  summary: 'Decode a join token (Edge key) and check it, or build one from its fields.',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'decode') {
      const { positionals } = parseStrict(rest, {}, DECODE_USAGE, true);
      if (positionals.length !== 1) {
        throw invalidInput('key', `give exactly one key, got ${positionals.length}. Usage: ${DECODE_USAGE}`);
      }
      const key = positionals[0] === '-' ? await io.readStdin() : positionals[0]!;
      const fields = decodeEdgeKey(key);
      // Fixed key order: scripts compare this output textually.
      const out = {
        portainerUrl: fields.portainerUrl,
        tunnelAddress: fields.tunnelAddress,
        tunnelFingerprint: fields.tunnelFingerprint,
        environmentId: fields.environmentId,
        global: fields.global,
      };
      io.stdout(`${JSON.stringify(out)}\n`);
      if (isPaddedEdgeKey(key)) {
        io.stderr('warning: edgeKey: the key ends with "=" padding, which the agent rejects; remove the trailing "=" or rebuild it with "edgedeck key encode".\n');
      }
      for (const w of inspectEdgeKey(fields)) io.stderr(`warning: ${w.field}: ${w.message}\n`);
      return 0;
    }
    if (sub === 'encode') {
      const { values } = parseStrict(
        rest,
        {
          url: { type: 'string' },
          'tunnel-address': { type: 'string' },
          fingerprint: { type: 'string' },
          'environment-id': { type: 'string' },
        },
        ENCODE_USAGE,
      );
      const portainerUrl = requireFlag(values.url, '--url', 'the Portainer URL the agent polls, e.g. --url https://portainer.example.com:9443');
      const tunnelAddress = requireFlag(values['tunnel-address'], '--tunnel-address', 'the tunnel server as host:port, e.g. --tunnel-address portainer.example.com:8000');
      const tunnelFingerprint = requireFlag(values.fingerprint, '--fingerprint', 'the tunnel server fingerprint from an existing key (--fingerprint "" disables verification)');
      const idText = requireFlag(values['environment-id'], '--environment-id', 'the environment ID (0 for a global key)');
      if (!/^\d+$/.test(idText) || !Number.isSafeInteger(Number(idText))) {
        throw invalidInput('--environment-id', `must be a whole number of 0 or more (0 makes a global key), got ${JSON.stringify(idText)}.`);
      }
      const key = withFlagNames(
        { portainerUrl: '--url', tunnelAddress: '--tunnel-address', tunnelFingerprint: '--fingerprint', environmentId: '--environment-id' },
        () => encodeEdgeKey({ portainerUrl, tunnelAddress, tunnelFingerprint, environmentId: Number(idText) }),
      );
      io.stdout(`${key}\n`);
      return 0;
    }
    throw new AppError('invalid_input', `${sub === undefined ? 'missing' : `unknown subcommand ${JSON.stringify(sub)};`} use "decode" or "encode". Usage: ${DECODE_USAGE} | ${ENCODE_USAGE}`);
  },
};

// ---------------------------------------------------------------------------------------------
// Argument helpers, shared with the command subcommand.

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode, with its errors turned into one-line usage errors
 * (exit 2) that end with the command's usage.
 */
export function parseStrict<O extends Options>(args: string[], options: O, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new AppError('invalid_input', `${err.message.replace(/\s+/g, ' ').trim()} Usage: ${usage}`);
    }
    throw err;
  }
}

/** Re-labels a core error with the flag that carries the field, so the user knows what to change. */
export function withFlagNames<T>(flags: Record<string, string>, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof AppError && err.field && flags[err.field]) {
      throw new AppError(err.code, err.message, flags[err.field]);
    }
    throw err;
  }
}

export function requireFlag(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw invalidInput(flag, `missing; give ${what}.`);
  return value;
}
