import { Badge, Paper, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { memo, useMemo } from 'react';
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

/**
 * What each tunnel answer means. A Portainer 2.21+ server (and the local one, which follows it)
 * keeps answering REQUIRED on every poll while the tunnel is open, until 4 min 30 s without use:
 * a run of REQUIREDs after verification is the open tunnel, not a tunnel asked for again and again.
 */
export const TUNNEL_MEANING: Record<NonNullable<PollSample['tunnel']>, string> = {
  REQUIRED: 'the server wants the tunnel open; it repeats REQUIRED on every poll while the tunnel is open (Portainer 2.21+), until 4 min 30 s without use',
  IDLE: 'no tunnel wanted; an open tunnel is closed',
  ACTIVE: 'tunnel open (servers up to 2.20 say ACTIVE after the first REQUIRED)',
};

const Row = memo(function Row({ sample, environment }: { sample: PollSample; environment: string }) {
  return (
    <Table.Tr>
      <Table.Td ff="monospace">{time(sample.at)}</Table.Td>
      <Table.Td>
        <Text size="sm" truncate="end" title={environment}>
          {environment}
        </Text>
      </Table.Td>
      <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
        {sample.edgeId}
      </Table.Td>
      <Table.Td>
        <Badge color={statusColor(sample.status)} variant="light" title={sample.error}>
          {sample.status === 0 ? 'error' : sample.status}
        </Badge>
      </Table.Td>
      <Table.Td title={sample.tunnel ? TUNNEL_MEANING[sample.tunnel] : undefined}>{sample.tunnel ?? ''}</Table.Td>
      <Table.Td ta="right">{sample.latencyMs.toFixed(0)}</Table.Td>
    </Table.Tr>
  );
});

/** The last MAX_SAMPLES polls, newest first, as the agents:polls event reports them (sampled when many agents run). */
export function PollTimeline() {
  const samples = useSimulator((s) => s.samples);
  const groups = useSimulator((s) => s.groups);
  const environments = useSimulator((s) => s.environments);
  // A sample names its agent group; the group names its environment (none for a pasted join token).
  const environmentOf = useMemo(() => {
    const names = new Map(environments.map((e) => [e.id, e.name]));
    const byGroup = new Map(groups.map((g) => [g.id, names.get(g.environmentId) ?? (g.environmentId > 0 ? `#${g.environmentId}` : '—')]));
    return (groupId: string) => byGroup.get(groupId) ?? '—';
  }, [groups, environments]);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3}>Polls</Title>
        <Text size="xs" c="dimmed">
          Live, newest first; the last {MAX_SAMPLES} are kept. With many agents, main sends a sample.
        </Text>
        <Text size="xs" c="dimmed" data-testid="poll-tunnel-legend">
          Tunnel: what the server answered. REQUIRED: {TUNNEL_MEANING.REQUIRED}. IDLE: {TUNNEL_MEANING.IDLE}.
        </Text>
        {samples.length === 0 ? (
          <Text size="sm" c="dimmed">
            No polls yet.
          </Text>
        ) : (
          <ScrollArea h={320} type="auto">
            <Table stickyHeader verticalSpacing={4} fz="sm" layout="fixed" data-testid="poll-timeline">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={130}>Time</Table.Th>
                  <Table.Th>Environment</Table.Th>
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
                  <Row key={`${sample.groupId}|${sample.edgeId}|${sample.at}`} sample={sample} environment={environmentOf(sample.groupId)} />
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Stack>
    </Paper>
  );
}
