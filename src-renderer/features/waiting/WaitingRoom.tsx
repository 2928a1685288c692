import { Alert, Button, Checkbox, Group, MultiSelect, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { errorMessage, notifyError } from '../../components/notify';
import type { EdgeGroupView, EnvironmentView, GroupView, TagView } from '../../../src-main/shared/schemas/portainer';
import { agoText } from '../environments/format';
import { TruncatedName } from '../../components/TruncatedName';

/** How often the list refreshes on its own while the page is open. */
const REFRESH_MS = 5_000;

interface Lookups {
  groups: GroupView[];
  tags: TagView[];
  edgeGroups: EdgeGroupView[];
}

/**
 * Business Edition's waiting room: Edge devices that enrolled with a global key and wait for an
 * admin. Trust one or many (with a group, tags and Edge groups), or reject (delete) them.
 */
export function WaitingRoom() {
  const [items, setItems] = useState<EnvironmentView[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<number[]>([]);
  const [lookups, setLookups] = useState<Lookups>({ groups: [], tags: [], edgeGroups: [] });
  const [groupId, setGroupId] = useState<string | null>(null);
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [edgeGroupIds, setEdgeGroupIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  /** Reject deletes: it waits for a second, explicit click that names the devices. */
  const [confirmingReject, setConfirmingReject] = useState(false);

  const refresh = useCallback(async () => {
    try {
      // Edge group membership changes as devices enrol (their EDGE_GROUPS), so it is read with the list.
      const [{ items: next }, edgeGroups] = await Promise.all([api.waiting.list(), api.edgeGroups.list().catch(() => undefined)]);
      setItems(next);
      if (edgeGroups) setLookups((l) => ({ ...l, edgeGroups: edgeGroups.edgeGroups }));
      setSelected((s) => s.filter((id) => next.some((e) => e.id === id)));
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void refresh();
    void Promise.allSettled([api.groups.list(), api.tags.list()]).then(([g, t]) =>
      setLookups((l) => ({ ...l, groups: g.status === 'fulfilled' ? g.value.groups : [], tags: t.status === 'fulfilled' ? t.value.tags : [] })),
    );
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  /** Runs one action on the selected devices, then shows the list as the server has it. */
  const act = async (title: string, run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await run();
      setSelected([]);
      setConfirmingReject(false);
      await refresh();
    } catch (err) {
      notifyError(title, err);
    } finally {
      setBusy(false);
    }
  };
  const trust = () =>
    act('Could not trust the devices', () =>
      api.waiting.trust({
        ids: selected,
        ...(groupId ? { groupId: Number(groupId) } : {}),
        ...(tagIds.length ? { tagIds: tagIds.map(Number) } : {}),
        ...(edgeGroupIds.length ? { edgeGroupIds: edgeGroupIds.map(Number) } : {}),
      }),
    );
  const reject = () =>
    act('Could not reject the devices', async () => {
      for (const id of selected) await api.environments.delete({ id });
    });

  const nowSec = Math.floor(Date.now() / 1000);
  const toggle = (id: number, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));
  const groupName = (id: number) => lookups.groups.find((g) => g.id === id)?.name ?? String(id);
  const tagName = (id: number) => lookups.tags.find((t) => t.id === id)?.name ?? String(id);
  const edgeGroupsOf = (id: number) => lookups.edgeGroups.filter((g) => g.environmentIds.includes(id)).map((g) => g.name);

  return (
    <Stack gap="md" data-testid="waiting-room">
      <Title order={2}>Waiting room</Title>
      <Text size="sm" c="dimmed">
        Devices that enrolled with a global key and wait for an admin (Portainer Business Edition with trust on first connect off). Their polls are refused until you trust them.
      </Text>
      {error ? (
        <Alert color="red" data-testid="waiting-error">
          {error}
        </Alert>
      ) : null}
      <Group align="flex-end" gap="sm">
        <Select label="Group" placeholder="keep the device's" data={lookups.groups.map((g) => ({ value: String(g.id), label: g.name }))} value={groupId} onChange={setGroupId} clearable data-testid="waiting-group" />
        <MultiSelect label="Tags" placeholder="keep the device's" data={lookups.tags.map((t) => ({ value: String(t.id), label: t.name }))} value={tagIds} onChange={setTagIds} data-testid="waiting-tags" />
        <MultiSelect label="Edge groups" placeholder="keep the device's" data={lookups.edgeGroups.map((g) => ({ value: String(g.id), label: g.name }))} value={edgeGroupIds} onChange={setEdgeGroupIds} data-testid="waiting-edge-groups" />
        <Button onClick={() => void trust()} disabled={selected.length === 0} loading={busy} data-testid="waiting-trust">
          Trust {selected.length || ''}
        </Button>
        <Button color="red" variant="light" onClick={() => setConfirmingReject(true)} disabled={selected.length === 0 || busy} data-testid="waiting-reject">
          Reject (delete)
        </Button>
      </Group>
      {confirmingReject && selected.length > 0 ? (
        <Alert color="red" title={`Delete ${selected.length === 1 ? 'this device' : `these ${selected.length} devices`} from the server?`} data-testid="waiting-reject-confirm">
          <Text size="sm">{items.filter((e) => selected.includes(e.id)).map((e) => e.name).join(', ')}</Text>
          <Text size="sm" mt="xs">
            A device whose agent still runs with the global key can enrol again and come back here: stop or uninstall its agent first.
          </Text>
          <Group mt="sm">
            <Button color="red" onClick={() => void reject()} loading={busy} data-testid="waiting-reject-yes">
              Delete {selected.length}
            </Button>
            <Button variant="default" onClick={() => setConfirmingReject(false)} disabled={busy}>
              Cancel
            </Button>
          </Group>
        </Alert>
      ) : null}
      {items.length === 0 ? (
        <Text data-testid="waiting-empty">No device is waiting.</Text>
      ) : (
        <Table striped data-testid="waiting-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                <Checkbox aria-label="Select all" checked={selected.length === items.length} indeterminate={selected.length > 0 && selected.length < items.length} onChange={(e) => setSelected(e.currentTarget.checked ? items.map((i) => i.id) : [])} />
              </Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Edge ID</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Sent group, tags, Edge groups</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => (
              <Table.Tr key={e.id} data-testid={`waiting-row-${e.id}`}>
                <Table.Td>
                  <Checkbox aria-label={`Select ${e.name}`} checked={selected.includes(e.id)} onChange={(ev) => toggle(e.id, ev.currentTarget.checked)} data-testid={`waiting-select-${e.id}`} />
                </Table.Td>
                <Table.Td>
                  <TruncatedName name={e.name} size="sm" maw={360} />
                </Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {e.edgeId ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>{agoText(e.lastCheckIn, nowSec)}</Table.Td>
                <Table.Td>{[groupName(e.groupId), ...e.tagIds.map(tagName), ...edgeGroupsOf(e.id)].join(', ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
