import { Badge, Table, Text } from '@mantine/core';
import type { CheckView } from './installStore';

const CHECK_COLOR: Record<CheckView['status'], string> = { pass: 'green', warn: 'yellow', fail: 'red' };

/** One host's checks (preflight, existing agent, connection test): status, what was found, the fix. */
export function ChecksTable({ target, checks }: { target: string; checks: CheckView[] }) {
  if (!checks.length) {
    return (
      <Text size="sm" c="dimmed">
        No checks recorded for {target} (it stopped before the preflight).
      </Text>
    );
  }
  return (
    <Table withTableBorder data-testid="install-preflight-table" data-target={target} aria-label={`Checks of ${target}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={80}>Result</Table.Th>
          <Table.Th>Check</Table.Th>
          <Table.Th>Found</Table.Th>
          <Table.Th>Fix</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {checks.map((c) => (
          <Table.Tr key={`${c.id}:${c.title}`} data-testid="install-check-row" data-check={c.id} data-status={c.status}>
            <Table.Td>
              <Badge size="sm" variant="light" color={CHECK_COLOR[c.status]}>
                {c.status}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{c.title}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{c.found}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {c.status !== 'pass' ? (c.fix ?? '—') : ''}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
