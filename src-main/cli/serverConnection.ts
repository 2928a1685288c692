/**
 * How CLI commands reach a Portainer server: `--server URL` (or `--profile NAME`), credentials on
 * standard input or from a file (`--username U --password-stdin|--password-file F`, or
 * `--api-key-stdin|--api-key-file F`), and the certificate policy (`--pin SHA256` or `--insecure`).
 * Shared by env, export and install.
 */
import { normaliseSha256 } from '../services/portainer/fingerprint';
import { normaliseBaseUrl } from '../services/portainer/url';
import type { ServerProfiles } from '../services/profiles/serverProfiles';
import { invalidInput } from '../shared/contract/errors';
import type { CliIo } from './io';
import type { SecretSpec } from './secretInput';

/** The Portainer credentials, first in the standard-input order of every command that takes them. */
export const SERVER_SECRETS: readonly SecretSpec[] = [
  { name: 'password', label: 'the Portainer password', prompt: 'Portainer password: ' },
  { name: 'api-key', label: 'the Portainer API key', prompt: 'Portainer API key: ' },
];

/** Which credential: the secret's name in SERVER_SECRETS. */
export type ServerAuth = 'password' | 'api-key';

/** The parsed server flags (a subset of each command's parseArgs values). */
export interface ServerFlags {
  server?: string | undefined;
  profile?: string | undefined;
  username?: string | undefined;
  insecure?: boolean | undefined;
  pin?: string | undefined;
}

/** parseArgs options for the server flags (without --profile; the credentials come with SERVER_SECRETS). */
export const SERVER_OPTIONS = {
  server: { type: 'string' },
  username: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  pin: { type: 'string' },
} as const;

/** Which credential was given (undefined: none); both at once is an error. */
export function serverAuthOf(hasSecret: (name: string) => boolean): ServerAuth | undefined {
  if (hasSecret('password') && hasSecret('api-key')) throw invalidInput('--api-key-stdin', 'Use either a password (--password-stdin) or an API key (--api-key-stdin), not both.');
  return hasSecret('api-key') ? 'api-key' : hasSecret('password') ? 'password' : undefined;
}

/**
 * Checks the server flags before anything is read from standard input; returns the credential kind.
 * `profiles`: whether --profile is accepted as an alternative to --server.
 */
export function checkServerFlags(values: ServerFlags, hasSecret: (name: string) => boolean, o: { profiles?: boolean } = {}): ServerAuth {
  const auth = serverAuthOf(hasSecret);
  if (values.insecure && values.pin) throw invalidInput('--pin', 'Use either --pin or --insecure, not both.');
  if (o.profiles && values.server && values.profile) throw invalidInput('--server', 'Use either --server or --profile, not both.');
  if (!values.server && !(o.profiles && values.profile)) throw invalidInput('--server', `Say which Portainer server: --server https://host:9443${o.profiles ? ' (or --profile NAME)' : ''}.`);
  if (!auth) throw invalidInput('--password-stdin', 'Give credentials on standard input or in a file: --password-stdin|--password-file FILE (with --username) or --api-key-stdin|--api-key-file FILE.');
  return auth;
}

/**
 * Registers the server as an ephemeral profile (the secret is kept in memory only) and selects it;
 * with --profile, gives the saved profile its secret. Returns the profile id.
 */
export async function connectServer(values: ServerFlags, profiles: ServerProfiles, io: CliIo, serverAuth: ServerAuth, secret: string): Promise<string> {
  const auth = serverAuth === 'api-key' ? ('apiKey' as const) : ('password' as const);
  if (values.profile && !values.server) {
    const p = profiles.findByName(values.profile);
    if (!p) throw invalidInput('--profile', `No saved server is named "${values.profile}"; saved: ${profiles.list().map((x) => x.name).join(', ') || 'none'}.`);
    if (p.auth !== auth) throw invalidInput(`--${serverAuth}-stdin`, `The profile "${p.name}" uses ${p.auth === 'apiKey' ? 'an API key (--api-key-stdin)' : 'a password (--password-stdin)'}.`);
    await profiles.provideSecret(p.id, secret);
    profiles.select(p.id);
    return p.id;
  }
  const url = normaliseBaseUrl(values.server!, '--server');
  if (values.insecure && values.pin) throw invalidInput('--pin', 'Use either --pin or --insecure, not both.');
  const tls = values.pin ? { mode: 'pinned' as const, pinnedSha256: normaliseSha256(values.pin, '--pin') } : values.insecure ? { mode: 'insecure' as const } : { mode: 'system' as const };
  if (tls.mode !== 'system' && url.startsWith('http:')) throw invalidInput(values.pin ? '--pin' : '--insecure', 'The server address uses http://; there is no certificate to pin or skip.');
  if (tls.mode === 'insecure') io.stderr('edgedeck: warning: certificate verification is OFF (--insecure).\n');
  const id = `cli:${url}`;
  await profiles.registerEphemeral({ id, name: url, url, auth, username: auth === 'password' ? (values.username ?? 'admin') : undefined, tls, rememberSecret: false }, secret);
  profiles.select(id);
  return id;
}

/** The extra line printed after a certificate error: how to go on. */
export const TLS_HINT = 'edgedeck: to go on, add --pin <the fingerprint above> (after checking it on the server), or --insecure.\n';
