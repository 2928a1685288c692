import { useExportStore } from '../export/exportStore';
import { Alert, Badge, Button, Checkbox, Group, MultiSelect, SegmentedControl, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { tlsChangeOf } from '../../components/fieldErrors';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import { goTo } from '../../components/useHashPath';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { onActiveServerChange } from '../servers/serversStore';
import { PAGE_SIZE, REFRESH_MS, useEnvList, type SortChoice } from './envListStore';
import { agoText, pollText, stateColors, stateLabels } from './format';

export const ROW_HEIGHT = 44;
const COLUMNS = '40px minmax(160px, 2fr) minmax(100px, 1fr) minmax(120px, 1.2fr) 150px 130px 110px';

/** Before layout (and in tests without layout) the list assumes this viewport. */
const FALLBACK_RECT = { width: 1000, height: 600 };

function observeRect(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));
}

function Row({ env, index, nowSec }: { env: EnvironmentView | undefined; index: number; nowSec: number }) {
  const selected = useEnvList((s) => (env ? s.selected.has(env.id) : false));
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  if (!env) {
    return (
      <div role="row" aria-rowindex={index + 2} style={{ display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'center', height: ROW_HEIGHT, padding: '0 8px' }}>
        <span />
        <Skeleton height={12} width="60%" aria-label="Loading" />
      </div>
    );
  }
  const open = () => goTo(`#/environments/${env.id}`);
  const onKey = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') open();
    if (e.key === ' ') {
      e.preventDefault();
      useEnvList.getState().toggle(env.id);
    }
  };
  const group = groups.find((g) => g.id === env.groupId)?.name ?? (env.groupId === 1 ? 'Unassigned' : `#${env.groupId}`);
  const tagNames = env.tagIds.map((id) => tags.find((t) => t.id === id)?.name ?? `#${id}`);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={0}
      onClick={open}
      onKeyDown={onKey}
      data-testid="env-row"
      data-env-id={env.id}
      className="edgedeck-env-row"
      style={{
        display: 'grid',
        gridTemplateColumns: COLUMNS,
        alignItems: 'center',
        height: ROW_HEIGHT,
        padding: '0 8px',
        cursor: 'pointer',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      <div role="gridcell" onClick={(e) => e.stopPropagation()}>
        <Checkbox aria-label={`Select ${env.name}`} checked={selected} onChange={(e) => useEnvList.getState().toggle(env.id, e.currentTarget.checked)} data-testid="env-row-select" />
      </div>
      <Text role="gridcell" fw={600} truncate="end" data-testid="env-row-name">
        {env.name}
      </Text>
      <Text role="gridcell" size="sm" truncate="end">
        {group}
      </Text>
      <Text role="gridcell" size="sm" truncate="end" c={tagNames.length ? undefined : 'dimmed'}>
        {tagNames.join(', ') || '—'}
      </Text>
      <div role="gridcell">
        <Badge color={stateColors[env.state]} variant="light" data-testid="env-row-state">
          {stateLabels[env.state]}
        </Badge>
      </div>
      <Text role="gridcell" size="sm">
        {agoText(env.lastCheckIn, nowSec)}
      </Text>
      <Text role="gridcell" size="sm" c="dimmed">
        {pollText(env.checkinInterval)}
      </Text>
    </div>
  );
}

function Toolbar() {
  const searchText = useEnvList((s) => s.searchText);
  const query = useEnvList((s) => s.query);
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  const store = useEnvList.getState;
  return (
    <Group align="flex-end" gap="sm">
      <TextInput
        label="Search"
        placeholder="Name, Edge ID…"
        leftSection={<IconSearch size={16} />}
        value={searchText}
        onChange={(e) => store().setSearchText(e.currentTarget.value)}
        data-testid="env-search"
        w={240}
      />
      <Select
        label="Sort by"
        data={[
          { value: 'name-asc', label: 'Name (A–Z)' },
          { value: 'name-desc', label: 'Name (Z–A)' },
          { value: 'checkin-desc', label: 'Last check-in (newest)' },
          { value: 'checkin-asc', label: 'Last check-in (oldest)' },
        ]}
        value={query.sort}
        onChange={(v) => v && store().setQuery({ sort: v as SortChoice })}
        allowDeselect={false}
        w={200}
        data-testid="env-sort"
      />
      <Select
        label="Group"
        placeholder="All groups"
        data={groups.map((g) => ({ value: String(g.id), label: g.name }))}
        value={query.groupId !== undefined ? String(query.groupId) : null}
        onChange={(v) => store().setQuery({ groupId: v ? Number(v) : undefined })}
        clearable
        searchable
        w={180}
        data-testid="env-filter-group"
      />
      <MultiSelect
        label="Tags"
        placeholder={query.tagIds.length ? undefined : 'Any tag'}
        data={tags.map((t) => ({ value: String(t.id), label: t.name }))}
        value={query.tagIds.map(String)}
        onChange={(v) => store().setQuery({ tagIds: v.map(Number) })}
        clearable
        searchable
        w={220}
        data-testid="env-filter-tags"
      />
      <div>
        <Text size="sm" fw={500} mb={4} id="env-state-filter">
          State
        </Text>
        <SegmentedControl
          aria-labelledby="env-state-filter"
          data={[
            { value: 'all', label: 'All' },
            { value: 'alive', label: 'Alive' },
            { value: 'lost', label: 'Lost' },
            { value: 'never', label: 'Never checked in' },
          ]}
          value={query.state ?? 'all'}
          onChange={(v) => store().setQuery({ state: v === 'all' ? undefined : (v as 'alive' | 'lost' | 'never') })}
          data-testid="env-filter-state"
        />
      </div>
    </Group>
  );
}

