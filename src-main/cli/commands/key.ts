import { AppError, invalidInput } from '../../shared/contract/errors';
import { decodeEdgeKey, encodeEdgeKey, inspectEdgeKey, inspectKeyText } from '../../shared/domain/edgeKey';
import { defineCommand } from '../defineCommand';
import { requireFlag, withFlagNames } from '../flags';
import { EDGE_KEY_SECRET } from '../secretFlags';

const DECODE_USAGE = 'edgedeck key decode (- | --edge-key-file FILE | <key>)   (-: the key on standard input; or $EDGEDECK_EDGE_KEY)';
const ENCODE_USAGE = 'edgedeck key encode --url <portainer url> --tunnel-address <host:port> --fingerprint <fp> --environment-id <n>';

export const keyCommand = defineCommand({
  name: 'key',
  usage: `${DECODE_USAGE}\n       ${ENCODE_USAGE}`,
  positionals: true,
  secrets: [{ ...EDGE_KEY_SECRET, argv: false }],
  options: {
    url: { type: 'string' },
    'tunnel-address': { type: 'string' },
    fingerprint: { type: 'string' },
    'environment-id': { type: 'string' },
  },
  async run({ values, positionals, io, hasSecret, secrets }) {
    const [sub, ...rest] = positionals;
    if (sub === 'decode') {
      const encodeFlag = (['url', 'tunnel-address', 'fingerprint', 'environment-id'] as const).find((f) => values[f] !== undefined);
      if (encodeFlag) throw invalidInput(`--${encodeFlag}`, `goes with "key encode". Usage: ${DECODE_USAGE}`);
      const flagGiven = ['edge-key-stdin', 'edge-key-file'].some((f) => (values as Record<string, unknown>)[f]);
      if (rest.length > 1 || (rest.length === 1 && flagGiven)) {
        throw invalidInput('key', `give exactly one key. Usage: ${DECODE_USAGE}`);
      }
      let key: string;
      if (rest[0] === '-') key = await io.readStdin();
      else if (rest[0] !== undefined) {
        key = rest[0];
        io.stderr('edgedeck: warning: the join token on the command line is visible to other local users (ps) and kept in the shell history; pass - and pipe it in, or use --edge-key-file FILE or $EDGEDECK_EDGE_KEY.\n');
      } else if (hasSecret('edge-key')) key = (await secrets())['edge-key']!;
      else throw invalidInput('key', `give the key. Usage: ${DECODE_USAGE}`);
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
      for (const w of inspectKeyText(key)) io.stderr(`warning: edgeKey: ${w.message}\n`);
      for (const w of inspectEdgeKey(fields)) io.stderr(`warning: ${w.field}: ${w.message}\n`);
      return 0;
    }
    if (sub === 'encode') {
      if (rest.length) throw invalidInput('key', `unexpected argument "${rest[0]}". Usage: ${ENCODE_USAGE}`);
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
});
