import { ActionIcon, Badge, Button, Group, Paper, Radio, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconRefresh, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { CopyIconButton } from '../../components/CopyIconButton';
import { agoText, durationText } from '../../../src-main/shared/domain/durationText';
import type { SimEnvironmentView } from '../../../src-main/shared/schemas/simulator';
import { tunnelText } from '../environments/format';
import { useSimulator } from './simulatorStore';

/** Rows whose name, Edge ID or ID contains the search text (any case). */
export function matchEnvironments(environments: SimEnvironmentView[], search: string): SimEnvironmentView[] {
  const q = search.trim().toLowerCase();
  if (q === '') return environments;
  return environments.filter((e) => e.name.toLowerCase().includes(q) || (e.edgeId ?? '').toLowerCase().includes(q) || String(e.id) === q.replace(/^#/, ''));
}

/** Seconds now, ticking once a second so "12 s ago" moves between refreshes. */
function useNowSec(): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const t = setInterval(() => setNow(Math.floor(Date.now() / 1000)), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function tunnelLabel(env: SimEnvironmentView): string {
  if (env.tunnel.status === 'verified') return 'Tunnel verified';
  if (env.tunnel.status === 'open') return 'Tunnel open';
  return env.tunnel.reason === 'dropped' ? 'Tunnel dropped' : 'Tunnel closed';
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
  const [search, setSearch] = useState('');
  const shown = useMemo(() => matchEnvironments(environments, search), [environments, search]);
  const nowSec = useNowSec();

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Title order={3}>Environments</Title>
          <Group gap="xs" wrap="nowrap">
            {running && environments.length > 0 ? (
              <TextInput
                size="xs"
                w={260}
                leftSection={<IconSearch size={14} />}
                placeholder="Search by name or Edge ID"
                aria-label="Search environments"
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                data-testid="sim-env-search"
              />
            ) : null}
            <Tooltip label="Refresh">
              <ActionIcon variant="subtle" aria-label="Refresh environments" onClick={() => void load()} loading={loading} disabled={!running}>
                <IconRefresh size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
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
          <>
            {search.trim() !== '' ? (
              <Text size="xs" c="dimmed" data-testid="sim-env-count">
                {shown.length} of {environments.length} environments match
              </Text>
            ) : null}
            {shown.length === 0 ? (
              <Text size="sm" c="dimmed" data-testid="sim-env-none">
                No environment matches “{search.trim()}”.
              </Text>
            ) : (
              <Radio.Group value={selected === undefined ? null : String(selected)} onChange={(v) => select(Number(v))} aria-label="Environment for new agents">
                {/* Fixed layout: the columns keep their widths and a long name is cut, never pushing the others off-screen. */}
                <Table verticalSpacing="xs" highlightOnHover layout="fixed" data-testid="sim-env-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={40} />
                      <Table.Th>Environment</Table.Th>
                      <Table.Th w={170}>Edge ID</Table.Th>
                      <Table.Th w={110}>Last check-in</Table.Th>
                      <Table.Th w={250}>Status</Table.Th>
                      <Table.Th w={50}>Key</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((env) => (
                      <Table.Tr key={env.id} data-testid={`sim-env-${env.id}`}>
                        <Table.Td>
                          <Radio value={String(env.id)} aria-label={`Use ${env.name}`} />
                        </Table.Td>
                        <Table.Td>
                          <Tooltip label={env.name} multiline maw={480} style={{ overflowWrap: 'anywhere' }} openDelay={300}>
                            <Text size="sm" truncate="end" data-testid={`sim-env-name-${env.id}`}>
                              {env.name}
                            </Text>
                          </Tooltip>
                          <Text c="dimmed" size="xs">
                            #{env.id} · every {durationText(env.checkinInterval)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Tooltip label={env.edgeId ?? 'No agent has claimed it yet'} multiline maw={480} style={{ overflowWrap: 'anywhere' }} openDelay={300}>
                            <Text ff="monospace" size="xs" truncate="end">
                              {env.edgeId ?? '— (first agent claims it)'}
                            </Text>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td>{agoText(env.lastCheckIn, nowSec)}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            <Badge color={env.heartbeat ? 'teal' : 'gray'} variant="light" data-testid={`sim-heartbeat-${env.id}`}>
                              {env.heartbeat ? 'Heartbeat' : 'No heartbeat'}
                            </Badge>
                            <Tooltip label={`Tunnel ${tunnelText(env.tunnel, nowSec)}`}>
                              <Badge color={env.tunnel.status === 'verified' ? 'teal' : env.tunnel.status === 'open' ? 'blue' : 'gray'} variant="light" data-testid={`sim-tunnel-${env.id}`}>
                                {tunnelLabel(env)}
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
              </Radio.Group>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
