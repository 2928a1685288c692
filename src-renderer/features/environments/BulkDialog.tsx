import { Alert, Button, Group, Modal, MultiSelect, Progress, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { TruncatedName } from '../../components/TruncatedName';
import type { BulkKind, ItemResult, PlannedItem, SkippedItem } from './bulkPlan';
import { useBulk } from './bulkStore';
import { useEnvList } from './envListStore';

const titles: Record<BulkKind, string> = {
  delete: 'Delete environments',
  groupTags: 'Change group and tags',
  disassociate: 'Disassociate (reset the Edge ID)',
};

const confirmLabels: Record<BulkKind, (n: number) => string> = {
  delete: (n) => `Delete ${n} environment${n === 1 ? '' : 's'}`,
  groupTags: (n) => `Change ${n} environment${n === 1 ? '' : 's'}`,
  disassociate: (n) => `Disassociate ${n} environment${n === 1 ? '' : 's'}`,
};

const leads: Record<BulkKind, string> = {
  delete: 'These environments are removed from the server with their join tokens. Agents still installed with these tokens keep polling and are refused: uninstall them too.',
  groupTags: 'Each environment below gets exactly the change on its line.',
  disassociate:
    'The bound Edge ID of each environment below is cleared, so a replaced or reinstalled agent can claim it with its own Edge ID. An old agent that still runs is refused (403 “invalid Edge identifier”) once a new one binds.',
};

function ItemLine({ name, text, testId, id, color }: { name: string; text: string; testId: string; id: number; color?: string }) {
  return (
    <Group gap="xs" wrap="nowrap" data-testid={testId} data-env-id={id} py={2}>
      <TruncatedName name={name} size="sm" fw={600} maw="45%" />
      <Text size="sm" c={color ?? 'dimmed'} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
        {text}
      </Text>
    </Group>
  );
}

function ChangeList({ items, skipped }: { items: PlannedItem[]; skipped: SkippedItem[] }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {items.length} will change
      </Text>
      <ScrollArea.Autosize mah={240} type="auto" data-testid="bulk-items">
        {items.map((i) => (
          <ItemLine key={i.id} id={i.id} name={i.name} text={i.change} testId="bulk-item" />
        ))}
      </ScrollArea.Autosize>
      {skipped.length ? (
        <>
          <Text size="sm" fw={600} mt="xs">
            {skipped.length} left as they are
          </Text>
          <ScrollArea.Autosize mah={120} type="auto">
            {skipped.map((i) => (
              <ItemLine key={i.id} id={i.id} name={i.name} text={i.reason} testId="bulk-skipped" />
            ))}
          </ScrollArea.Autosize>
        </>
      ) : null}
    </Stack>
  );
}

function GroupTagsForm() {
  const change = useBulk((s) => s.change);
  const count = useBulk((s) => s.targets.length);
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  const tagData = tags.map((t) => ({ value: String(t.id), label: t.name }));
  const nothing = change.groupId === undefined && !change.addTagIds.length && !change.removeTagIds.length;
  const s = useBulk.getState;
  return (
    <Stack gap="sm">
      <Text size="sm">For the {count} selected environments. Nothing is sent before you confirm the list of changes.</Text>
      <Select
        label="Group"
        placeholder="Keep each environment's group"
        data={groups.map((g) => ({ value: String(g.id), label: g.name }))}
        value={change.groupId !== undefined ? String(change.groupId) : null}
        onChange={(v) => s().setChange({ groupId: v ? Number(v) : undefined })}
        clearable
        searchable
        comboboxProps={{ withinPortal: false }}
        data-testid="bulk-group"
      />
      <MultiSelect
        label="Add tags"
        placeholder={change.addTagIds.length ? undefined : 'None'}
        data={tagData}
        value={change.addTagIds.map(String)}
        onChange={(v) => s().setChange({ addTagIds: v.map(Number), removeTagIds: change.removeTagIds.filter((t) => !v.includes(String(t))) })}
        searchable
        clearable
        comboboxProps={{ withinPortal: false }}
        data-testid="bulk-add-tags"
      />
      <MultiSelect
        label="Remove tags"
        placeholder={change.removeTagIds.length ? undefined : 'None'}
        data={tagData}
        value={change.removeTagIds.map(String)}
        onChange={(v) => s().setChange({ removeTagIds: v.map(Number), addTagIds: change.addTagIds.filter((t) => !v.includes(String(t))) })}
        searchable
        clearable
        comboboxProps={{ withinPortal: false }}
        data-testid="bulk-remove-tags"
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={() => s().close()}>
          Cancel
        </Button>
        <Button onClick={() => s().review()} disabled={nothing} data-testid="bulk-review">
          Review changes…
        </Button>
      </Group>
    </Stack>
  );
}

