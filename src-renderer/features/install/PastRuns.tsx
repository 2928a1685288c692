import { Alert, Badge, Button, Card, Code, Group, Modal, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ChecksTable } from './ChecksTable';
import { checksOf, isTerminal, useInstall, type HostStatus } from './installStore';
import { STATUS_COLOR } from './RunPanel';


function Counts({ counts }: { counts: Record<string, number | undefined> }) {
  return (
    <Group gap={4}>
      {Object.entries(counts)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([k, n]) => (
          <Badge key={k} size="sm" variant="light" color={STATUS_COLOR[k as HostStatus] ?? 'gray'}>
            {n} {k}
          </Badge>
        ))}
    </Group>
  );
}

function TranscriptModal() {
  const t = useInstall((s) => s.transcript);
  const doc = t?.doc;
  return (
    <Modal opened={!!t} onClose={() => useInstall.getState().closeTranscript()} title={t ? `Transcript — ${t.target}` : ''} size="xl" data-testid="install-transcript">
      {doc && (
        <Stack gap="sm">
          <Text size="sm">
            Attempt {doc.attempt ?? 1} · started {doc.startedAt ?? '?'} · {doc.outcome ? `outcome: ${doc.outcome}` : 'not finished'}
          </Text>
          {(doc.steps ?? []).map((s, i) => (
            <Stack key={`${s.name}-${i}`} gap={4}>
              <Group gap="xs">
                <Text fw={600} size="sm">
                  {s.name}
                </Text>
                <Badge size="sm" color={s.status === 'ok' ? 'green' : s.status === 'failed' ? 'red' : s.status === 'warn' ? 'yellow' : 'gray'}>
                  {s.status}
                </Badge>
                {s.ms !== undefined && (
                  <Text size="xs" c="dimmed">
                    {s.ms} ms
                  </Text>
                )}
              </Group>
              {(s.notes ?? []).map((n, j) => (
                <Text size="sm" key={j}>
                  {n}
                </Text>
              ))}
              {(s.commands ?? []).map((c, j) => (
                <Code block key={j}>
                  {`$ ${c.sudo ? '[sudo] ' : ''}${c.command}\n→ exit ${c.exitCode ?? (c.timedOut ? 'timeout' : 'none')} (${c.ms} ms)${c.stdout ? `\n${c.stdout}` : ''}${c.stderr ? `\n[stderr] ${c.stderr}` : ''}`}
                </Code>
              ))}
            </Stack>
          ))}
        </Stack>
      )}
    </Modal>
  );
}

function RunModal() {
  const r = useInstall((s) => s.viewedRun);
  const busy = useInstall((s) => !!s.run && !isTerminal(s.run.task) && !s.run.lost);
  const starting = useInstall((s) => s.starting);
  const retryable = r ? r.hosts.filter((h) => h.status !== 'succeeded' && h.status !== 'unchanged').length : 0;
  return (
    <Modal opened={!!r} onClose={() => useInstall.getState().closeRun()} title={r ? `Run ${r.runId}` : ''} size="xl" data-testid="install-run-details">
      {r && (
        <Stack gap="sm">
          <Text size="sm">
            Started {new Date(r.createdAt).toLocaleString()} · {r.finished ? 'finished' : 'not finished'}
            {r.stoppedBecause ? ` · stopped: ${r.stoppedBecause}` : ''}
          </Text>
          <Counts counts={r.counts} />
          {r.hosts.some((h) => h.secretFilesLeft?.length) && (
            <Alert color="red" title="A secret file may remain on these hosts" data-testid="install-run-secret-files-left">
              <Stack gap={2}>
                {r.hosts
                  .filter((h) => h.secretFilesLeft?.length)
                  .map((h) => (
                    <Text size="sm" key={h.target}>
                      <Code>{h.target}</Code>: {h.secretFilesLeft!.join(', ')}
                    </Text>
                  ))}
                <Text size="xs">Removing them failed (see each transcript). The next run that reaches a host removes them first.</Text>
              </Stack>
            </Alert>
          )}
          {r.finished && retryable > 0 && (
            <Group>
              <Button size="xs" disabled={busy} loading={starting} onClick={() => void useInstall.getState().resume(r.runId)} data-testid="install-run-retry">
                Retry failed and not-started ({retryable})
              </Button>
              {busy && (
                <Text size="xs" c="dimmed">
                  Wait for the current install to end.
                </Text>
              )}
            </Group>
          )}
          <ScrollArea.Autosize mah={440}>
            <Table striped aria-label={`Hosts of run ${r.runId}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Host</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Transcript</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.hosts.map((h) => (
                  <PastHostRow key={h.target} runId={r.runId} h={h} />
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Stack>
      )}
    </Modal>
  );
}

function PastHostRow({ runId, h }: { runId: string; h: NonNullable<ReturnType<typeof useInstall.getState>['viewedRun']>['hosts'][number] }) {
  const [open, setOpen] = useState(false);
  const checks = checksOf(h.detail);
  return (
    <>
                  <Table.Tr>
                    <Table.Td ff="monospace">{h.target}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={STATUS_COLOR[h.status]}>
                        {h.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{h.reason ?? ''}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {checks.length > 0 && (
                          <Button size="compact-xs" variant="subtle" onClick={() => setOpen(!open)} aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the checks of ${h.target}`} data-testid="install-past-checks">
                            Checks
                          </Button>
                        )}
                        {h.transcript ? (
                          <Button size="compact-xs" variant="subtle" onClick={() => void useInstall.getState().openTranscript(runId, h.target)} data-testid="install-transcript-open" aria-label={`Transcript of ${h.target}`}>
                            View
                          </Button>
                        ) : (
                          <Text size="xs" c="dimmed">
                            none
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={4}>
            <ChecksTable target={h.target} checks={checks} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

export function PastRuns() {
  const runs = useInstall((s) => s.runs);
  const loading = useInstall((s) => s.runsLoading);
  const error = useInstall((s) => s.runsError);
  return (
    <Card withBorder padding="md" data-testid="install-runs">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            Past runs
          </Title>
          <Button size="xs" variant="subtle" loading={loading} onClick={() => void useInstall.getState().loadRuns()}>
            Refresh
          </Button>
        </Group>
        {error && (
          <Text size="sm" c="red">
            Could not list the runs: {error}
          </Text>
        )}
        {!error && runs.length === 0 && (
          <Text size="sm" c="dimmed">
            No runs yet. Each run keeps a summary and a transcript per host.
          </Text>
        )}
        {runs.length > 0 && (
          <ScrollArea.Autosize mah={300}>
            <Table striped aria-label="Past runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Run</Table.Th>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Hosts</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {runs.map((r) => (
                  <Table.Tr key={r.runId} data-testid="install-past-run">
                    <Table.Td ff="monospace">{r.runId}</Table.Td>
                    <Table.Td>
                      {new Date(r.createdAt).toLocaleString()}
                      {!r.finished && (
                        <Badge ml={6} size="xs" color="blue">
                          not finished
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Counts counts={r.counts} />
                    </Table.Td>
                    <Table.Td>
                      <Button size="compact-xs" variant="light" onClick={() => void useInstall.getState().openRun(r.runId)} aria-label={`Open run ${r.runId}`} data-testid="install-past-run-open">
                        Open
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        )}
      </Stack>
      <RunModal />
      <TranscriptModal />
    </Card>
  );
}
