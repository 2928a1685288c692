import { ActionIcon, Alert, Badge, Button, Card, Checkbox, FileButton, Group, Modal, ScrollArea, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconFileTypeCsv, IconPlugConnected, IconPlus, IconTerminal2, IconTrash } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { notifyError } from '../../components/notify';
import { ChecksTable } from './ChecksTable';
import { useInstall, type ConnResult, type SshConfigHostView } from './installStore';
import { isTargetError, readTarget } from '../../../src-main/shared/domain/sshTarget';

/**
 * The target an ssh config host is added as: its alias (main resolves HostName, User, Port,
 * IdentityFile and ProxyJump through ~/.ssh/config at connect time), or user@hostName:port when
 * the alias is not a valid target (e.g. a '+').
 */
export function targetForConfigHost(h: SshConfigHostView): string | undefined {
  if (!isTargetError(readTarget(h.alias))) return h.alias;
  if (!h.hostName) return undefined;
  const host = h.hostName.includes(':') ? `[${h.hostName}]` : h.hostName;
  const t = `${h.user ? `${h.user}@` : ''}${host}${h.port && h.port !== 22 ? `:${h.port}` : ''}`;
  return isTargetError(readTarget(t)) ? undefined : t;
}

function SshConfigModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const hosts = useInstall((s) => s.configHosts);
  const error = useInstall((s) => s.configHostsError);
  const targets = useInstall((s) => s.targets);
  const [picked, setPicked] = useState<string[]>([]);
  const rows = (hosts ?? []).map((h) => ({ h, target: targetForConfigHost(h) }));
  const add = () => {
    const n = useInstall.getState().addTargets(rows.filter((r) => r.target && picked.includes(r.h.alias)).map((r) => r.target!));
    setPicked([]);
    onClose();
    if (!n && picked.length) notifyError('No target added', new Error('The chosen hosts are already in the list.'));
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Import from ~/.ssh/config" size="lg" data-testid="install-sshconfig-modal">
      <Stack gap="sm">
        {hosts === undefined && <Text size="sm">Reading ~/.ssh/config…</Text>}
        {error && (
          <Alert color="red" title="Could not read ~/.ssh/config">
            {error}
          </Alert>
        )}
        {hosts && hosts.length === 0 && !error && (
          <Text size="sm" c="dimmed" data-testid="install-sshconfig-empty">
            ~/.ssh/config names no hosts (Host lines with wildcards such as * are not listed).
          </Text>
        )}
        {rows.length > 0 && (
          <>
            <Text size="sm" c="dimmed">
              Hosts are added by their alias; the connection uses the HostName, User, Port, IdentityFile and ProxyJump from the file.
            </Text>
            <Group gap="xs">
              <Button size="compact-xs" variant="subtle" onClick={() => setPicked(rows.filter((r) => r.target && !targets.includes(r.target)).map((r) => r.h.alias))} data-testid="install-sshconfig-all">
                Select all
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => setPicked([])}>
                Select none
              </Button>
            </Group>
            <ScrollArea.Autosize mah={360}>
              <Stack gap={6}>
                {rows.map(({ h, target }) => {
                  const already = !!target && targets.includes(target);
                  const detail = [h.user && `user ${h.user}`, h.hostName && `${h.hostName}${h.port ? `:${h.port}` : ''}`, h.proxyJump && `via ${h.proxyJump}`].filter(Boolean).join(' · ');
                  return (
                    <Checkbox
                      key={h.alias}
                      checked={picked.includes(h.alias)}
                      disabled={!target || already}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setPicked((p) => (on ? [...p, h.alias] : p.filter((a) => a !== h.alias)));
                      }}
                      label={
                        <span>
                          <code>{h.alias}</code>
                          {target && target !== h.alias ? <> → <code>{target}</code></> : null}
                        </span>
                      }
                      description={already ? 'already in the list' : !target ? 'no usable host name' : detail || undefined}
                      data-testid="install-sshconfig-host"
                      data-alias={h.alias}
                    />
                  );
                })}
              </Stack>
            </ScrollArea.Autosize>
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={add} disabled={picked.length === 0} data-testid="install-sshconfig-add">
            Add {picked.length || ''} {picked.length === 1 ? 'host' : 'hosts'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const CONN_COLOR: Record<ConnResult['status'], string> = { testing: 'blue', ok: 'green', warn: 'yellow', failed: 'red' };
const CONN_LABEL: Record<ConnResult['status'], string> = { testing: 'testing…', ok: 'connected', warn: 'connected', failed: 'failed' };

function ConnCell({ target }: { target: string }) {
  const r = useInstall((s) => s.connTest?.results[target]);
  const [open, setOpen] = useState(false);
  if (!r) return null;
  return (
    <Stack gap={2} data-testid="install-conn-result" data-target={target} data-status={r.status}>
      <Group gap={6} wrap="nowrap">
        <Badge size="sm" variant="light" color={CONN_COLOR[r.status]}>
          {CONN_LABEL[r.status]}
        </Badge>
        {r.checks.length > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the connection checks of ${target}`}>
            Details
          </Button>
        )}
      </Group>
      {r.reason && (
        <Text size="xs" c={r.status === 'failed' ? 'red' : undefined} data-testid="install-conn-reason">
          {r.reason}
        </Text>
      )}
      {r.fix && (
        <Text size="xs" c="dimmed" data-testid="install-conn-fix">
          What to do: {r.fix}
        </Text>
      )}
      {open && <ChecksTable target={target} checks={r.checks} />}
    </Stack>
  );
}

/** Rows drawn at once; a fleet of thousands stays a count plus the first rows. */
const SHOWN = 300;

export function TargetsPanel() {
  const targets = useInstall((s) => s.targets);
  const bad = useInstall((s) => s.badLines);
  const error = useInstall((s) => s.fieldErrors.targets);
  const [text, setText] = useState('');
  const [pasteOpen, setPasteOpen] = useState(false);
  const [pasted, setPasted] = useState('');
  const [importOpen, setImportOpen] = useState(false);
  const connTest = useInstall((s) => s.connTest);
  const testing = !!connTest && !connTest.done;
  const st = useInstall.getState;
  const openImport = () => {
    setImportOpen(true);
    void st().loadConfigHosts();
  };

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
          <Button variant="light" size="xs" leftSection={<IconTerminal2 size={16} />} onClick={openImport} data-testid="install-sshconfig">
            Import from ~/.ssh/config
          </Button>
          {targets.length > 0 && (
            <Button variant="light" size="xs" leftSection={<IconPlugConnected size={16} />} loading={testing} onClick={() => void st().testConnection()} data-testid="install-test-connection">
              Test connection
            </Button>
          )}
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
                  {connTest && <Table.Th>Connection</Table.Th>}
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
                    {connTest && (
                      <Table.Td>
                        <ConnCell target={t} />
                      </Table.Td>
                    )}
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
      <SshConfigModal opened={importOpen} onClose={() => setImportOpen(false)} />
    </Card>
  );
}
