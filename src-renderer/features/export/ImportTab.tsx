import { Alert, Badge, Button, Checkbox, Code, FileButton, Group, List, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { IconAlertTriangle, IconFileUpload, IconListCheck, IconPlus } from '@tabler/icons-react';
import { CREATE_GROUPS_LABEL, DEVICES_CSV_COLUMNS, type PrestagePlanView } from '../../../src-main/shared/schemas/prestage';
import { ExportOptionsFields } from './ExportOptionsFields';
import { ExportResult } from './ExportResult';
import { useExportStore } from './exportStore';
import { CSV_EXAMPLE, useImportStore } from './importStore';
import { useExportOptions } from './optionsStore';
import { TruncatedName } from '../../components/TruncatedName';

const actionColors = { create: 'blue', exists: 'gray', error: 'red', created: 'teal', existing: 'gray', failed: 'red' } as const;
const actionLabels = { create: 'will create', exists: 'exists', error: 'error', created: 'created', existing: 'existing', failed: 'failed' } as const;

function PlanTable({ plan }: { plan: PrestagePlanView }) {
  return (
    <ScrollArea.Autosize mah={420} type="auto">
      <Table striped stickyHeader data-testid="import-plan-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={70}>Row</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th w={130}>Status</Table.Th>
            <Table.Th>What happens / how to fix it</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.items.map((i, n) => (
            <Table.Tr key={`${i.row}-${n}`} data-testid="import-plan-row" data-action={i.action} data-row={i.row}>
              <Table.Td>{i.row}</Table.Td>
              <Table.Td fw={600}>{i.name || <Text c="dimmed">(no name)</Text>}</Table.Td>
              <Table.Td>
                <Badge color={actionColors[i.action]} variant="light" tt="none">
                  {actionLabels[i.action]}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={i.action === 'error' ? 'red' : undefined}>
                  {i.action === 'error' ? `Row ${i.row}: ${i.message}` : i.message}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}

function PlanSummary({ plan }: { plan: PrestagePlanView }) {
  return (
    <Stack gap="xs">
      <Group gap="xs" data-testid="import-plan-summary">
        <Badge color="blue" variant="light" tt="none">
          {plan.create} to create
        </Badge>
        <Badge color="gray" variant="light" tt="none">
          {plan.exists} existing
        </Badge>
        <Badge color={plan.errors ? 'red' : 'gray'} variant={plan.errors ? 'filled' : 'light'} tt="none">
          {plan.errors} with errors
        </Badge>
        {plan.newGroups.length ? <Text size="sm">New groups: {plan.newGroups.join(', ')}</Text> : null}
        {plan.newTags.length ? <Text size="sm">New tags: {plan.newTags.join(', ')}</Text> : null}
      </Group>
      {plan.warnings.length ? (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} data-testid="import-plan-warnings">
          <List size="sm">
            {plan.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      {plan.errors ? (
        <Alert color="red" title={`Fix ${plan.errors} row${plan.errors === 1 ? '' : 's'} first`} data-testid="import-plan-blocked">
          Nothing is created while any row is in error. Correct the rows listed below in the CSV (row numbers are the file&apos;s line numbers; the header is line 1), then check again.
        </Alert>
      ) : null}
    </Stack>
  );
}

async function exportAgain(items: Array<{ id: number; name: string }>) {
  const st = useExportStore.getState();
  st.setTab('export');
  if (st.source !== 'server') await st.setSource('server');
  else await st.load();
  useExportStore.getState().select(items);
}

/** CSV import tab: paste or upload → dry run → preview → create and export. */
export function ImportTab() {
  const s = useImportStore();
  const store = useImportStore.getState;
  const plan = s.plan;
  const canRun = !!plan && plan.errors === 0 && plan.create + plan.exists > 0;
  const outDir = useExportOptions((o) => o.outDir);
  const result = s.result;
  const done = result?.items.filter((i) => i.action !== 'failed' && i.environmentId !== undefined).map((i) => ({ id: i.environmentId!, name: i.name })) ?? [];

  return (
    <Stack gap="lg">
      <section aria-labelledby="import-csv-title">
        <Title order={3} size="h4" id="import-csv-title" mb={4}>
          1. Devices CSV
        </Title>
        <Text size="sm" c="dimmed" mb="xs">
          Columns: <Code>{DEVICES_CSV_COLUMNS.join(',')}</Code>. Only <Code>name</Code> is required; tags are separated by <Code>;</Code>, poll is in seconds, platform is standalone, podman, kubernetes or windows; an empty edge_id gets a new UUID. UTF-8.
        </Text>
        <Textarea
          label="CSV"
          placeholder={CSV_EXAMPLE}
          value={s.csv}
          onChange={(e) => store().setCsv(e.currentTarget.value)}
          autosize
          minRows={6}
          maxRows={16}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          description={s.fileName ? `From ${s.fileName} (edit it here if you like)` : 'Paste the CSV, or upload a file.'}
          data-testid="import-csv"
        />
        <Group mt="xs" gap="sm">
          <FileButton onChange={(f) => f && void store().loadFile(f)} accept=".csv,text/csv,text/plain">
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconFileUpload size={16} />} data-testid="import-upload">
                Upload CSV…
              </Button>
            )}
          </FileButton>
          <Checkbox
            label={CREATE_GROUPS_LABEL}
            description="Otherwise a group the server lacks is a row error. Missing tags are always created."
            checked={s.createGroups}
            onChange={(e) => store().setCreateGroups(e.currentTarget.checked)}
            data-testid="import-create-groups"
          />
        </Group>
        <Group mt="sm">
          <Button leftSection={<IconListCheck size={18} />} onClick={() => void store().runPlan()} loading={s.planning} disabled={s.csv.trim() === ''} data-testid="import-plan">
            Check (dry run)
          </Button>
          <Text size="xs" c="dimmed">
            Creates nothing: reads the server&apos;s environments, groups and tags and says what would happen to each row.
          </Text>
        </Group>
      </section>

      {s.error ? (
        <Alert color="red" title="The CSV could not be checked" data-testid="import-error">
          {s.error}
        </Alert>
      ) : null}

      {plan ? (
        <section aria-labelledby="import-preview-title">
          <Title order={3} size="h4" id="import-preview-title" mb="xs">
            2. Preview
          </Title>
          <Stack gap="sm">
            <PlanSummary plan={plan} />
            <PlanTable plan={plan} />
          </Stack>
        </section>
      ) : null}

      {plan && !result ? (
        <section aria-labelledby="import-export-title">
          <Title order={3} size="h4" id="import-export-title" mb={4}>
            3. Export of these devices
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            After creating the environments, Edgedeck exports every device of the CSV (new and existing) with these options.
          </Text>
          <ExportOptionsFields idPrefix="import" />
          <Group mt="md">
            <Button leftSection={<IconPlus size={18} />} onClick={() => void store().runImport()} loading={s.running} disabled={!canRun || outDir.trim() === ''} data-testid="import-run">
              {plan.create > 0 ? `Create ${plan.create} environment${plan.create === 1 ? '' : 's'}` : `Export ${plan.exists} existing environment${plan.exists === 1 ? '' : 's'}`}
            </Button>
            {!canRun && plan.errors === 0 ? (
              <Text size="sm" c="dimmed">
                The CSV has no devices.
              </Text>
            ) : null}
          </Group>
        </section>
      ) : null}

      {result ? (
        <section aria-labelledby="import-result-title" data-testid="import-result">
          <Title order={3} size="h4" id="import-result-title" mb="xs">
            Result
          </Title>
          <Stack gap="sm">
            <Text size="sm" data-testid="import-result-summary">
              {result.created} created, {result.items.filter((i) => i.action === 'existing').length} existing, {result.failed} failed.
            </Text>
            <Table striped data-testid="import-result-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>Row</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th w={130}>Result</Table.Th>
                  <Table.Th w={110}>Environment</Table.Th>
                  <Table.Th>Message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.items.map((i) => (
                  <Table.Tr key={i.row} data-action={i.action}>
                    <Table.Td>{i.row}</Table.Td>
                    <Table.Td>
                      <TruncatedName name={i.name} fw={600} size="sm" maw={360} />
                    </Table.Td>
                    <Table.Td>
                      <Badge color={actionColors[i.action]} variant="light" tt="none">
                        {actionLabels[i.action]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{i.environmentId ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c={i.action === 'failed' ? 'red' : undefined}>
                        {i.message ?? ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {result.export ? (
              <ExportResult result={result.export} names={done.map((d) => d.name)} testId="import-export-result" />
            ) : (
              <Alert color="orange" title="Nothing was exported" data-testid="import-no-export">
                {result.plan.errors ? 'The CSV had rows in error, so nothing was created or exported; check it again.' : 'No environment could be created or read, so there was nothing to export; see the messages above.'}
              </Alert>
            )}
            {done.length ? (
              <Group>
                <Button variant="light" onClick={() => void exportAgain(done)} data-testid="import-export-again">
                  Export these {done.length} again with other options…
                </Button>
              </Group>
            ) : null}
          </Stack>
        </section>
      ) : null}
    </Stack>
  );
}
