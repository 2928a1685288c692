import { Alert, Button, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconPlus } from '@tabler/icons-react';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { tlsChangeOf } from '../../components/fieldErrors';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import { goTo } from '../../components/useHashPath';
import { onActiveServerChange } from '../servers/serversStore';
import { BulkDialog } from './BulkDialog';
import { EnvRow, ROW_HEIGHT, rowGrid } from './EnvRow';
import { isFiltered, PAGE_SIZE, REFRESH_MS, useEnvList } from './envListStore';
import { columns, GRID_MIN_WIDTH, type Column } from './listColumns';
import { ListToolbar } from './ListToolbar';
import { SelectionBar } from './SelectionBar';

export { ROW_HEIGHT };

const HEADER_HEIGHT = 36;

/** Before layout (and in tests without layout) the list assumes this viewport. */
const FALLBACK_RECT = { width: 1000, height: 600 };

function observeRect(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: { width: number; height: number }) => void) {
  return observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));
}

/** A column header; a sortable one is a button that sorts by it (again: the other way), with aria-sort. */
function HeaderCell({ column }: { column: Column }) {
  const sort = useEnvList((s) => s.query.sort);
  const order = useEnvList((s) => s.query.order);
  if (column.key === 'select') return <span role="columnheader" aria-label="Selected" />;
  if (!column.sort) {
    return (
      <span role="columnheader" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {column.label}
      </span>
    );
  }
  const active = sort === column.sort;
  const Icon = !active ? IconArrowsSort : order === 'asc' ? IconArrowUp : IconArrowDown;
  const next = active && order === 'asc' ? 'descending' : active ? 'ascending' : column.sort === 'LastCheckIn' ? 'newest first' : 'ascending';
  return (
    <span role="columnheader" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'} data-testid={`env-col-${column.key}`} style={{ minWidth: 0 }}>
      <UnstyledButton
        onClick={() => useEnvList.getState().sortBy(column.sort!)}
        aria-label={`${column.label}: sort ${next}`}
        data-testid={`env-sort-${column.key}`}
        style={{ display: 'inline-flex', alignItems: 'center', gap: 4, fontWeight: 600, fontSize: 'inherit', maxWidth: '100%' }}
      >
        <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{column.label}</span>
        <Icon size={14} style={{ flexShrink: 0, opacity: active ? 1 : 0.4 }} aria-hidden />
      </UnstyledButton>
    </span>
  );
}

/** #/environments: the server's Edge environments, paged from the server and virtualised. */
export function EnvironmentList() {
  const total = useEnvList((s) => s.total);
  const pages = useEnvList((s) => s.pages);
  const error = useEnvList((s) => s.error);
  const searching = useEnvList((s) => isFiltered(s.query));
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
    // The sticky header sits above the rows inside the same scroll box.
    scrollMargin: HEADER_HEIGHT,
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
  const visible = items.flatMap((i) => {
    const row = rowAt(i.index);
    return row ? [row] : [];
  });
  const tlsChange = tlsChangeOf(error);

  return (
    <Stack gap="sm" miw={0}>
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
      <ListToolbar />
      {tlsChange ? <TlsChangedAlert change={tlsChange} /> : null}
      {error && !tlsChange ? (
        <Alert color="red" title="Could not list the environments" data-testid="env-list-error">
          {error.message}
        </Alert>
      ) : null}
      <SelectionBar visible={visible} />
      <div ref={parentRef} style={{ height: 'max(320px, calc(100vh - 400px))', overflow: 'auto', position: 'relative' }} data-testid="env-list-scroll">
        <div role="grid" aria-label="Edge environments" aria-rowcount={count + 1} data-testid="env-list" data-count={count} style={{ minWidth: GRID_MIN_WIDTH }}>
          <div
            role="row"
            aria-rowindex={1}
            style={{
              ...rowGrid,
              height: HEADER_HEIGHT,
              position: 'sticky',
              top: 0,
              zIndex: 1,
              background: 'var(--mantine-color-body)',
              fontWeight: 600,
              fontSize: 'var(--mantine-font-size-sm)',
              borderBottom: '2px solid var(--mantine-color-default-border)',
            }}
          >
            {columns.map((c) => (
              <HeaderCell key={c.key} column={c} />
            ))}
          </div>
          {total === 0 ? (
            <Text c="dimmed" p="md" data-testid="env-empty">
              {searching ? 'No environment matches.' : 'No Edge environment on this server yet. Add one to get its join token and install command.'}
            </Text>
          ) : null}
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => (
              <div key={item.key} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start - HEADER_HEIGHT}px)` }}>
                <EnvRow env={rowAt(item.index)} index={item.index} nowSec={nowSec} />
              </div>
            ))}
          </div>
        </div>
      </div>
      <BulkDialog />
    </Stack>
  );
}
