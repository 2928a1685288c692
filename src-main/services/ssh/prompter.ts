/**
 * Questions the SSH layer asks a person. The CLI answers from flags and stdin; the UI answers
 * through task prompts (TaskManager). Returning undefined means "no answer / cancel".
 */
export type HostKeyAnswer = 'once' | 'remember' | 'reject';

export interface HostKeyQuestion {
  /** user@host:port as typed. */
  target: string;
  /** The known_hosts name (`host` or `[host]:port`). */
  hostName: string;
  keyType: string;
  fingerprint: string;
  /** Set when the host has known keys of other types. */
  note?: string;
}

export type SecretKind = 'passphrase' | 'password' | 'sudo' | 'keyboard-interactive';

export interface SecretQuestion {
  kind: SecretKind;
  target: string;
  /** What is asked, e.g. "Passphrase for /home/me/.ssh/id_ed25519". */
  message: string;
  /** keyboard-interactive: whether the server wants the answer echoed. */
  echo?: boolean;
  /** passphrase: the key file it unlocks (one answer serves every host that uses that file). */
  keyFile?: string;
  /** The answer given to this same question was wrong: ask again instead of reusing it. */
  retry?: boolean;
}

/**
 * `withdrawn` aborts when the question no longer matters (the connection that asked closed): the
 * prompter takes the question away, and the answer it resolves with is ignored.
 */
export interface PromptOptions {
  withdrawn?: AbortSignal;
}

export interface Prompter {
  hostKey(q: HostKeyQuestion, o?: PromptOptions): Promise<HostKeyAnswer>;
  secret(q: SecretQuestion, o?: PromptOptions): Promise<string | undefined>;
  /** A yes/no decision (e.g. replace an existing agent). */
  confirm(q: { target: string; message: string }): Promise<boolean>;
}

/** A prompter that answers from fixed values and never asks: for non-interactive runs. */
export function staticPrompter(answers: {
  hostKey?: HostKeyAnswer;
  passphrase?: string;
  password?: string;
  sudoPassword?: string;
  confirm?: boolean;
}): Prompter {
  return {
    hostKey: async () => answers.hostKey ?? 'reject',
    secret: async (q) => {
      if (q.kind === 'passphrase') return answers.passphrase;
      if (q.kind === 'sudo') return answers.sudoPassword;
      if (q.kind === 'password' || (q.kind === 'keyboard-interactive' && q.echo === false)) return answers.password;
      return undefined;
    },
    confirm: async () => answers.confirm ?? false,
  };
}
