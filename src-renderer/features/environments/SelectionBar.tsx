import { Alert, Button, Checkbox, Group, Loader, Text } from '@mantine/core';
import { IconDownload, IconTags, IconTrash, IconUnlink } from '@tabler/icons-react';
import { goTo } from '../../components/useHashPath';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { useExportStore } from '../export/exportStore';
import { useBulk } from './bulkStore';
import { useEnvList } from './envListStore';

/** Hands the selection to the Export page (prestaged bundles for offline install). */
function exportSelected(): void {
  const rows = [...useEnvList.getState().selected.values()];
  useExportStore.getState().select(rows.map((e) => ({ id: e.id, name: e.name })));
  goTo('#/export');
}

/**
 * The selection, always in view: how many are selected (also those not rendered or not in the
 * current filter), the rows in view, the whole filtered set, and the bulk actions.
 */
export function SelectionBar({ visible }: { visible: EnvironmentView[] }) {
  const count = useEnvList((s) => s.selected.size);
  const total = useEnvList((s) => s.total);
  const selectingAll = useEnvList((s) => s.selectingAll);
  const selectAllError = useEnvList((s) => s.selectAllError);
  const allVisible = useEnvList((s) => visible.length > 0 && visible.every((e) => s.selected.has(e.id)));
  const store = useEnvList.getState;
  const bulk = useBulk.getState;
  return (
    <>
      <Group gap="sm" mih={28} wrap="wrap" data-testid="env-selection-bar">
        <Text size="sm" fw={600} aria-live="polite" data-testid="env-selected-count" data-count={count}>
          {count.toLocaleString()} selected
        </Text>
        <Checkbox
          label={`Select the ${visible.length} rows in view`}
          checked={allVisible}
          indeterminate={!allVisible && visible.some((e) => store().selected.has(e.id))}
          onChange={(e) => store().select(visible, e.currentTarget.checked)}
          disabled={visible.length === 0}
          data-testid="env-select-loaded"
        />
        {total !== undefined && total > 0 ? (
          <Button size="compact-sm" variant="subtle" onClick={() => void store().selectAllMatching()} disabled={!!selectingAll} data-testid="env-select-all">
            {selectingAll ? (
              <>
                <Loader size={12} mr={6} /> Selecting {selectingAll.loaded.toLocaleString()} of {selectingAll.total.toLocaleString()}…
              </>
            ) : (
              `Select all ${total.toLocaleString()} matching`
            )}
          </Button>
        ) : null}
        {count > 0 ? (
          <>
            <Button size="compact-sm" variant="light" leftSection={<IconTags size={14} />} onClick={() => bulk().open('groupTags')} data-testid="env-bulk-group-tags">
              Group & tags…
            </Button>
            <Button size="compact-sm" variant="light" leftSection={<IconUnlink size={14} />} onClick={() => bulk().open('disassociate')} data-testid="env-bulk-disassociate">
              Disassociate…
            </Button>
            <Button size="compact-sm" variant="light" color="red" leftSection={<IconTrash size={14} />} onClick={() => bulk().open('delete')} data-testid="env-bulk-delete">
              Delete…
            </Button>
            <Button size="compact-sm" variant="light" leftSection={<IconDownload size={14} />} onClick={exportSelected} data-testid="env-export-selected">
              Export bundles…
            </Button>
            <Button size="compact-sm" variant="subtle" onClick={() => store().clearSelection()} data-testid="env-clear-selection">
              Clear selection
            </Button>
          </>
        ) : null}
      </Group>
      {selectAllError ? (
        <Alert color="red" data-testid="env-select-all-error">
          {selectAllError}
        </Alert>
      ) : null}
    </>
  );
}
