import { Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { pollBudget } from '../../../src-main/shared/domain/heartbeat';
import { errorField, errorMessage } from '../../components/notify';

const fmt = (n: number, digits = 1) => n.toLocaleString(undefined, { maximumFractionDigits: digits });

/** What N agents polling every I seconds cost the server, and how long a dead one stays "up". */
export function PollBudget() {
  const [agents, setAgents] = useState<number | ''>(1000);
  const [interval, setInterval] = useState<number | ''>(5);

  let result: ReturnType<typeof pollBudget> | undefined;
  let error: { field?: string; message: string } | undefined;
  if (agents !== '' && interval !== '') {
    try {
      result = pollBudget(agents, interval);
    } catch (err) {
      error = { field: errorField(err), message: errorMessage(err) };
    }
  }

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Poll budget</Title>
        <Group align="flex-start">
          <NumberInput
            label="Agents"
            min={0}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={agents}
            onChange={(v) => setAgents(typeof v === 'number' ? v : '')}
            error={error?.field === 'agents' ? error.message : undefined}
            w={180}
          />
          <NumberInput
            label="Check-in interval (s)"
            min={1}
            allowNegative={false}
            value={interval}
            onChange={(v) => setInterval(typeof v === 'number' ? v : '')}
            error={error?.field === 'intervalSec' ? error.message : undefined}
            w={180}
          />
        </Group>
        {error && error.field !== 'agents' && error.field !== 'intervalSec' ? <Text c="red" size="sm">{error.message}</Text> : null}
        {result ? (
          <Table withTableBorder maw={520} data-testid="poll-budget">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">Poll requests per second</Table.Th>
                <Table.Td>{fmt(result.requestsPerSecond)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Time until a dead agent shows as down</Table.Th>
                <Table.Td>{fmt(result.detectOfflineSeconds, 0)} s (2 × interval + 20 s)</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        ) : null}
        <Text size="xs" c="dimmed">
          Portainer's one published figure: 15,000 environments at a 5 s poll took about 7 Mbps inbound and 4 CPUs. Raise the interval when nobody is
          administering the devices.
        </Text>
      </Stack>
    </Paper>
  );
}
