import { Alert, Autocomplete, Code, Group, SimpleGrid, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect } from 'react';
import { metaPreview, staticEdgeGroups, type AgentMetaStore } from './agentMetaStore';

interface Props {
  store: AgentMetaStore;
  /** data-testid prefix: `${idPrefix}-meta-…`. */
  idPrefix: string;
}

/**
 * The auto-onboarding metadata picker of the Install and Export screens: Edge groups, group and
 * tags from the connected server (new names are created when the install or export starts), and
 * the variables the agent gets, as the core builder writes them.
 */
export function AgentMetaFields({ store, idPrefix }: Props) {
  const s = store();
  const on = s.on;
  useEffect(() => {
    if (on) void store.getState().load();
  }, [on, store]);
  const preview = metaPreview(s);
  const id = (x: string) => `${idPrefix}-meta-${x}`;

  return (
    <Stack gap="xs" data-testid={id('fields')}>
      <Switch
        label="Auto-onboarding metadata (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS)"
        description="Used only when the agent enrols with a global key (auto-onboarding): the server puts the new environment into these Edge groups, this group and these tags. On Business Edition the device waits in the waiting room until trusted, and trusting it keeps these. An agent whose environment already exists ignores them."
        checked={on}
        onChange={(e) => store.getState().set({ on: e.currentTarget.checked })}
        data-testid={id('on')}
      />
      {on ? (
        <>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <TagsInput
              label="Edge groups"
              placeholder="Pick or type a name, then Enter"
              description="Static Edge groups of the server; a new name is created when you start."
              data={staticEdgeGroups(s.edgeGroupList).map((g) => g.name)}
              value={s.edgeGroups}
              onChange={(v) => store.getState().set({ edgeGroups: v })}
              clearable
              data-testid={id('edge-groups')}
            />
            <Autocomplete
              label="Group"
              placeholder="Unassigned"
              description="One environment group; a new name is created when you start."
              data={s.groupList.map((g) => g.name)}
              value={s.group}
              onChange={(v) => store.getState().set({ group: v })}
              data-testid={id('group')}
            />
            <TagsInput
              label="Tags"
              placeholder="Pick or type a tag, then Enter"
              description="A new tag is created when you start."
              data={s.tagList.map((t) => t.name)}
              value={s.tags}
              onChange={(v) => store.getState().set({ tags: v })}
              clearable
              data-testid={id('tags')}
            />
          </SimpleGrid>
          <Group gap="xs" data-testid={id('preview')}>
            <Text size="xs" c="dimmed">
              The agent gets:
            </Text>
            {preview.lines.length ? preview.lines.map((l) => <Code key={l}>{l}</Code>) : <Text size="xs">{preview.pending.length ? '' : 'no metadata yet (pick or type names above)'}</Text>}
            {preview.pending.length ? (
              <Text size="xs" c="dimmed">
                and, once created: {preview.pending.join(', ')}
              </Text>
            ) : null}
          </Group>
          {s.loadError ? (
            <Text size="xs" c="orange" data-testid={id('load-error')}>
              {s.loadError}
            </Text>
          ) : null}
          {s.error ? (
            <Alert color="red" icon={<IconAlertTriangle size={16} />} role="alert" data-testid={id('error')}>
              {s.error}
            </Alert>
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}
