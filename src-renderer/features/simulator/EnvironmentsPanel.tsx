import { ActionIcon, Badge, Button, Group, Paper, Radio, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { CopyIconButton } from '../../components/CopyIconButton';
import { tunnelText } from '../environments/format';
import { useSimulator } from './simulatorStore';

function ago(unixSeconds: number): string {
  if (unixSeconds <= 0) return 'never';
  const s = Math.max(0, Math.round(Date.now() / 1000 - unixSeconds));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** The local server's environments; the selected one is where "Start agents" points. */
export function EnvironmentsPanel() {
  const running = useSimulator((s) => s.status?.running ?? false);
  const environments = useSimulator((s) => s.environments);
  const loading = useSimulator((s) => s.environmentsLoading);
  const selected = useSimulator((s) => s.selectedEnvironmentId);
  const select = useSimulator((s) => s.selectEnvironment);
  const load = useSimulator((s) => s.loadEnvironments);
  const verifyTunnel = useSimulator((s) => s.verifyTunnel);
  const verifying = useSimulator((s) => s.verifyingTunnel);

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>Environments</Title>
          <Tooltip label="Refresh">
            <ActionIcon variant="subtle" aria-label="Refresh environments" onClick={() => void load()} loading={loading} disabled={!running}>
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
        {!running ? (
          <Text size="sm" c="dimmed">
            Start the local server to see its environments.
          </Text>
        ) : environments.length === 0 ? (
          <Text size="sm" c="dimmed">
            The local server has no environments yet.
          </Text>
        ) : (
          <Radio.Group value={selected === undefined ? null : String(selected)} onChange={(v) => select(Number(v))} aria-label="Environment for new agents">
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="xs" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40} />
                    <Table.Th>Environment</Table.Th>
                    <Table.Th>Edge ID</Table.Th>
                    <Table.Th>Last check-in</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th w={60}>Key</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {environments.map((env) => (
                    <Table.Tr key={env.id}>
                      <Table.Td>
                        <Radio value={String(env.id)} aria-label={`Use ${env.name}`} />
                      </Table.Td>
                      <Table.Td>
                        {env.name} <Text span c="dimmed" size="xs">#{env.id} · every {env.checkinInterval} s</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text ff="monospace" size="xs">
                          {env.edgeId ?? '— (first agent claims it)'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{ago(env.lastCheckIn)}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <Badge color={env.heartbeat ? 'teal' : 'gray'} variant="light">
                            {env.heartbeat ? 'Heartbeat' : 'No heartbeat'}
                          </Badge>
                          <Tooltip label={`Tunnel ${tunnelText(env.tunnel, Math.floor(Date.now() / 1000))}`}>
                            <Badge color={env.tunnel.status === 'verified' ? 'teal' : env.tunnel.status === 'open' ? 'blue' : 'gray'} variant="light" data-testid={`sim-tunnel-${env.id}`}>
                              {env.tunnel.status === 'verified' ? 'Tunnel verified' : env.tunnel.status === 'open' ? 'Tunnel open' : env.tunnel.reason === 'dropped' ? 'Tunnel dropped' : 'Tunnel closed'}
                            </Badge>
                          </Tooltip>
                          {env.edgeId ? (
                            <Button size="compact-xs" variant="subtle" loading={verifying === env.id} onClick={() => void verifyTunnel(env.id)} aria-label={`Verify the tunnel of ${env.name}`}>
                              Verify tunnel
                            </Button>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <CopyIconButton value={env.edgeKey} label="Copy join token" />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Radio.Group>
        )}
      </Stack>
    </Paper>
  );
}
