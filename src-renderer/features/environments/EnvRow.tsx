import { Badge, Checkbox, Skeleton, Stack, Text } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import { TruncatedName } from '../../components/TruncatedName';
import { goTo } from '../../components/useHashPath';
import type { EnvironmentView } from '../../../src-main/shared/schemas/portainer';
import { useEnvList } from './envListStore';
import { agoText, pollText, stateColors, stateLabels } from './format';
import { COLUMN_GAP, GRID_TEMPLATE, platformText, tunnelWord } from './listColumns';

export const ROW_HEIGHT = 44;

export const rowGrid = { display: 'grid', gridTemplateColumns: GRID_TEMPLATE, columnGap: COLUMN_GAP, alignItems: 'center', padding: '0 8px' } as const;

/** One environment of the virtual list (a skeleton until its page is loaded). */
export function EnvRow({ env, index, nowSec }: { env: EnvironmentView | undefined; index: number; nowSec: number }) {
  const selected = useEnvList((s) => (env ? s.selected.has(env.id) : false));
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  if (!env) {
    return (
      <div role="row" aria-rowindex={index + 2} style={{ ...rowGrid, height: ROW_HEIGHT }}>
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
      useEnvList.getState().toggle(env);
    }
  };
  const group = groups.find((g) => g.id === env.groupId)?.name ?? (env.groupId === 1 ? 'Unassigned' : `#${env.groupId}`);
  const tagText = env.tagIds.map((id) => tags.find((t) => t.id === id)?.name ?? `#${id}`).join(', ');
  const tunnel = tunnelWord(env.tunnel);
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
        ...rowGrid,
        height: ROW_HEIGHT,
        cursor: 'pointer',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      <div role="gridcell" onClick={(e) => e.stopPropagation()}>
        <Checkbox aria-label={`Select ${env.name}`} checked={selected} onChange={(e) => useEnvList.getState().toggle(env, e.currentTarget.checked)} data-testid="env-row-select" />
      </div>
      <TruncatedName role="gridcell" name={env.name} fw={600} data-testid="env-row-name" />
      {/* Group and tags: the browser's own tooltip (one Mantine tooltip a row is enough for a long list). */}
      <Text role="gridcell" size="sm" truncate="end" title={group}>
        {group}
      </Text>
      <Text role="gridcell" size="sm" truncate="end" c={tagText ? undefined : 'dimmed'} title={tagText || undefined}>
        {tagText || '—'}
      </Text>
      <Text role="gridcell" size="sm" truncate="end" data-testid="env-row-platform">
        {platformText(env)}
      </Text>
      <Text role="gridcell" size="sm" truncate="end" c={env.agentVersion ? undefined : 'dimmed'} data-testid="env-row-agent">
        {env.agentVersion ?? '—'}
      </Text>
      <Stack role="gridcell" gap={0} miw={0} align="flex-start">
        <Badge color={stateColors[env.state]} variant="light" size="sm" maw="100%" data-testid="env-row-state">
          {stateLabels[env.state]}
        </Badge>
        {tunnel ? (
          <Text size="xs" c="dimmed" truncate="end" maw="100%" data-testid="env-row-tunnel">
            {tunnel}
          </Text>
        ) : null}
      </Stack>
      <Stack role="gridcell" gap={0} miw={0}>
        <Text size="sm" truncate="end">
          {agoText(env.lastCheckIn, nowSec)}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" data-testid="env-row-poll">
          {pollText(env.checkinInterval)}
        </Text>
      </Stack>
    </div>
  );
}
