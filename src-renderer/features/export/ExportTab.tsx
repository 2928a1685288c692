import { Alert, Badge, Button, Checkbox, Group, Loader, ScrollArea, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconCloudOff, IconDownload, IconSearch } from '@tabler/icons-react';
import { useEffect } from 'react';
import { stateColors, stateLabels } from '../environments/format';
import { onActiveServerChange } from '../servers/serversStore';
import { ExportOptionsFields } from './ExportOptionsFields';
import { ExportResult } from './ExportResult';
import { LIST_LIMIT, useExportStore, type Kind, type Source } from './exportStore';
import { GlobalExport } from './GlobalExport';
import { IncludeImageFields } from './IncludeImageFields';
import { AgentMetaFields } from '../../components/agentMeta/AgentMetaFields';
import { useExportMeta } from '../../components/agentMeta/agentMetaStore';
import { TruncatedName } from '../../components/TruncatedName';
import { LabelledChoice } from '../../components/LabelledChoice';

function when(iso: string | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}

function EnvironmentPicker() {
  const s = useExportStore();
  const store = useExportStore.getState;
  const allShown = s.rows.length > 0 && s.rows.every((r) => s.selected.has(r.id));
  const someShown = s.rows.some((r) => s.selected.has(r.id));
  const oldest = s.source === 'cache' ? s.rows.map((r) => r.lastConfirmed ?? '').filter(Boolean).sort()[0] : undefined;

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search"
            placeholder="Name, ID, Edge ID…"
            leftSection={<IconSearch size={16} />}
            value={s.search}
            onChange={(e) => store().setSearch(e.currentTarget.value)}
            w={260}
            data-testid="export-search"
          />
          <LabelledChoice<Source>
            id="export-source-label"
            label="Environments from"
            data={[
              { value: 'server', label: 'The server' },
              { value: 'cache', label: 'Offline copy' },
            ]}
            value={s.source}
            onChange={(v) => void store().setSource(v)}
            data-testid="export-source"
          />
        </Group>
        {s.loading ? <Loader size="sm" aria-label="Loading environments" /> : null}
      </Group>

      {s.source === 'cache' ? (
        <Alert color={s.unreachable ? 'orange' : 'blue'} icon={<IconCloudOff size={18} />} data-testid="export-offline" title={s.unreachable ? 'The server is unreachable: showing the offline copy' : 'Offline copy'}>
          {s.unreachable ? <Text size="sm">{s.unreachable}</Text> : null}
          <Text size="sm">
            These are the environments Edgedeck exported or created before, with their join tokens kept on this computer. The export uses them without contacting the server
            {oldest ? `; the oldest data was last confirmed with the server at ${when(oldest)}` : ''}. Each row says when its data was last confirmed; if an environment was deleted or
            re-associated in Portainer since, its bundle will not work.
          </Text>
        </Alert>
      ) : null}
      {s.listError ? (
        <Alert color="red" title="Could not list the environments" data-testid="export-list-error">
          {s.listError}
        </Alert>
      ) : null}

      <Group gap="sm" mih={28}>
        <Checkbox
          label="Select all shown"
          checked={allShown}
          indeterminate={!allShown && someShown}
          disabled={s.rows.length === 0}
          onChange={(e) => store().setRowsSelected(s.rows, e.currentTarget.checked)}
          data-testid="export-select-shown"
        />
        <Text size="sm" data-testid="export-selected-count">
          {s.selected.size} selected
        </Text>
        {s.selected.size ? (
          <Button size="compact-sm" variant="subtle" onClick={() => store().clearSelection()}>
            Clear selection
          </Button>
        ) : null}
        {s.source === 'server' && s.total > s.rows.length ? (
          <Text size="sm" c="dimmed" data-testid="export-more">
            Showing the first {LIST_LIMIT} of {s.total}; search to narrow.
          </Text>
        ) : null}
      </Group>

      <ScrollArea.Autosize mah={360} type="auto">
        <Table striped highlightOnHover stickyHeader data-testid="export-env-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>Name</Table.Th>
              <Table.Th w={80}>ID</Table.Th>
              <Table.Th>{s.source === 'cache' ? 'Last confirmed with the server' : 'State'}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.rows.map((r) => (
              <Table.Tr key={r.id} data-testid="export-env-row" data-env-id={r.id} aria-selected={s.selected.has(r.id)}>
                <Table.Td>
                  <Checkbox aria-label={`Select ${r.name}`} checked={s.selected.has(r.id)} onChange={(e) => store().toggle(r, e.currentTarget.checked)} />
                </Table.Td>
                <Table.Td>
                  <TruncatedName name={r.name} fw={600} size="sm" maw={360} data-testid="export-env-name" />
                </Table.Td>
                <Table.Td>{r.id}</Table.Td>
                <Table.Td>
                  {s.source === 'cache' ? (
                    <Text size="sm">{when(r.lastConfirmed)}</Text>
                  ) : r.state ? (
                    <Badge color={stateColors[r.state]} variant="light">
                      {stateLabels[r.state]}
                    </Badge>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
            {!s.loading && s.rows.length === 0 && !s.listError ? (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="sm" c="dimmed" data-testid="export-empty">
                    {s.source === 'cache'
                      ? 'The offline copy has no environments of this server yet: export once while the server is reachable.'
                      : s.search
                        ? 'No Edge environment matches the search.'
                        : 'This server has no Edge environments yet: add them on the Environments page or import a devices CSV.'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ) : null}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** Export tab: per-device bundles (environments and options), or one auto-onboarding bundle. */
export function ExportTab() {
  const kind = useExportStore((s) => s.kind);
  return (
    <Stack gap="lg">
      <LabelledChoice<Kind>
        id="export-kind-label"
        label="What to export"
        data={[
          { value: 'devices', label: 'A bundle per environment' },
          { value: 'global', label: 'Auto-onboarding bundle (global key)' },
        ]}
        value={kind}
        onChange={(v) => useExportStore.getState().setKind(v)}
        data-testid="export-kind"
      />
      {kind === 'global' ? <GlobalExport /> : <DeviceExport />}
    </Stack>
  );
}

function DeviceExport() {
  const exporting = useExportStore((s) => s.exporting);
  const exportError = useExportStore((s) => s.exportError);
  const outcome = useExportStore((s) => s.outcome);
  const count = useExportStore((s) => s.selected.size);
  const delivery = useExportStore((s) => s.delivery);
  const includeImage = useExportStore((s) => s.includeImage);

  useEffect(() => {
    void useExportStore.getState().load();
    return onActiveServerChange(() => void useExportStore.getState().setSource('server'));
  }, []);

  return (
    <Stack gap="lg">
      <section aria-labelledby="export-envs-title">
        <Title order={3} size="h4" id="export-envs-title" mb="xs">
          1. Environments
        </Title>
        <EnvironmentPicker />
      </section>
      <section aria-labelledby="export-options-title">
        <Title order={3} size="h4" id="export-options-title" mb="xs">
          2. Options
        </Title>
        <Stack gap="md">
          <ExportOptionsFields idPrefix="export" delivery={{ value: delivery, onChange: (d) => useExportStore.getState().setDelivery(d) }} />
          <IncludeImageFields />
          <AgentMetaFields store={useExportMeta} idPrefix="export" />
        </Stack>
      </section>
      <Group>
        <Button leftSection={<IconDownload size={18} />} onClick={() => void useExportStore.getState().runExport()} loading={exporting} disabled={count === 0} data-testid="export-run">
          {count === 0 ? 'Export' : `Export ${count} environment${count === 1 ? '' : 's'}`}
        </Button>
        {exporting ? (
          <Text size="sm" c="dimmed" data-testid="export-progress">
            {delivery === 'download'
              ? 'Reading the join tokens and building the archive…'
              : includeImage === 'engine'
                ? "Saving the agent image from this computer's Docker (docker save), checking its SHA-256 and writing it with the bundles: a large image takes a minute or more…"
                : includeImage === 'archive'
                  ? 'Reading the image archive (SHA-256), then copying it with the bundles: a large archive takes a while…'
                  : 'Reading the join tokens and writing the bundles…'}
          </Text>
        ) : null}
      </Group>
      {exportError ? (
        <Alert color="red" title="Nothing was exported" data-testid="export-error">
          {exportError}
        </Alert>
      ) : null}
      {outcome ? <ExportResult result={outcome.result} names={outcome.names} testId="export-result" /> : null}
    </Stack>
  );
}
