import { Alert, Badge, Button, Checkbox, Group, List, Modal, NumberInput, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconSearch, IconTrash } from '@tabler/icons-react';
import { useUnusedStore } from './unusedStore';
import { TruncatedName } from '../../components/TruncatedName';

function ConfirmModal() {
  const confirming = useUnusedStore((s) => s.confirming);
  const deleting = useUnusedStore((s) => s.deleting);
  const report = useUnusedStore((s) => s.report);
  const selected = useUnusedStore((s) => s.selected);
  const chosen = confirming ? (report?.items ?? []).filter((i) => selected.has(i.environmentId)) : [];
  const store = useUnusedStore.getState;
  const n = chosen.length;
  return (
    <Modal opened={confirming} onClose={() => !deleting && store().cancelConfirm()} title={`Delete ${n} environment${n === 1 ? '' : 's'} from Portainer?`} size="lg" centered>
      <Stack gap="sm" data-testid="unused-confirm">
        <Text size="sm">
          These Edge environments never had an agent check in. Deleting them revokes their join tokens: any bundle exported for them stops working. Each one is checked again just before it is
          deleted; one whose agent checked in meanwhile is kept.
        </Text>
        <ScrollArea.Autosize mah={300} type="auto">
          <List size="sm" data-testid="unused-confirm-list">
            {chosen.map((i) => (
              <List.Item key={i.environmentId}>
                <b>{i.name}</b> (environment {i.environmentId}
                {i.ageDays !== null ? `, created ${i.ageDays} day${i.ageDays === 1 ? '' : 's'} ago` : ''})
              </List.Item>
            ))}
          </List>
        </ScrollArea.Autosize>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => store().cancelConfirm()} disabled={deleting} data-testid="unused-confirm-cancel">
            Cancel
          </Button>
          <Button color="red" leftSection={<IconTrash size={16} />} onClick={() => void store().confirmDelete()} loading={deleting} data-testid="unused-confirm-delete">
            Delete {n} environment{n === 1 ? '' : 's'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Unused tokens tab: never-checked-in environments older than N days, bulk delete with confirmation. */
export function UnusedTab() {
  const s = useUnusedStore();
  const store = useUnusedStore.getState;
  const report = s.report;
  const eligible = report?.eligible ?? [];
  const allOn = eligible.length > 0 && eligible.every((id) => s.selected.has(id));

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Portainer join tokens never expire. Environments created for prestaged devices that never checked in keep a valid token; delete the ones whose bundles were never used. The age comes
        from Edgedeck&apos;s local copy (when it created or first exported the environment); environments of unknown age are listed but never deleted in bulk.
      </Text>
      <Group align="flex-end" gap="sm">
        <NumberInput
          label="Never checked in, older than (days)"
          value={s.days}
          onChange={(v) => store().setDays(typeof v === 'number' ? v : Number.parseInt(v, 10))}
          min={0}
          max={3650}
          allowDecimal={false}
          allowNegative={false}
          w={260}
          data-testid="unused-days"
        />
        <Button leftSection={<IconSearch size={16} />} onClick={() => void store().load()} loading={s.loading} data-testid="unused-load">
          Find unused tokens
        </Button>
      </Group>
      {s.error ? (
        <Alert color="red" title="Could not read the unused tokens" data-testid="unused-error">
          {s.error}
        </Alert>
      ) : null}

      {s.outcome ? (
        <Alert color={s.outcome.skipped.length ? 'orange' : 'teal'} title={`Removed ${s.outcome.removed.length} environment${s.outcome.removed.length === 1 ? '' : 's'}`} data-testid="unused-outcome">
          {s.outcome.removed.length ? (
            <List size="sm" data-testid="unused-removed">
              {s.outcome.removed.map((r) => (
                <List.Item key={r.id}>
                  {r.name} (environment {r.id})
                </List.Item>
              ))}
            </List>
          ) : null}
          {s.outcome.skipped.length ? (
            <>
              <Text size="sm" mt="xs" fw={500}>
                Kept:
              </Text>
              <List size="sm" data-testid="unused-skipped">
                {s.outcome.skipped.map((r) => (
                  <List.Item key={r.id}>
                    {r.name ?? `Environment ${r.id}`}: {r.reason}
                  </List.Item>
                ))}
              </List>
            </>
          ) : null}
        </Alert>
      ) : null}

      {report ? (
        <Stack gap="sm" data-testid="unused-report">
          <Text size="sm" data-testid="unused-summary">
            {report.items.length} never checked in; {eligible.length} older than {report.days} day{report.days === 1 ? '' : 's'}
            {report.unknownAge ? `; ${report.unknownAge} of unknown age (not created or exported by Edgedeck: delete those in Portainer if you must)` : ''}.
          </Text>
          <Group gap="sm">
            <Checkbox
              label="Select all eligible"
              checked={allOn}
              indeterminate={!allOn && s.selected.size > 0}
              disabled={eligible.length === 0}
              onChange={(e) => store().setAll(e.currentTarget.checked)}
              data-testid="unused-select-all"
            />
            <Button color="red" variant="light" leftSection={<IconTrash size={16} />} disabled={s.selected.size === 0} onClick={() => store().askConfirm()} data-testid="unused-delete">
              Delete {s.selected.size} selected…
            </Button>
          </Group>
          <ScrollArea.Autosize mah={420} type="auto">
            <Table striped stickyHeader data-testid="unused-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40} />
                  <Table.Th>Name</Table.Th>
                  <Table.Th w={80}>ID</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th w={90}>Age</Table.Th>
                  <Table.Th w={130} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.items.map((i) => (
                  <Table.Tr key={i.environmentId} data-testid="unused-row" data-env-id={i.environmentId}>
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${i.name}`}
                        checked={s.selected.has(i.environmentId)}
                        disabled={!i.eligible}
                        onChange={(e) => store().toggle(i.environmentId, e.currentTarget.checked)}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TruncatedName name={i.name} fw={600} size="sm" maw={360} />
                    </Table.Td>
                    <Table.Td>{i.environmentId}</Table.Td>
                    <Table.Td>{i.createdAt ? new Date(i.createdAt).toLocaleString() : '—'}</Table.Td>
                    <Table.Td>{i.ageDays === null ? '—' : `${i.ageDays} d`}</Table.Td>
                    <Table.Td>
                      {i.eligible ? (
                        <Badge color="red" variant="light">
                          eligible
                        </Badge>
                      ) : (
                        <Badge color="gray" variant="light" tt="none">
                          {i.ageDays === null ? 'unknown age' : 'too recent'}
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {report.items.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text size="sm" c="dimmed">
                        Every Edge environment has had an agent check in: no unused tokens.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Stack>
      ) : null}
      <ConfirmModal />
    </Stack>
  );
}
