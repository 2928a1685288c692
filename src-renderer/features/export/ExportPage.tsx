import { Stack, Tabs, Text, Title } from '@mantine/core';
import { IconClockOff, IconDownload, IconFileImport } from '@tabler/icons-react';
import { ExportTab } from './ExportTab';
import { useExportStore, type Tab } from './exportStore';
import { ImportTab } from './ImportTab';
import { UnusedTab } from './UnusedTab';

/** #/export: prestaged join tokens for offline install, bulk pre-creation from a CSV, unused-token cleanup. */
export function ExportPage() {
  const tab = useExportStore((s) => s.tab);
  return (
    <Stack gap="md" maw={1100}>
      <div>
        <Title order={2}>Export</Title>
        <Text c="dimmed" size="sm">
          Prestage devices: write each environment&apos;s join token, Edge ID and install files into a per-device bundle for hosts that cannot reach this app. Edgedeck writes the files on this
          computer.
        </Text>
      </div>
      <Tabs value={tab} onChange={(v) => v && useExportStore.getState().setTab(v as Tab)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="export" leftSection={<IconDownload size={16} />} data-testid="export-tab-export">
            Export bundles
          </Tabs.Tab>
          <Tabs.Tab value="import" leftSection={<IconFileImport size={16} />} data-testid="export-tab-import">
            Import devices CSV
          </Tabs.Tab>
          <Tabs.Tab value="unused" leftSection={<IconClockOff size={16} />} data-testid="export-tab-unused">
            Unused tokens
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="export" pt="md">
          <ExportTab />
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="md">
          <ImportTab />
        </Tabs.Panel>
        <Tabs.Panel value="unused" pt="md">
          <UnusedTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