/** Hands the selection to the Export page (prestaged bundles for offline install). */
function exportSelected(): void {
  const { selected, pages } = useEnvList.getState();
  const names = new Map(Object.values(pages).flat().map((e) => [e.id, e.name]));
  useExportStore.getState().select([...selected].map((id) => ({ id, name: names.get(id) ?? `#${id}` })));
  goTo('#/export');
}

function SelectionBar({ visibleIds }: { visibleIds: number[] }) {
  const count = useEnvList((s) => s.selected.size);
  const allVisible = useEnvList((s) => visibleIds.length > 0 && visibleIds.every((id) => s.selected.has(id)));
  return (
    <Group gap="sm" mih={28}>
      <Checkbox
        label="Select the rows in view"
        checked={allVisible}
        indeterminate={!allVisible && count > 0}
        onChange={(e) => useEnvList.getState().setSelected(visibleIds, e.currentTarget.checked)}
        disabled={visibleIds.length === 0}
        data-testid="env-select-loaded"
      />
      {count > 0 ? (
        <>
          <Text size="sm" data-testid="env-selected-count">
            {count} selected
          </Text>
          <Button size="compact-sm" variant="light" onClick={exportSelected} data-testid="env-export-selected">
            Export bundles…
          </Button>
          <Button size="compact-sm" variant="subtle" onClick={() => useEnvList.getState().clearSelection()}>
            Clear selection
          </Button>
        </>
      ) : null}
    </Group>
  );
}

/** #/environments: the server's Edge environments, paged from the server and virtualised. */
export function EnvironmentList() {
  const total = useEnvList((s) => s.total);
  const pages = useEnvList((s) => s.pages);
  const error = useEnvList((s) => s.error);
  const searching = useEnvList((s) => s.query.search !== '' || s.query.groupId !== undefined || s.query.tagIds.length > 0 || s.query.state !== undefined);
  const parentRef = useRef<HTMLDivElement>(null);
  const nowSec = Math.floor(Date.now() / 1000);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRect,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const range = useRef({ first, last });
  range.current = { first, last };

  useEffect(() => {
    const s = useEnvList.getState();
    void s.loadMeta();
    if (s.total === undefined && !s.loading[0]) void s.loadPage(0);
    else void s.ensureRange(range.current.first, range.current.last, true);
    const off = onActiveServerChange(() => {
      useEnvList.getState().clearSelection();
      useEnvList.getState().reload();
      void useEnvList.getState().loadMeta();
    });
    // Live heartbeats: re-query the visible rows while the page is visible.
    const timer = setInterval(() => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
      const { first: f, last: l } = range.current;
      void useEnvList.getState().ensureRange(f, Math.max(f, l), true);
    }, REFRESH_MS);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);

  // Scrolling: load the pages that came into view.
  useEffect(() => {
    if (total !== undefined && last >= 0) void useEnvList.getState().ensureRange(first, last);
  }, [first, last, total]);

  const rowAt = (index: number) => pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
  const visibleIds = items.map((i) => rowAt(i.index)?.id).filter((id): id is number => id !== undefined);
  const tlsChange = tlsChangeOf(error);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Group gap="sm" align="baseline">
          <Title order={2}>Environments</Title>
          <Text c="dimmed" data-testid="env-total" data-total={total ?? ''}>
            {total === undefined ? '…' : `${total.toLocaleString()} ${searching ? 'matching' : total === 1 ? 'environment' : 'environments'}`}
          </Text>
        </Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => goTo('#/environments/new')} data-testid="env-add">
          Add environment
        </Button>
      </Group>
      <Toolbar />
      {tlsChange ? <TlsChangedAlert change={tlsChange} /> : null}
      {error && !tlsChange ? (
        <Alert color="red" title="Could not list the environments" data-testid="env-list-error">
          {error.message}
        </Alert>
      ) : null}
      <SelectionBar visibleIds={visibleIds} />
      <div role="grid" aria-label="Edge environments" aria-rowcount={count + 1} data-testid="env-list" data-count={count}>
        <div
          role="row"
          aria-rowindex={1}
          style={{ display: 'grid', gridTemplateColumns: COLUMNS, padding: '6px 8px', fontWeight: 600, fontSize: 'var(--mantine-font-size-sm)', borderBottom: '2px solid var(--mantine-color-default-border)' }}
        >
          <span role="columnheader" aria-label="Selected" />
          <span role="columnheader">Name</span>
          <span role="columnheader">Group</span>
          <span role="columnheader">Tags</span>
          <span role="columnheader">State</span>
          <span role="columnheader">Last check-in</span>
          <span role="columnheader">Poll</span>
        </div>
        <div ref={parentRef} style={{ height: 'max(320px, calc(100vh - 380px))', overflow: 'auto', position: 'relative' }} data-testid="env-list-scroll">
          {total === 0 ? (
            <Text c="dimmed" p="md" data-testid="env-empty">
              {searching ? 'No environment matches.' : 'No Edge environment on this server yet. Add one to get its join token and install command.'}
            </Text>
          ) : null}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => (
              <div key={item.key} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                <Row env={rowAt(item.index)} index={item.index} nowSec={nowSec} />
              </div>
            ))}
          </div>
        </div>
      </div>
    </Stack>
  );
}
