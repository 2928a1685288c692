import { Alert, Badge, Button, Card, Group, Progress, ScrollArea, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlayerStop, IconRefresh } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { countHosts, hostProgress, isTerminal, useInstall, type HostRow, type HostStatus } from './installStore';
import { ChecksTable } from './ChecksTable';
import { LogView } from './LogView';
import { ForgetHostKey } from '../knownHosts/ForgetHostKey';

export const STATUS_COLOR: Record<HostStatus, string> = {
  pending: 'gray',
  running: 'blue',
  succeeded: 'green',
  unchanged: 'teal',
  failed: 'red',
  cancelled: 'orange',
  skipped: 'yellow',
};

const TASK_COLOR: Record<string, string> = { running: 'blue', cancelling: 'orange', succeeded: 'green', failed: 'red', cancelled: 'orange' };
const SHOWN = 300;

function HostRowView({ h, openChecks }: { h: HostRow; openChecks: boolean }) {
  const pct = Math.round(hostProgress(h) * 100);
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  const shown = (open ?? openChecks) && !!h.checks;
  const checks = h.checks ?? [];
  const warn = checks.filter((c) => c.status !== 'pass').length;
  return (
    <>
    <Table.Tr data-testid="install-host-row" data-target={h.target} data-status={h.status}>
      <Table.Td ff="monospace">{h.target}</Table.Td>
      <Table.Td>
        <Badge color={STATUS_COLOR[h.status]} variant="light" style={{ overflow: 'visible' }} miw="max-content" data-testid="install-host-status">
          {h.status}
        </Badge>
      </Table.Td>
      <Table.Td data-testid="install-host-step">{h.step ?? '—'}</Table.Td>
      <Table.Td w={140}>
        <Progress value={pct} color={STATUS_COLOR[h.status]} aria-label={`${h.target} progress`} animated={h.status === 'running'} />
      </Table.Td>
      <Table.Td>
        {h.reason && (
          <Text size="sm" c={h.status === 'failed' ? 'red' : undefined} data-testid="install-host-reason">
            {h.reason}
          </Text>
        )}
        {h.fix && (
          <Text size="sm" c="dimmed" data-testid="install-host-fix">
            What to do: {h.fix}
          </Text>
        )}
        {h.changedHostKey?.source === 'app' && <ForgetHostKey name={h.changedHostKey.name} />}
        {h.diagnoses?.slice(1).map((d) => (
          <Text size="sm" c="dimmed" key={d.fix}>
            Also: {d.cause} {d.fix}
          </Text>
        ))}
        {h.environmentId !== undefined && (
          <Text size="xs" c="dimmed">
            Environment <a href={`#/environments/${h.environmentId}`}>#{h.environmentId}</a>
            {h.checkedIn ? ' · checked in' : ''}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          {h.checks && (
            <Button size="compact-xs" variant="subtle" color={checks.some((c) => c.status === 'fail') ? 'red' : warn ? 'yellow' : undefined} onClick={() => setOpen(!shown)} aria-expanded={shown} aria-label={`${shown ? 'Hide' : 'Show'} the checks of ${h.target}`} data-testid="install-host-checks">
              Checks{warn ? ` (${warn})` : ''}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" onClick={() => useInstall.getState().setLogHost(h.target)} aria-label={`Show the log of ${h.target}`}>
            Log
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
    {shown && (
      <Table.Tr data-testid="install-host-checks-row" data-target={h.target}>
        <Table.Td colSpan={6}>
          <ChecksTable target={h.target} checks={checks} />
        </Table.Td>
      </Table.Tr>
    )}
    </>
  );
}

export function RunPanel() {
  const run = useInstall((s) => s.run);
  const cancelling = useInstall((s) => s.cancelling);
  const starting = useInstall((s) => s.starting);
  const [filter, setFilter] = useState<string>('all');
  // A preflight-only run is about its checks: every host's table starts open.
  const openChecks = useInstall((s) => s.form.mode === 'preflight-only');
  const counts = useMemo(() => countHosts(run), [run]);
  if (!run) return null;
  const task = run.task;
  const done = isTerminal(task) || !!run.lost;
  const total = run.order.length;
  const finishedHosts = total - counts.pending - counts.running;
  const progress = task ? Math.round(task.progress * 100) : 0;
  const rows = run.order.map((t) => run.hosts[t]!).filter((h) => filter === 'all' || h.status === filter);
  const retryable = counts.failed + counts.cancelled + counts.skipped + counts.pending + counts.running;
  const status = run.lost ? 'lost' : (task?.status ?? 'starting');

  return (
    <Card withBorder padding="md" data-testid="install-run">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Title order={3} size="h4">
              {task?.title ?? 'Install'}
            </Title>
            <Text size="xs" c="dimmed">
              Run {run.runId ?? '…'}
            </Text>
          </div>
          <Group gap="xs">
            <Badge color={TASK_COLOR[status] ?? 'gray'} size="lg" data-testid="install-status" data-status={status}>
              {status === 'succeeded' ? 'run finished' : status === 'failed' ? 'run failed' : status}
            </Badge>
            {!done && (
              <Button color="red" variant="light" leftSection={<IconPlayerStop size={16} />} loading={cancelling || task?.status === 'cancelling'} onClick={() => void useInstall.getState().cancel()} data-testid="install-cancel">
                Cancel
              </Button>
            )}
          </Group>
        </Group>
        <Progress.Root size="xl" aria-label="Overall progress" data-testid="install-progress" data-value={progress}>
          <Progress.Section value={total ? ((counts.succeeded + counts.unchanged) / total) * 100 : progress} color="green" />
          <Progress.Section value={total ? (counts.failed / total) * 100 : 0} color="red" />
          <Progress.Section value={total ? ((counts.cancelled + counts.skipped) / total) * 100 : 0} color="orange" />
        </Progress.Root>
        <Text size="sm" aria-live="polite" data-testid="install-progress-text">
          {task?.message ?? `${finishedHosts}/${total} hosts done`}
          {counts.running ? ` · ${counts.running} running` : ''}
        </Text>
        {run.lost && (
          <Alert color="orange" data-testid="install-lost">
            The app no longer knows this task (it was restarted). The rows show the last state seen; open the run under Past runs for what was recorded, and retry from there.
          </Alert>
        )}
        {task?.error && (
          <Alert color="red" title="The run stopped" data-testid="install-task-error">
            {task.error.message}
          </Alert>
        )}

        {done && (
          <Alert color={counts.failed || counts.cancelled || counts.skipped ? 'orange' : 'green'} title="Summary" data-testid="install-summary">
            <Stack gap={6}>
              <Group gap="xs">
                {(Object.keys(counts) as HostStatus[])
                  .filter((k) => counts[k] > 0)
                  .map((k) => (
                    <Badge key={k} color={STATUS_COLOR[k]} variant="light" data-testid={`install-count-${k}`}>
                      {counts[k]} {k}
                    </Badge>
                  ))}
              </Group>
              {run.stoppedBecause && <Text size="sm">Stopped: {run.stoppedBecause}.</Text>}
              {task?.error && <Text size="sm">No host was started. Fix the cause above (e.g. connect a Portainer server in the header), then start a new install.</Text>}
              <Group gap="xs">
                {retryable > 0 && run.runId && !task?.error && (
                  <Button size="xs" leftSection={<IconRefresh size={16} />} loading={starting} onClick={() => void useInstall.getState().resume()} data-testid="install-retry">
                    Retry failed and not-started ({retryable})
                  </Button>
                )}
                <Button size="xs" variant="default" onClick={() => useInstall.getState().clearRun()} data-testid="install-new">
                  New install
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}

        <Group justify="space-between">
          <Text fw={600} size="sm">
            Hosts
          </Text>
          <Select
            aria-label="Show hosts"
            size="xs"
            w={180}
            value={filter}
            onChange={(v) => setFilter(v ?? 'all')}
            allowDeselect={false}
            data={[{ value: 'all', label: `All (${total})` }, ...(Object.keys(counts) as HostStatus[]).filter((k) => counts[k] > 0).map((k) => ({ value: k, label: `${k} (${counts[k]})` }))]}
            data-testid="install-host-filter"
          />
        </Group>
        <ScrollArea.Autosize mah={420}>
          <Table striped data-testid="install-hosts" aria-label="Hosts of the run">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Host</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Step</Table.Th>
                <Table.Th>Progress</Table.Th>
                <Table.Th>Reason and fix</Table.Th>
                <Table.Th>Details</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.slice(0, SHOWN).map((h) => (
                <HostRowView key={h.target} h={h} openChecks={openChecks} />
              ))}
            </Table.Tbody>
          </Table>
          {rows.length > SHOWN && (
            <Text size="sm" c="dimmed">
              …and {rows.length - SHOWN} more; filter by state to see them.
            </Text>
          )}
        </ScrollArea.Autosize>
        <LogView />
      </Stack>
    </Card>
  );
}
