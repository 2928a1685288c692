import { Badge, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { memo } from 'react';
import type { PollSample } from '../../../src-main/shared/schemas/simulator';
import { MAX_SAMPLES, useSimulator } from './simulatorStore';

export function statusColor(status: number): string {
  if (status === 200) return 'teal';
  if (status === 304) return 'gray';
  if (status === 403) return 'red';
  if (status >= 500 || status === 0) return 'red';
  if (status >= 400) return 'orange';
  return 'blue';
}

const time = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour12: false }) + `.${String(ms % 1000).padStart(3, '0')}`;

const Row = memo(function Row({ sample }: { sample: PollSample }) {
  return (
    <Table.Tr>
      <Table.Td ff="monospace">{time(sample.at)}</Table.Td>
      <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
        {sample.edgeId}
      </Table.Td>
      <Table.Td>
        <Badge color={statusColor(sample.status)} variant="light" title={sample.error}>
          {sample.status === 0 ? 'error' : sample.status}
        </Badge>
      </Table.Td>
      <Table.Td>{sample.tunnel ?? ''}</Table.Td>
      <Table.Td ta="right">{sample.latencyMs.toFixed(0)}</Table.Td>
    </Table.Tr>
  );
});

/** The last MAX_SAMPLES polls, newest first, as the agents:polls event reports them (sampled when many agents run). */
export function PollTimeline() {
  const samples = useSimulator((s) => s.samples);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Polls</Title>
        <Text size="xs" c="dimmed">
          Live, newest first; the last {MAX_SAMPLES} are kept. With many agents, main sends a sample.
        </Text>
        {samples.length === 0 ? (
          <Text size="sm" c="dimmed">
            No polls yet.
          </Text>
        ) : (
          <ScrollArea h={320} type="auto">
            <Table stickyHeader verticalSpacing={4} fz="sm" data-testid="poll-timeline">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={130}>Time</Table.Th>
                  <Table.Th>Edge ID</Table.Th>
                  <Table.Th w={90}>Status</Table.Th>
                  <Table.Th w={100}>Tunnel</Table.Th>
                  <Table.Th w={90} ta="right">
                    Latency ms
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {samples.map((sample) => (
                  <Row key={`${sample.groupId}|${sample.edgeId}|${sample.at}`} sample={sample} />
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Stack>
    </Paper>
  );
}
