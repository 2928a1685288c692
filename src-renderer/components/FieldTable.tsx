import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export interface FieldRow {
  label: string;
  value: ReactNode;
}

/** Two-column label/value table for decoded or reported fields. */
export function FieldTable({ rows, testId, caption }: { rows: FieldRow[]; testId?: string; caption?: string }) {
  return (
    <Table data-testid={testId} withTableBorder variant="vertical" layout="fixed" verticalSpacing="xs">
      {caption ? <Table.Caption>{caption}</Table.Caption> : null}
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.label}>
            <Table.Th w={200} scope="row">
              {row.label}
            </Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{row.value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