function ResultList({ results }: { results: ItemResult[] }) {
  const failed = results.filter((r) => r.status !== 'done');
  if (!failed.length) return null;
  return (
    <Alert color="red" title={`${failed.length} not done`} data-testid="bulk-failures">
      <ScrollArea.Autosize mah={200} type="auto">
        {failed.map((r) => (
          <ItemLine key={r.id} id={r.id} name={r.name} text={`${r.status}: ${r.message ?? 'no reason given'}`} testId="bulk-failure" color="red" />
        ))}
      </ScrollArea.Autosize>
    </Alert>
  );
}

/** The bulk actions' one dialog: (form →) the exact list of changes → progress → what was done and what failed. */
export function BulkDialog() {
  const kind = useBulk((s) => s.kind);
  const stage = useBulk((s) => s.stage);
  const plan = useBulk((s) => s.plan);
  const results = useBulk((s) => s.results);
  const stopRequested = useBulk((s) => s.stopRequested);
  const s = useBulk.getState;
  if (!kind) return null;
  const total = plan.items.length;
  const done = results.filter((r) => r.status === 'done').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const notStarted = results.filter((r) => r.status === 'not started').length;
  return (
    <Modal opened={stage !== 'closed'} onClose={() => s().close()} title={titles[kind]} size="lg" closeOnClickOutside={stage !== 'running'} withCloseButton={stage !== 'running'} data-testid="bulk-dialog" data-stage={stage}>
      {stage === 'edit' ? <GroupTagsForm /> : null}
      {stage === 'confirm' ? (
        <Stack gap="sm">
          <Text size="sm">{leads[kind]}</Text>
          <ChangeList items={plan.items} skipped={plan.skipped} />
          <Group justify="flex-end">
            {kind === 'groupTags' ? (
              <Button variant="default" onClick={() => s().back()}>
                Back
              </Button>
            ) : (
              <Button variant="default" onClick={() => s().close()}>
                Cancel
              </Button>
            )}
            <Button color={kind === 'groupTags' ? undefined : 'red'} disabled={!total} onClick={() => void s().run()} data-testid="bulk-confirm">
              {confirmLabels[kind](total)}
            </Button>
          </Group>
        </Stack>
      ) : null}
      {stage === 'running' || stage === 'done' ? (
        <Stack gap="sm">
          <Progress value={total ? (results.length / total) * 100 : 100} aria-label="Progress" animated={stage === 'running'} />
          <Text size="sm" data-testid="bulk-progress" aria-live="polite">
            {results.length} of {total} handled: {done} done{failed ? `, ${failed} failed` : ''}
            {notStarted ? `, ${notStarted} not started` : ''}
            {stage === 'running' && stopRequested ? ' — stopping after the requests under way' : ''}
          </Text>
          {stage === 'done' ? <ResultList results={results} /> : null}
          <Group justify="flex-end">
            {stage === 'running' ? (
              <Button variant="default" onClick={() => s().stop()} disabled={stopRequested} data-testid="bulk-stop">
                Stop
              </Button>
            ) : (
              <>
                {failed || notStarted ? (
                  <Button variant="light" onClick={() => void s().retryFailed()} data-testid="bulk-retry">
                    Retry the {failed + notStarted} not done
                  </Button>
                ) : null}
                <Button onClick={() => s().close()} data-testid="bulk-close">
                  Close
                </Button>
              </>
            )}
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
