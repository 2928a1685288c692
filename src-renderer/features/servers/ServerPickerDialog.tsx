import { Alert, Badge, Button, Group, Modal, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useEffect } from 'react';
import { tlsChangeOf } from '../../components/fieldErrors';
import { goTo } from '../../components/useHashPath';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import { LOCAL_WARNING, useServers } from './serversStore';

/** Choose the active Portainer server. */
export function ServerPickerDialog() {
  const open = useServers((s) => s.pickerOpen);
  const profiles = useServers((s) => s.profiles);
  const status = useServers((s) => s.status);
  const busy = useServers((s) => s.busy);
  const change = tlsChangeOf(status?.error);

  useEffect(() => {
    void useServers.getState().load();
  }, []);

  const close = () => useServers.getState().setPickerOpen(false);
  return (
    <Modal opened={open} onClose={close} title="Portainer server" data-testid="server-picker-dialog">
        <Stack gap="xs">
          {change ? <TlsChangedAlert change={change} serverName={status?.profile?.name} /> : null}
          {!change && status?.error ? <Alert color="red">{status.error.message}</Alert> : null}
          {profiles.map((p) => (
            <UnstyledButton
              key={p.id}
              onClick={() => void useServers.getState().select(p.id).then((ok) => ok && close())}
              aria-pressed={p.active}
              disabled={busy === `select:${p.id}`}
              data-testid={`server-pick-${p.id}`}
              style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, padding: 10 }}
            >
              <Group justify="space-between" wrap="nowrap">
                <Stack gap={2}>
                  <Group gap="xs">
                    <Text fw={600}>{p.name}</Text>
                    {p.builtIn ? (
                      <Badge color="orange" variant="light" style={{ textTransform: 'none' }}>
                        {LOCAL_WARNING}
                      </Badge>
                    ) : null}
                    {p.insecure ? <Badge color="red">verification skipped</Badge> : null}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {p.url}
                  </Text>
                </Stack>
                {p.active ? <IconCheck size={18} aria-label="active" /> : null}
              </Group>
            </UnstyledButton>
          ))}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                close();
                goTo('#/settings');
              }}
            >
              Manage servers…
            </Button>
          </Group>
        </Stack>
    </Modal>
  );
}
