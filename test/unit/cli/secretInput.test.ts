import { describe, expect, it } from 'vitest';
import { readSecrets, type SecretSpec } from '../../../src-main/cli/secretInput';
import { SECRETS as INSTALL_SECRETS } from '../../../src-main/cli/commands/install/options';
import { fakeIo } from './cliIo';

const stdinFlags = (...names: string[]) => Object.fromEntries(names.map((n) => [`${n}-stdin`, true]));

describe('secrets from standard input, files, the environment and the terminal', () => {
  it('install: one per line in the fixed order server, SSH password, sudo password (only the ones given)', async () => {
    expect(await readSecrets(INSTALL_SECRETS, stdinFlags('password', 'ssh-password', 'sudo-password'), fakeIo('pw\nssh\nsudo\n'), 'install')).toEqual({ password: 'pw', 'ssh-password': 'ssh', 'sudo-password': 'sudo' });
    expect(await readSecrets(INSTALL_SECRETS, stdinFlags('api-key', 'sudo-password'), fakeIo('key\nsudo'), 'install')).toEqual({ 'api-key': 'key', 'sudo-password': 'sudo' });
  });

  it('a missing line names its flag and the order', async () => {
    await expect(readSecrets(INSTALL_SECRETS, stdinFlags('password', 'ssh-password'), fakeIo('pw\n'), 'install')).rejects.toThrow(
      /--ssh-password-stdin read nothing from line 2.*line 1: --password-stdin, line 2: --ssh-password-stdin/,
    );
  });

  it('asks on the terminal, without reading the pipe, when standard input is one', async () => {
    const asked: string[] = [];
    const io = { ...fakeIo('never read'), readStdin: async () => Promise.reject(new Error('read stdin')), tty: { ask: async (p: string) => (asked.push(p), `answer ${asked.length}`) } };
    expect(await readSecrets(INSTALL_SECRETS, stdinFlags('password', 'sudo-password'), io, 'install')).toEqual({ password: 'answer 1', 'sudo-password': 'answer 2' });
    expect(asked).toEqual(['Portainer password: ', 'sudo password (for every target): ']);
  });

  it('an environment variable counts only when set and not empty; a flag wins over it', async () => {
    const spec: SecretSpec[] = [{ name: 'token', label: 'the token', env: 'EDGEDECK_TOKEN', argv: true }];
    expect(await readSecrets(spec, {}, { ...fakeIo(), env: { EDGEDECK_TOKEN: '' } }, 'x')).toEqual({});
    expect(await readSecrets(spec, {}, { ...fakeIo(), env: { EDGEDECK_TOKEN: 'e' } }, 'x')).toEqual({ token: 'e' });
    const io = { ...fakeIo('s\n'), env: { EDGEDECK_TOKEN: 'e' } };
    expect(await readSecrets(spec, { 'token-stdin': true }, io, 'x')).toEqual({ token: 's' });
    expect(io.err()).toBe('');
  });
});
