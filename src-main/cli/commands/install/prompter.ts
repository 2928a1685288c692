import type { Prompter, SecretQuestion } from '../../../services/ssh/prompter';
import type { TtyAsker } from '../../io';

/**
 * The CLI's answers to the SSH layer. Host keys are decided by the policy (strict / accept-new),
 * never asked. Passwords and passphrases come from the terminal when one is usable (asked once,
 * one at a time, reused for every host that asks); otherwise the question is recorded per target
 * so the summary can name the flag to use.
 */
export function cliPrompter(o: { tty?: TtyAsker | null; replace?: boolean }): Prompter & { needs: Map<string, string[]> } {
  const needs = new Map<string, string[]>();
  const cache = new Map<string, string | undefined>();
  let chain: Promise<unknown> = Promise.resolve();
  const need = (target: string, text: string) => {
    const list = needs.get(target) ?? [];
    if (!list.includes(text)) list.push(text);
    needs.set(target, list);
  };
  const flagFor = (q: SecretQuestion): string => {
    switch (q.kind) {
      case 'passphrase':
        return `the passphrase for ${q.keyFile ?? 'the SSH key'} is needed: add the key to ssh-agent (ssh-add) or run in a terminal without the *-stdin flags to be asked`;
      case 'sudo':
        return 'sudo asks for a password: give it with --sudo-password-stdin (line after the SSH password on standard input)';
      default:
        return 'the SSH server asks for a password: give it with --ssh-password-stdin (line after the Portainer secret on standard input), or use a key (--identity FILE)';
    }
  };
  return {
    needs,
    hostKey: async () => 'reject',
    confirm: async () => o.replace ?? false,
    secret: async (q) => {
      if (q.kind === 'keyboard-interactive' && q.echo) {
        need(q.target, `the server asked "${q.message}", which the CLI cannot answer`);
        return undefined;
      }
      const tty = o.tty;
      if (!tty) {
        need(q.target, flagFor(q));
        return undefined;
      }
      // By the question's fields, never its wording: one passphrase per key file, one password, one sudo password.
      const key = q.kind === 'passphrase' ? `passphrase:${q.keyFile ?? q.message}` : q.kind === 'keyboard-interactive' ? 'password' : q.kind;
      if (cache.has(key) && q.retry !== true) return cache.get(key);
      const p = chain.then(() => tty.ask(`${q.message}${q.kind === 'passphrase' ? '' : ' (used for every host that asks)'}: `));
      chain = p.catch(() => undefined);
      const answer = await p;
      cache.set(key, answer);
      return answer;
    },
  };
}

