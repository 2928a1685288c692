import { Alert, Card, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { KnownHostsListView, KnownHostView } from '../../../src-main/shared/schemas/knownHosts';
import { api } from '../../api';
import { ForgetHostKey } from './ForgetHostKey';

function matches(e: KnownHostView, q: string): boolean {
  return [e.name, e.host, String(e.port), e.keyType, e.fingerprint, e.file ?? ''].some((f) => f.toLowerCase().includes(q));
}

/** Settings → SSH known hosts: every host key on record, searchable; Edgedeck's own can be forgotten. */
export function KnownHostsSettings() {
  const [view, setView] = useState<KnownHostsListView>();
  const [problem, setProblem] = useState<string>();
  const [query, setQuery] = useState('');
  const load = useCallback(() => {
    api.knownHosts.list().then(
      (v) => {
        setView(v);
        setProblem(undefined);
      },
      (e: Error) => setProblem(e.message),
    );
  }, []);
  useEffect(load, [load]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (view?.entries ?? []).filter((e) => !q || matches(e, q));
  }, [view, query]);

  return (
    <Card withBorder data-testid="settings-known-hosts">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>SSH known hosts</Title>
          <TextInput
            size="xs"
            placeholder="Search host, key type, fingerprint"
            aria-label="Search known hosts"
            leftSection={<IconSearch size={14} />}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            data-testid="known-hosts-search"
          />
        </Group>
        <Text size="sm" c="dimmed">
          Host keys Edgedeck checks every SSH connection against: the ones it remembered when you accepted a key (forget one after a host was legitimately
          reinstalled), and the lines of {view?.files.length ? view.files.join(', ') : 'your known_hosts file'}, which are read-only here (remove those with
          ssh-keygen -R).
        </Text>
        {problem && <Alert color="red">{problem}</Alert>}
        {view && view.entries.length === 0 && <Text size="sm">No host keys on record yet.</Text>}
        {view && view.entries.length > 0 && (
          <Table.ScrollContainer minWidth={700}>
            <Table striped data-testid="known-hosts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Host</Table.Th>
                  <Table.Th>Port</Table.Th>
                  <Table.Th>Key type</Table.Th>
                  <Table.Th>Fingerprint</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((e) => (
                  <Table.Tr key={`${e.source}:${e.file ?? ''}:${e.line ?? ''}:${e.name}:${e.keyType}`} data-testid="known-host-row" data-name={e.name}>
                    <Table.Td ff="monospace">
                      {e.marker ? `@${e.marker} ` : ''}
                      {e.host || e.name}
                    </Table.Td>
                    <Table.Td>{e.host ? e.port : ''}</Table.Td>
                    <Table.Td>{e.keyType}</Table.Td>
                    <Table.Td>
                      <Code>{e.fingerprint}</Code>
                    </Table.Td>
                    <Table.Td>{e.addedAt ? new Date(e.addedAt).toLocaleString() : ''}</Table.Td>
                    <Table.Td>
                      {e.source === 'app' ? (
                        <ForgetHostKey name={e.name} compact onForgotten={load} />
                      ) : (
                        <Text size="xs" c="dimmed">
                          {e.file}:{e.line}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {view && view.entries.length > 0 && shown.length === 0 && <Text size="sm">No host key matches “{query}”.</Text>}
      </Stack>
    </Card>
  );
}
