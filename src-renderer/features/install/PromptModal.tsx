import { Button, Code, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { TaskPromptView } from '../../../src-main/shared/schemas/install';
import { useInstall } from './installStore';

const TITLES: Record<TaskPromptView['kind'], string> = {
  'host-key': 'Unknown host key',
  passphrase: 'Key passphrase',
  password: 'SSH password',
  sudo: 'sudo password',
  'keyboard-interactive': 'The host asks',
  confirm: 'Confirm',
};

function SecretForm({ prompt }: { prompt: TaskPromptView }) {
  const [value, setValue] = useState('');
  const answer = (a: string | undefined) => void useInstall.getState().answer(prompt.id, a);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    answer(value);
    setValue('');
  };
  const Input = prompt.secret ? PasswordInput : TextInput;
  return (
    <form onSubmit={onSubmit}>
      <Stack>
        <Input label={prompt.message} value={value} onChange={(e) => setValue(e.currentTarget.value)} data-autofocus autoComplete="off" data-testid="install-prompt-input" />
        {prompt.secret && (
          <Text size="xs" c="dimmed">
            Sent to this host only and kept out of logs and transcripts.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => answer(undefined)} data-testid="install-prompt-skip">
            Skip (fail this step)
          </Button>
          <Button type="submit" data-testid="install-prompt-submit">
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One question of the running install at a time (host key, passphrase, password, sudo, replace). */
export function PromptModal() {
  // The install's questions, or those of a connection test (host keys, passwords).
  const prompt = useInstall((s) => s.run?.prompts[0] ?? s.connTest?.prompts[0]);
  const more = useInstall((s) => Math.max(0, (s.run?.prompts.length ?? 0) + (s.connTest?.prompts.length ?? 0) - 1));
  const answer = (a: string | undefined) => prompt && void useInstall.getState().answer(prompt.id, a);
  return (
    <Modal
      opened={!!prompt}
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title={prompt ? `${TITLES[prompt.kind]} — ${prompt.target}` : ''}
      size="lg"
      data-testid="install-prompt"
    >
      {prompt && (
        <Stack data-testid={`install-prompt-${prompt.kind}`}>
          {prompt.kind !== 'keyboard-interactive' && prompt.kind !== 'password' && prompt.kind !== 'passphrase' && prompt.kind !== 'sudo' && <Text size="sm">{prompt.message}</Text>}
          {prompt.kind === 'host-key' ? (
            <>
              {prompt.fingerprint && (
                <Stack gap={4}>
                  <Text size="sm" fw={600}>
                    Fingerprint
                  </Text>
                  <Code block data-testid="install-prompt-fingerprint">
                    {prompt.fingerprint}
                  </Code>
                  <Text size="xs" c="dimmed">
                    Compare it with the host's own key (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host) before accepting.
                  </Text>
                </Stack>
              )}
              <Group justify="flex-end">
                <Button color="red" variant="light" onClick={() => answer('reject')} data-testid="install-prompt-reject">
                  Reject
                </Button>
                <Button variant="default" onClick={() => answer('once')} data-testid="install-prompt-once">
                  Accept once
                </Button>
                <Button onClick={() => answer('remember')} data-autofocus data-testid="install-prompt-remember">
                  Accept and remember
                </Button>
              </Group>
            </>
          ) : prompt.choices ? (
            <Group justify="flex-end">
              {[...prompt.choices].reverse().map((c) => (
                <Button key={c} variant={c === 'yes' ? 'filled' : 'default'} color={c === 'yes' && prompt.kind === 'confirm' ? 'orange' : undefined} onClick={() => answer(c)} data-testid={`install-prompt-${c}`}>
                  {c === 'yes' ? 'Yes, replace' : c === 'no' ? 'No, keep it' : c}
                </Button>
              ))}
            </Group>
          ) : (
            <SecretForm key={prompt.id} prompt={prompt} />
          )}
          {more > 0 && (
            <Text size="xs" c="dimmed">
              {more} more {more === 1 ? 'question waits' : 'questions wait'}.
            </Text>
          )}
        </Stack>
      )}
    </Modal>
  );
}
