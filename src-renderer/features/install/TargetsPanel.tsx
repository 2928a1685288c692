import { ActionIcon, Alert, Button, Card, FileButton, Group, ScrollArea, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconFileTypeCsv, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { notifyError } from '../../components/notify';
import { useInstall } from './installStore';

/** Rows drawn at once; a fleet of thousands stays a count plus the first rows. */
const SHOWN = 300;

export function TargetsPanel() {
  const targets = useInstall((s) => s.targets);
  const bad = useInstall((s) => s.badLines);
  const error = useInstall((s) => s.fieldErrors.targets);
  const [text, setText] = useState('');
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasted, setPasted] = useState('');
  const st = useInstall.getState;

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    if (st().addTarget(text)) setText('');
  };
  const onCsv = (file: File | null) => {
    if (!file) return;
    file.text().then((t) => st().addCsv(t), (err: unknown) => notifyError(`Could not read ${file.name}`, err));
  };

  return (
    <Card withBorder padding="md" data-testid="install-targets">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            Targets
          </Title>
          <Text size="sm" c="dimmed" data-testid="install-target-count">
            {targets.length} {targets.length === 1 ? 'host' : 'hosts'}
          </Text>
        </Group>
        <form onSubmit={onAdd}>
          <Group align="flex-start" gap="xs">
            <TextInput
              label="Target"
              description="user@host or user@host:port (IPv6: user@[addr]:port). Hosts from ~/.ssh/config work by their alias."
              placeholder="ubuntu@10.0.0.5:22"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              error={error}
              style={{ flex: 1 }}
              autoComplete="off"
              spellCheck={false}
              data-testid="install-target-input"
            />
            <Button type="submit" mt={44} leftSection={<IconPlus size={16} />} data-testid="install-target-add">
              Add
            </Button>
          </Group>
        </form>
        <Group gap="xs">
          <Button variant="light" size="xs" onClick={() => setPasteOpen((o) => !o)} aria-expanded={pasteOpen} data-testid="install-paste-toggle">
            Paste a list
          </Button>
          <FileButton onChange={onCsv} accept=".csv,text/csv">
            {(props) => (
              <Button {...props} variant="light" size="xs" leftSection={<IconFileTypeCsv size={16} />} data-testid="install-csv">
                Import CSV (column “target”)
              </Button>
            )}
          </FileButton>
          {targets.length > 0 && (
            <Button variant="subtle" color="red" size="xs" onClick={() => st().clearTargets()} data-testid="install-targets-clear">
              Remove all
            </Button>
          )}
        </Group>
        {pasteOpen && (
          <Stack gap="xs">
            <Textarea
              label="One target per line"
              description="Blank lines and # comments are skipped; lines that are not user@host[:port] are listed with the reason."
              autosize
              minRows={4}
              maxRows={12}
              value={pasted}
              onChange={(e) => setPasted(e.currentTarget.value)}
              spellCheck={false}
              data-testid="install-paste"
            />
            <Group>
              <Button
                size="xs"
                onClick={() => {
                  st().addList(pasted);
                  setPasted('');
                }}
                disabled={pasted.trim() === ''}
                data-testid="install-paste-add"
              >
                Add these
              </Button>
            </Group>
          </Stack>
        )}
        {bad.length > 0 && (
          <Alert color="orange" title={`${bad.length} ${bad.length === 1 ? 'line was' : 'lines were'} not added`} withCloseButton closeButtonLabel="Dismiss" onClose={() => st().dismissBad()} data-testid="install-bad-lines">
            <Stack gap={2}>
              {bad.slice(0, 50).map((b) => (
                <Text size="sm" key={`${b.line}:${b.text}`} data-testid="install-bad-line">
                  Line {b.line}: <code>{b.text}</code> — {b.reason}
                </Text>
              ))}
              {bad.length > 50 && <Text size="sm">…and {bad.length - 50} more.</Text>}
            </Stack>
          </Alert>
        )}
        {targets.length > 0 && (
          <ScrollArea.Autosize mah={320}>
            <Table striped highlightOnHover data-testid="install-targets-table" aria-label="Targets">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th w={60}>
                    <span className="sr-only" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden' }}>
                      Remove
                    </span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {targets.slice(0, SHOWN).map((t, i) => (
                  <Table.Tr key={t} data-testid="install-target-row">
                    <Table.Td>{i + 1}</Table.Td>
                    <Table.Td ff="monospace">{t}</Table.Td>
                    <Table.Td>
                      <ActionIcon variant="subtle" color="red" aria-label={`Remove ${t}`} onClick={() => st().removeTarget(t)} data-testid="install-target-remove">
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {targets.length > SHOWN && (
              <Text size="sm" c="dimmed" mt={4}>
                …and {targets.length - SHOWN} more hosts (all of them are installed).
              </Text>
            )}
          </ScrollArea.Autosize>
        )}
      </Stack>
    </Card>
  );
}
