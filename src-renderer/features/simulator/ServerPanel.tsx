import { Alert, Badge, Button, Group, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { CopyField } from '../../components/CopyField';
import { SecretField } from '../../components/SecretField';
import { api } from '../../api';
import { clockTime } from '../../../src-main/shared/domain/clockTime';
import { emulatedNewerWarning } from '../../../src-main/shared/domain/releaseLines';
import { useSimulator } from './simulatorStore';

/** Asks main for the admin password only when the user reveals it (never part of `sim:status`). */
const revealSimPassword = async () => (await api.sim.revealPassword()).password;

/** The local Portainer-compatible server: what it is, where, and its credentials; start and stop. */
export function ServerPanel() {
  const status = useSimulator((s) => s.status);
  const statusKnown = useSimulator((s) => s.statusKnown);
  const statusError = useSimulator((s) => s.statusError);
  const busy = useSimulator((s) => s.busy);
  const form = useSimulator((s) => s.startForm);
  const setForm = useSimulator((s) => s.setStartForm);
  const start = useSimulator((s) => s.start);
  const stop = useSimulator((s) => s.stop);
  const running = status?.running ?? false;

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>Local server</Title>
          <Group gap="xs">
            {status?.embedded ? <Badge variant="light">Started with the app</Badge> : null}
            <Badge color={running ? 'teal' : 'gray'} data-testid="sim-running">
              {!statusKnown ? 'Checking…' : running ? 'Running' : 'Stopped'}
            </Badge>
          </Group>
        </Group>
        <Text size="sm" c="dimmed">
          A Portainer-compatible server on this machine, to rehearse the poll and tunnel cycle. It is not a production server.
          {status?.version ? ` It answers as Portainer ${status.version}${running && status.edition === 'be' ? ' Business Edition' : ''}.` : ''}
        </Text>
        {running && status && emulatedNewerWarning(status.version) ? (
          <Alert color="yellow" data-testid="sim-version-warning">
            {emulatedNewerWarning(status.version)}
          </Alert>
        ) : null}
        {statusError ? (
          <Text c="red" size="sm">
            {statusError}
          </Text>
        ) : null}
        {running && status?.loginBans?.length ? (
          <Alert color="orange" title="Logins to this server are banned" data-testid="sim-login-ban">
            {status.loginBans.map((b) => (
              <Text size="sm" key={b.ip}>
                {b.ip} sent more than 10 login requests in one second, so this server refuses every login from it until {clockTime(Date.parse(b.until))}, even with the
                right password (Portainer&apos;s own login limiter, which this server keeps as it is).
              </Text>
            ))}
            <Text size="sm">Edgedeck itself is not affected: it reaches this server with its own key, not a login. Restarting the server lifts the ban.</Text>
          </Alert>
        ) : null}
        {running && status ? (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <CopyField label="URL" value={status.url} testId="sim-url" />
            <CopyField label="Tunnel address" value={status.tunnelAddress} />
            <CopyField label="Username" value={status.username} />
            {status.hasPassword ? <SecretField label="Password" reveal={revealSimPassword} testId="sim-password" /> : null}
            <CopyField label="Tunnel fingerprint" value={status.fingerprint} />
            {status.dataDir ? <CopyField label="Data folder" value={status.dataDir} /> : null}
          </SimpleGrid>
        ) : null}
        {running ? (
          <Group>
            <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} loading={busy === 'stop'} onClick={() => void stop()}>
              Stop server
            </Button>
          </Group>
        ) : (
          <Group align="flex-end">
            <NumberInput
              label="Port"
              description="0: the last port, else a free one"
              min={0}
              max={65535}
              allowDecimal={false}
              value={form.port}
              onChange={(v) => setForm({ port: typeof v === 'number' ? v : 0 })}
              w={140}
            />
            <NumberInput
              label="Tunnel port"
              description="0: the last port, else a free one"
              min={0}
              max={65535}
              allowDecimal={false}
              value={form.tunnelPort}
              onChange={(v) => setForm({ tunnelPort: typeof v === 'number' ? v : 0 })}
              w={140}
            />
            <Switch label="HTTPS (self-signed)" checked={form.https} onChange={(e) => setForm({ https: e.currentTarget.checked })} mb={8} />
            <TextInput
              label="Portainer version"
              description="The release it emulates (empty: 2.23.0)"
              placeholder="2.23.0"
              value={form.portainerVersion}
              onChange={(e) => setForm({ portainerVersion: e.currentTarget.value })}
              w={180}
              data-testid="sim-portainer-version"
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Edition
              </Text>
              <SegmentedControl<'ce' | 'be'>
                data={[
                  { value: 'ce', label: 'Community' },
                  { value: 'be', label: 'Business' },
                ]}
                value={form.edition}
                onChange={(edition) => setForm({ edition })}
                aria-label="Edition"
              />
            </Stack>
            {form.edition === 'be' ? (
              <Switch
                label="Trust new devices on first connect"
                description="Off: devices enrolling with a global key wait in the Waiting room"
                checked={form.trustOnFirstConnect}
                onChange={(e) => setForm({ trustOnFirstConnect: e.currentTarget.checked })}
                mb={8}
              />
            ) : null}
            <Button leftSection={<IconPlayerPlay size={16} />} loading={busy === 'start'} onClick={() => void start()}>
              Start server
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
