import { Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { LabelledChoice } from '../../components/LabelledChoice';
import { IconSearch } from '@tabler/icons-react';
import { useEnvList, type PlatformFilter } from './envListStore';

/** Search and filters (the server filters: group, tags, connection, platform, agent version). */
export function ListToolbar() {
  const searchText = useEnvList((s) => s.searchText);
  const query = useEnvList((s) => s.query);
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  const agentVersions = useEnvList((s) => s.agentVersions);
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
        w={200}
      />
      <Select
        label="Group"
        placeholder="All groups"
        data={groups.map((g) => ({ value: String(g.id), label: g.name }))}
        value={query.groupId !== undefined ? String(query.groupId) : null}
        onChange={(v) => store().setQuery({ groupId: v ? Number(v) : undefined })}
        clearable
        searchable
        w={160}
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
        w={180}
        data-testid="env-filter-tags"
      />
      <Select
        label="Platform"
        placeholder="Any platform"
        data={[
          { value: 'docker', label: 'Docker or Podman' },
          { value: 'kubernetes', label: 'Kubernetes' },
        ]}
        value={query.platform ?? null}
        onChange={(v) => store().setQuery({ platform: (v as PlatformFilter | null) ?? undefined })}
        clearable
        w={160}
        data-testid="env-filter-platform"
      />
      <Select
        label="Agent version"
        placeholder={agentVersions.length ? 'Any version' : 'None reported'}
        data={agentVersions}
        value={query.agentVersion ?? null}
        onChange={(v) => store().setQuery({ agentVersion: v ?? undefined })}
        disabled={!agentVersions.length}
        clearable
        w={140}
        data-testid="env-filter-agent"
      />
      <LabelledChoice<'all' | 'alive' | 'lost' | 'never'>
        id="env-state-filter"
        label="Connection"
        data={[
          { value: 'all', label: 'All' },
          { value: 'alive', label: 'Alive' },
          { value: 'lost', label: 'Lost' },
          { value: 'never', label: 'Never checked in' },
        ]}
        value={query.state ?? 'all'}
        onChange={(v) => store().setQuery({ state: v === 'all' ? undefined : v })}
        data-testid="env-filter-state"
      />
    </Group>
  );
}
