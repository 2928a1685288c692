import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { tlsChangeOf } from '../../components/fieldErrors';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import type { ServerProfileView } from '../../../src-main/shared/schemas/portainer';
import { ServerFormModal } from './ServerFormModal';
import { useServerForm } from './serverFormStore';
import { LOCAL_WARNING, useServers } from './serversStore';

function ProfileCard({ profile }: { profile: ServerProfileView }) {
  const version = useServers((s) => s.versions[profile.id]);
  const status = useServers((s) => s.status);
  const checked = useServers((s) => s.checks[profile.id]);
  const busy = useServers((s) => s.busy);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const activeStatus = profile.active && status?.profile?.id === profile.id ? status : checked;
  const change = tlsChangeOf(activeStatus?.error);

  return (
    <Card withBorder padding="sm" data-testid="server-profile" data-server-id={profile.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={700} data-testid="server-profile-name">
                {profile.name}
              </Text>
              {profile.active ? <Badge color="green">active</Badge> : null}
              {profile.builtIn ? (
                <Badge color="orange" variant="light" style={{ textTransform: 'none' }} data-testid="server-local-flag">
                  {LOCAL_WARNING}
                </Badge>
              ) : null}
              {profile.insecure ? (
                <Badge color="red" variant="filled" leftSection={<IconAlertTriangle size={12} />} data-testid="server-insecure">
                  verification skipped
                </Badge>
              ) : null}
              {profile.tls.mode === 'pinned' ? <Badge variant="outline">certificate pinned</Badge> : null}
            </Group>
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {profile.url} · {profile.auth === 'apiKey' ? 'API key' : `user ${profile.username ?? '?'}`} ·{' '}
              {profile.secret === 'remembered' ? 'secret remembered' : profile.secret === 'session' ? 'secret kept for this session' : 'secret not available'}
            </Text>
            <Text size="sm" data-testid="server-profile-version">
              {version ? `Portainer ${version.version}${version.edition ? ` ${version.edition}` : ''}` : activeStatus?.error ? 'Not connected' : 'Version not checked yet'}
            </Text>
          </Stack>
          <Group gap="xs" wrap="nowrap">
            {!profile.active ? (
              <Button size="xs" onClick={() => void useServers.getState().select(profile.id)} loading={busy === `select:${profile.id}`} data-testid="server-use">
                Use
              </Button>
            ) : null}
            <Button size="xs" variant="default" onClick={() => void useServers.getState().check(profile.id)} loading={busy === `check:${profile.id}`} data-testid="server-check">
              Check connection
            </Button>
            {!profile.builtIn ? (
              <>
                <Button size="xs" variant="default" onClick={() => useServerForm.getState().openEdit(profile)} data-testid="server-edit">
                  Edit
                </Button>
                <Button size="xs" color="red" variant="light" onClick={() => setConfirmRemove(true)} data-testid="server-remove">
                  Remove
                </Button>
              </>
            ) : null}
          </Group>
        </Group>
        {profile.warnings.map((w) => (
          <Alert key={w} color={profile.insecure ? 'red' : 'orange'} py={6}>
            {w}
          </Alert>
        ))}
        {change ? <TlsChangedAlert change={change} serverName={profile.name} /> : activeStatus?.error ? <Alert color="red">{activeStatus.error.message}</Alert> : null}
      </Stack>
      <Modal opened={confirmRemove} onClose={() => setConfirmRemove(false)} title={`Remove “${profile.name}”?`}>
        <Stack>
          <Text size="sm">The profile and its remembered password or API key are removed from this computer. Nothing changes on the server.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRemove(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              data-testid="server-remove-confirm"
              onClick={() => {
                setConfirmRemove(false);
                void useServers.getState().remove(profile.id);
              }}
            >
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

/** Settings → Portainer servers. */
export function ServersSettings() {
  const profiles = useServers((s) => s.profiles);
  const loaded = useServers((s) => s.listLoaded);
  const secretsWarning = useServers((s) => s.secretsWarning);

  useEffect(() => {
    void useServers.getState().load();
    void useServers.getState().loadStatus();
  }, []);

  return (
    <Stack gap="sm" data-testid="servers-settings">
      <Group justify="space-between">
        <Title order={3}>Portainer servers</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => useServerForm.getState().openAdd()} data-testid="server-add">
          Add server
        </Button>
      </Group>
      {secretsWarning ? (
        <Text size="sm" c="dimmed">
          {secretsWarning}
        </Text>
      ) : null}
      {loaded && profiles.length === 0 ? <Text c="dimmed">No server yet. Add your Portainer server, or start the local simulator on the Simulator page.</Text> : null}
      {profiles.map((p) => (
        <ProfileCard key={p.id} profile={p} />
      ))}
      <ServerFormModal />
    </Stack>
  );
}
