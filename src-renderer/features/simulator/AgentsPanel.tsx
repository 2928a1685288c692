import { Badge, Button, Group, NumberInput, Paper, SegmentedControl, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import type { AgentGroupView, AgentState } from '../../../src-main/shared/schemas/simulator';
import { useSimulator } from './simulatorStore';

const stateColors: Record<AgentState, string> = {
  starting: 'gray',
  polling: 'blue',
  'tunnel-up': 'cyan',
  'tunnel-verified': 'teal',
  error: 'red',
  stopped: 'dark',
};

function StateCounts({ states }: { states: AgentGroupView['states'] }) {
  const entries = (Object.entries(states) as [AgentState, number][]).filter(([, n]) => n > 0);
  if (entries.length === 0) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {entries.map(([state, n]) => (
        <Badge key={state} color={stateColors[state]} variant="light">
          {state} {n}
        </Badge>
      ))}
    </Group>
  );
}

/** Start simulated agents against the selected environment, and watch their groups. */
export function AgentsPanel() {
  const form = useSimulator((s) => s.agentsForm);
  const setForm = useSimulator((s) => s.setAgentsForm);
  const groups = useSimulator((s) => s.groups);
  const busy = useSimulator((s) => s.busy);
  const selected = useSimulator((s) => s.selectedEnvironmentId);
  const startAgents = useSimulator((s) => s.startAgents);
  const stopAgents = useSimulator((s) => s.stopAgents);
  const single = form.count === 1;
  const byKey = form.edgeKey.trim() !== '';

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Simulated agents</Title>
        <Group align="flex-end">
          <NumberInput
            label="Agents"
            min={1}
            max={50000}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={form.count}
            onChange={(v) => setForm({ count: typeof v === 'number' ? v : 1 })}
            w={140}
          />
          <TextInput
            label={single ? 'Edge ID' : 'Edge ID prefix'}
            description={single ? 'Empty: the environment’s own Edge ID (as on its details page)' : 'Agents are named <prefix>-1, <prefix>-2, …'}
            placeholder={single ? 'the environment’s Edge ID' : `sim-<environment>`}
            value={form.edgeId}
            onChange={(e) => setForm({ edgeId: e.currentTarget.value })}
            w={260}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Platform
            </Text>
            <SegmentedControl<'docker' | 'kubernetes'>
              data={[
                { value: 'docker', label: 'Docker' },
                { value: 'kubernetes', label: 'Kubernetes' },
              ]}
              value={form.platform}
              onChange={(platform) => setForm({ platform })}
              aria-label="Agent platform"
            />
          </Stack>
          <Switch label="Insecure poll" checked={form.insecurePoll} onChange={(e) => setForm({ insecurePoll: e.currentTarget.checked })} mb={8} />
          <Button
            leftSection={<IconPlayerPlay size={16} />}
            loading={busy === 'agents'}
            disabled={selected === undefined && !byKey}
            onClick={() => void startAgents()}
          >
            Start agents
          </Button>
        </Group>
        <TextInput
          label="Or a join token"
          description="Agents poll the server in this key (e.g. a real Portainer) instead of the environment picked above"
          placeholder="Leave empty to use the picked environment"
          value={form.edgeKey}
          onChange={(e) => setForm({ edgeKey: e.currentTarget.value })}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          autoComplete="off"
          spellCheck={false}
        />
        {byKey ? (
          <TextInput
            label="Edge groups (EDGE_GROUPS)"
            description="Edge group ids joined by ':', sent when the agent enrols with a global key (environment ID 0)"
            placeholder="e.g. 1:2"
            value={form.edgeGroups}
            onChange={(e) => setForm({ edgeGroups: e.currentTarget.value })}
            w={320}
          />
        ) : null}
        {selected === undefined && !byKey ? (
          <Text size="sm" c="dimmed">
            Pick an environment above, or paste a join token, to start agents.
          </Text>
        ) : null}

        <Group justify="space-between" mt="sm">
          <Title order={4}>Groups</Title>
          <Button
            color="red"
            variant="light"
            size="xs"
            leftSection={<IconPlayerStop size={14} />}
            disabled={groups.length === 0}
            onClick={() => void stopAgents()}
          >
            Stop all
          </Button>
        </Group>
        {groups.length === 0 ? (
          <Text size="sm" c="dimmed">
            No agents running.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" data-testid="agent-groups">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>States</Table.Th>
                  <Table.Th ta="right">Polls</Table.Th>
                  <Table.Th ta="right">304s</Table.Th>
                  <Table.Th ta="right">Errors</Table.Th>
                  <Table.Th>Last error</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map((g) => (
                  <Table.Tr key={g.id}>
                    <Table.Td>
                      <Text size="sm">
                        {g.count.toLocaleString()} agent{g.count === 1 ? '' : 's'} → #{g.environmentId}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {g.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StateCounts states={g.states} />
                    </Table.Td>
                    <Table.Td ta="right">{g.polls.toLocaleString()}</Table.Td>
                    <Table.Td ta="right">{g.notModified.toLocaleString()}</Table.Td>
                    <Table.Td ta="right" c={g.errors > 0 ? 'red' : undefined}>
                      {g.errors.toLocaleString()}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                        {g.lastError ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="subtle" color="red" onClick={() => void stopAgents(g.id)} aria-label={`Stop group ${g.id}`}>
                        Stop
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
