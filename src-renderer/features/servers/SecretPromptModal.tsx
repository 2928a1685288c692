import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useServers } from './serversStore';

/** Asks for the password or API key of a profile that does not remember it. */
export function SecretPromptModal() {
  const prompt = useServers((s) => s.secretPrompt);
  const busy = useServers((s) => s.busy);
  const [secret, setSecret] = useState('');
  const profile = prompt?.profile;
  const label = profile?.auth === 'apiKey' ? 'API key' : 'Password';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!profile || secret === '') return;
    void useServers.getState().select(profile.id, secret).then(() => setSecret(''));
  };
  return (
    <Modal opened={!!prompt} onClose={() => useServers.getState().closeSecretPrompt()} title={profile ? `Log in to “${profile.name}”` : ''}>
      <form onSubmit={onSubmit}>
        <Stack>
          <Text size="sm">The {label.toLowerCase()} is not remembered on this computer. It is kept for this session only.</Text>
          <PasswordInput label={label} value={secret} onChange={(e) => setSecret(e.currentTarget.value)} error={prompt?.error} data-autofocus data-testid="server-secret-input" />
          <Group justify="flex-end">
            <Button type="submit" loading={busy?.startsWith('select:')} disabled={secret === ''}>
              Connect
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

