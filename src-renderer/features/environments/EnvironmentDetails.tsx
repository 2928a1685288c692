import { useExportStore } from '../export/exportStore';
import { keyFieldLabels } from '../../components/keyFieldLabels';
import { Alert, Anchor, Autocomplete, Badge, Button, Code, Group, List, Loader, Modal, Paper, Select, SimpleGrid, Stack, TagsInput, Text } from '@mantine/core';
import { IconCloudUpload, IconDownload, IconPlayerPlay, IconPencil, IconTrash, IconUnlink } from '@tabler/icons-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { keepEnterInComboboxes } from '../../components/comboboxEnter';
import { NameInput } from '../../components/NameInput';
import { TruncatedName } from '../../components/TruncatedName';
import { CopyField } from '../../components/CopyField';
import { FieldTable } from '../../components/FieldTable';
import { tlsChangeOf } from '../../components/fieldErrors';
import { SecretField } from '../../components/SecretField';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import { goTo } from '../../components/useHashPath';
import { fingerprintKind } from '../../../src-main/shared/domain/edgeKey';
import type { EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import { useServers } from '../servers/serversStore';
import { DETAILS_POLL_MS, useDetails, type EditValues } from './detailsStore';
import { useEnvList } from './envListStore';
import { durationText, pollOptions, pollText, stateColors, stateLabels } from './format';
import { InstallCommands } from './InstallCommands';
import { OnboardingState } from './OnboardingState';
import { SimulatedAgents } from './SimulatedAgents';
import { AsyncIntervalSelects } from './AsyncModeFields';
import { asyncIntervalLabel } from '../../../src-main/shared/domain/edgeAsync';

const fingerprintText: Record<string, string> = {
  sha256: 'SHA-256 (Portainer 2.19+)',
  md5: 'MD5, colon-separated (Portainer ≤ 2.18; agents ≥ 2.13 accept both)',
  none: 'empty: the agent does not verify the tunnel server',
  unknown: 'unrecognised format',
};

function EditModal({ view, opened, onClose }: { view: EnvironmentDetailView; opened: boolean; onClose: () => void }) {
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  const errors = useDetails((s) => s.editErrors);
  const busy = useDetails((s) => s.busy);
  const env = view.environment;
  const valuesOf = (): EditValues => ({
    name: env.name,
    group: groups.find((g) => g.id === env.groupId)?.name ?? '',
    tags: env.tagIds.map((id) => tags.find((t) => t.id === id)?.name ?? '').filter(Boolean),
    poll: String(env.checkinInterval),
    ...(env.async ? { async: { ping: String(env.async.ping), snapshot: String(env.async.snapshot), command: String(env.async.command) } } : {}),
  });
  const [values, setValuesState] = useState<EditValues>(valuesOf);
  const touched = useRef(false);
  const setValues = (v: EditValues) => {
    touched.current = true;
    setValuesState(v);
  };
  useEffect(() => {
    if (opened) {
      touched.current = false;
      setValuesState(valuesOf());
      useDetails.getState().clearEditErrors();
      void useEnvList.getState().loadMeta();
    }
    // Only when the dialog opens: later polls must not overwrite what the user types.
  }, [opened]);
  useEffect(() => {
    // The group and tag names arrive after the dialog opened: show them, unless the user already typed.
    if (opened && !touched.current) setValuesState(valuesOf());
  }, [groups, tags]);
  const options = pollOptions(undefined);
  const pollData = options.some((o) => o.value === values.poll) ? options : [...options, { value: values.poll, label: durationText(Number(values.poll)) }];
  const groupText = values.group.trim();
  const newGroup = groupText !== '' && !groups.some((g) => g.name.toLowerCase() === groupText.toLowerCase());
  const newTags = values.tags.filter((t) => !tags.some((x) => x.name.toLowerCase() === t.trim().toLowerCase()));
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await useDetails.getState().update(env.id, values)) onClose();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={<TruncatedName name={env.name} fw={600}>Edit “{env.name}”</TruncatedName>} data-testid="env-edit">
      <form onSubmit={(e) => void onSubmit(e)} onKeyDown={keepEnterInComboboxes} noValidate>
        <Stack gap="sm">
          <NameInput label="Name" required value={values.name} onChange={(e) => setValues({ ...values, name: e.currentTarget.value })} error={errors.name} data-testid="env-edit-name" data-autofocus />
          <Autocomplete
            label="Group"
            placeholder="Unassigned"
            description={newGroup ? `New group “${groupText}” — created when you save` : 'Pick a group, or type a new name to create it'}
            data={groups.map((g) => g.name)}
            value={values.group}
            onChange={(v) => setValues({ ...values, group: v })}
            error={errors.group}
            data-testid="env-edit-group"
          />
          <TagsInput
            label="Tags"
            placeholder="Pick or type a tag, then Enter"
            description={newTags.length ? `New tag${newTags.length > 1 ? 's' : ''}: ${newTags.join(', ')} — created when you save` : 'Pick tags, or type new ones to create them'}
            data={tags.map((t) => t.name)}
            value={values.tags}
            onChange={(v) => setValues({ ...values, tags: v })}
            clearable
            error={errors.tags}
            data-testid="env-edit-tags"
          />
          <Select
            label="Poll frequency"
            data={pollData}
            value={values.poll}
            onChange={(v) => v !== null && setValues({ ...values, poll: v })}
            allowDeselect={false}
            error={errors.poll}
            description="The agent picks the new interval up at its next poll"
            data-testid="env-edit-poll"
          />
          {values.async ? (
            <>
              <AsyncIntervalSelects values={values.async} defaults={view.asyncDefaults} onChange={(patch) => setValues({ ...values, async: { ...values.async!, ...patch } })} testId="env-edit-async" />
              {errors.async ? (
                <Text c="red" size="sm">
                  {errors.async}
                </Text>
              ) : null}
            </>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy === 'update'} data-testid="env-edit-save">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ConfirmModal({
  opened,
  onClose,
  title,
  children,
  confirm,
  onConfirm,
  busy,
  testId,
}: {
  opened: boolean;
  onClose: () => void;
  title: React.ReactNode;
  children: React.ReactNode;
  confirm: string;
  onConfirm: () => void;
  busy: boolean;
  testId: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} data-testid={testId}>
      <Stack gap="sm">
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={onConfirm} loading={busy} data-testid={`${testId}-confirm`}>
            {confirm}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** #/environments/<id>: token, Edge ID, install commands and the live onboarding state. */
export function EnvironmentDetails({ id, initial, embedded = false }: { id: number; initial?: EnvironmentDetailView; embedded?: boolean }) {
  const entry = useDetails((s) => s.entries[id]);
  const busy = useDetails((s) => s.busy);
  const localServer = useDetails((s) => s.localServer);
  const groups = useEnvList((s) => s.groups);
  const tags = useEnvList((s) => s.tags);
  const tls = useServers((s) => s.status?.profile?.tls.mode);
  const [dialog, setDialog] = useState<'edit' | 'disassociate' | 'delete' | undefined>();

  useEffect(() => {
    if (initial) useDetails.getState().seed(initial);
    void useDetails.getState().load(id, !!initial);
    void useEnvList.getState().loadMeta();
    if (!useServers.getState().statusKnown) void useServers.getState().loadStatus();
    // Live while open: heartbeat, association and tunnel come from the server.
    const t = setInterval(() => {
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
      void useDetails.getState().load(id, true);
    }, DETAILS_POLL_MS);
    return () => clearInterval(t);
  }, [id]);

  const view = entry?.view;
  if (!view) {
    if (entry?.error) {
      const change = tlsChangeOf(entry.error);
      return (
        <Stack gap="sm">
          {!embedded ? (
            <Anchor href="#/environments" size="sm">
              ← Environments
            </Anchor>
          ) : null}
          {change ? (
            <TlsChangedAlert change={change} />
          ) : (
            <Alert color="red" title={entry.error.code === 'not_found' ? 'No such environment' : 'Could not load the environment'} data-testid="env-details-error">
              {entry.error.message}
            </Alert>
          )}
        </Stack>
      );
    }
    return <Loader size="sm" aria-label="Loading the environment" />;
  }

  const env = view.environment;
  const group = groups.find((g) => g.id === env.groupId)?.name ?? (env.groupId === 1 ? 'Unassigned' : `group ${env.groupId}`);
  const tagNames = env.tagIds.map((t) => tags.find((x) => x.id === t)?.name ?? `#${t}`);
  // Portainer's own default is on; a server this computer trusts through the system store does not need it.
  const insecureDefault = tls !== 'system' || view.key?.fields.portainerUrl.startsWith('http:') === true;
  const change = tlsChangeOf(entry?.error);

  return (
    <Stack gap="md" maw={1000} data-testid="env-details" data-env-id={env.id}>
      {!embedded ? (
        <Anchor href="#/environments" size="sm">
          ← Environments
        </Anchor>
      ) : null}
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} miw={0} style={{ flex: '1 1 320px' }}>
          <Group gap="sm" wrap="nowrap">
            <TruncatedName name={env.name} heading="h2" fz="h2" fw={700} m={0} data-testid="env-name" />
            <Badge color={stateColors[env.state]} variant="light" style={{ flexShrink: 0 }}>
              {stateLabels[env.state]}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" data-testid="env-summary" style={{ overflowWrap: 'anywhere' }}>
            ID {env.id} · group {group} · {tagNames.length ? `tags ${tagNames.join(', ')}` : 'no tags'} · polls <span data-testid="env-poll">{pollText(env.checkinInterval, view.heartbeat.intervalSeconds)}</span>
          </Text>
          {env.async ? (
            <Text size="sm" c="dimmed" data-testid="env-async">
              Edge Agent Async · ping {asyncIntervalLabel(env.async.ping, view.asyncDefaults?.ping)} · snapshot {asyncIntervalLabel(env.async.snapshot, view.asyncDefaults?.snapshot)} · commands{' '}
              {asyncIntervalLabel(env.async.command, view.asyncDefaults?.command)}
            </Text>
          ) : null}
        </Stack>
        <Group gap="xs">
          <Button component="a" href={`#/install?environment=${env.id}`} leftSection={<IconCloudUpload size={16} />} variant="light" data-testid="env-install-ssh">
            Install over SSH
          </Button>
          <Button
            leftSection={<IconDownload size={16} />}
            variant="light"
            onClick={() => {
              useExportStore.getState().select([{ id: env.id, name: env.name }]);
              goTo('#/export');
            }}
            data-testid="env-export"
          >
            Export bundle
          </Button>
          {localServer ? (
            <Button
              leftSection={<IconPlayerPlay size={16} />}
              variant="light"
              color="orange"
              loading={busy === 'agent'}
              onClick={() => void useDetails.getState().startAgent(env.id)}
              data-testid="env-start-agent"
            >
              Start a simulated agent
            </Button>
          ) : null}
          <Button leftSection={<IconPencil size={16} />} variant="default" onClick={() => setDialog('edit')} data-testid="env-edit-open">
            Edit
          </Button>
          <Button leftSection={<IconUnlink size={16} />} variant="default" onClick={() => setDialog('disassociate')} data-testid="env-disassociate">
            Disassociate
          </Button>
          <Button leftSection={<IconTrash size={16} />} color="red" variant="light" onClick={() => setDialog('delete')} data-testid="env-delete">
            Delete
          </Button>
        </Group>
      </Group>

      {change ? <TlsChangedAlert change={change} /> : entry?.error ? <Alert color="orange">Showing the last known state: {entry.error.message}</Alert> : null}
      {view.warnings.map((w) => (
        <Alert key={w} color="yellow" py={6} data-testid="env-warning">
          {w}
        </Alert>
      ))}
      {localServer && entry?.agents ? <SimulatedAgents groups={entry.agents} onChange={() => void useDetails.getState().load(env.id, true)} /> : null}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <OnboardingState
            view={view}
            fetchedAt={entry!.fetchedAt}
            localServer={localServer}
            {...(localServer && env.edge ? { onVerifyTunnel: () => void useDetails.getState().verifyTunnel(env.id), verifying: busy === 'tunnel' } : {})}
          />
        </Paper>
        <Stack gap="sm">
          <SecretField
            label="Join token (Edge key)"
            value={env.edgeKey}
            description="Hidden by default: anyone with it can enrol an agent as this environment (until an Edge ID is bound)"
            testId="env-token"
          />
          {view.keyError ? <Alert color="red">{view.keyError}</Alert> : null}
          <CopyField
            label="Edge ID"
            value={view.edgeId.value}
            testId="env-edge-id"
            description={
              view.edgeId.bound
                ? 'Bound: the agent with this ID polls this environment'
                : view.edgeId.source === 'server'
                  ? 'Chosen by the server (EnforceEdgeID): install with exactly this ID'
                  : 'Made once by this app and kept: use it in the install command; the first agent to poll binds it'
            }
          />
          {view.key ? (
            <FieldTable
              testId="env-key-fields"
              caption="What the agent reads from the join token"
              rows={[
                { label: 'Portainer URL', value: <Code>{view.key.fields.portainerUrl}</Code> },
                { label: 'Tunnel address', value: <Code>{view.key.fields.tunnelAddress}</Code> },
                { label: 'Tunnel fingerprint', value: `${view.key.fields.tunnelFingerprint || '—'} (${fingerprintText[fingerprintKind(view.key.fields.tunnelFingerprint)]})` },
                { label: 'Environment ID', value: String(view.key.fields.environmentId) },
              ]}
            />
          ) : null}
          {view.key?.warnings.length ? (
            <Alert color="yellow" title="About this join token" data-testid="env-key-warnings">
              <List size="sm">
                {view.key.warnings.map((w) => (
                  <List.Item key={`${w.field}:${w.message}`}>
                    <b>{keyFieldLabels[w.field]}:</b> {w.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          ) : null}
        </Stack>
      </SimpleGrid>

      <Paper withBorder p="md">
        <InstallCommands view={view} insecureDefault={insecureDefault} />
      </Paper>

      <EditModal view={view} opened={dialog === 'edit'} onClose={() => setDialog(undefined)} />
      <ConfirmModal
        opened={dialog === 'disassociate'}
        onClose={() => setDialog(undefined)}
        title={<TruncatedName name={env.name} fw={600}>Disassociate “{env.name}”?</TruncatedName>}
        confirm="Disassociate"
        busy={busy === 'disassociate'}
        testId="env-disassociate-dialog"
        onConfirm={() => void useDetails.getState().disassociate(env.id).then((ok) => ok && setDialog(undefined))}
      >
        <Text size="sm">
          The Edge ID binding{env.edgeId ? (
            <>
              {' '}
              (<Code>{env.edgeId}</Code>)
            </>
          ) : null}{' '}
          is cleared, so a new agent — a replaced or reinstalled host — can claim this environment with its own Edge ID at its next poll.
        </Text>
        <Text size="sm">
          If the old agent still runs, its polls get <b>403 “invalid Edge identifier”</b> once the new one binds. Remove it (and its <Code>portainer_agent_data</Code> volume) from the old host.
        </Text>
      </ConfirmModal>
      <ConfirmModal
        opened={dialog === 'delete'}
        onClose={() => setDialog(undefined)}
        title={<TruncatedName name={env.name} fw={600}>Delete “{env.name}”?</TruncatedName>}
        confirm="Delete environment"
        busy={busy === 'delete'}
        testId="env-delete-dialog"
        onConfirm={() =>
          void useDetails
            .getState()
            .remove(env.id)
            .then((ok) => {
              if (!ok) return;
              setDialog(undefined);
              goTo('#/environments');
            })
        }
      >
        <Text size="sm">
          The environment, its join token and its Edge ID binding are removed from Portainer. Agents still installed with this token keep polling and get refused: uninstall them
          too.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
