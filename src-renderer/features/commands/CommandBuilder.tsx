import { Alert, Code, Group, Input, PasswordInput, SegmentedControl, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useEffect } from 'react';
import type { Platform, TargetOs } from '../../../src-main/shared/domain/types';
import { LabelledChoice } from '../../components/LabelledChoice';
import { CopyTextButton } from '../../components/CopyTextButton';
import { InsecurePollSwitch } from '../../components/InsecurePollSwitch';
import { platformLabels, useCommands, type CommandForm } from './commandsStore';

/** Form fields an AppError.field can name; any other field is shown above the output. */
const knownFields = new Set(['edgeKey', 'edgeId', 'edgeIdGenerator', 'envVars', 'agentSecret', 'platform', 'agentVersion', 'nomadToken', 'os']);

const OS_CHOICES: Array<{ value: TargetOs; label: string }> = [
  { value: 'linux', label: 'Linux' },
  { value: 'windows', label: 'Windows' },
];
const EDGE_ID_MODES: Array<{ value: CommandForm['edgeIdMode']; label: string }> = [
  { value: 'literal', label: 'Known Edge ID' },
  { value: 'generate', label: 'Generate on the device' },
];

export function CommandBuilder() {
  const form = useCommands((s) => s.form);
  const platforms = useCommands((s) => s.platforms);
  const command = useCommands((s) => s.command);
  const error = useCommands((s) => s.error);
  const platformsError = useCommands((s) => s.platformsError);
  const update = useCommands((s) => s.update);

  useEffect(() => {
    // First visit: fetch the platforms (and a command, once there is a key).
    if (useCommands.getState().platforms.length === 0) void useCommands.getState().refresh();
  }, []);

  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);
  const versionError = errorFor('agentVersion') ?? platformsError?.message;
  const generalError = error && !(error.field && knownFields.has(error.field)) ? error.message : undefined;
  const set = <K extends keyof CommandForm>(key: K) => (value: CommandForm[K]) => update({ [key]: value } as Partial<CommandForm>);

  return (
    <Stack gap="md" maw={900}>
      <Title order={2}>Command builder</Title>
      <Text c="dimmed" size="sm">
        Builds the install command exactly as Portainer's "Edge agent" screen shows it, for the server version you name.
      </Text>

      <Group align="flex-start" grow>
        <TextInput
          label="Server version"
          description="The agent image tag must match the Portainer server's version"
          value={form.serverVersion}
          onChange={(e) => set('serverVersion')(e.currentTarget.value)}
          error={versionError}
          maw={260}
        />
        <LabelledChoice<TargetOs> id="command-os-label" label="Operating system" data={OS_CHOICES} value={form.os} onChange={set('os')} error={errorFor('os')} />
      </Group>

      <Input.Wrapper label="Platform" error={errorFor('platform')}>
        <div>
          {platforms.length > 0 ? (
            <SegmentedControl<Platform>
              data={platforms.map((p) => ({ value: p, label: platformLabels[p] }))}
              value={platforms.includes(form.platform) ? form.platform : platforms[0]!}
              onChange={set('platform')}
              aria-label="Platform"
              data-testid="platform-select"
            />
          ) : (
            <Text size="sm" c="dimmed">
              {platformsError ? 'Enter a valid server version to see its platforms.' : 'Loading the platforms…'}
            </Text>
          )}
        </div>
      </Input.Wrapper>

      <Textarea
        label="Join token (Edge key)"
        placeholder="Paste the environment's join token"
        autosize
        minRows={2}
        maxRows={6}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        value={form.edgeKey}
        onChange={(e) => set('edgeKey')(e.currentTarget.value)}
        error={errorFor('edgeKey')}
        data-testid="command-edge-key"
      />

      <Stack gap="xs">
        <LabelledChoice<CommandForm['edgeIdMode']> id="command-edge-id-mode-label" label="Where the Edge ID comes from" data={EDGE_ID_MODES} value={form.edgeIdMode} onChange={set('edgeIdMode')} />
        {form.edgeIdMode === 'literal' ? (
          <TextInput
            label="Edge ID"
            placeholder="e.g. 2f1c3a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
            description="The first agent that polls with this ID claims the environment; later ones with another ID get 403"
            value={form.edgeId}
            onChange={(e) => set('edgeId')(e.currentTarget.value)}
            error={errorFor('edgeId')}
            data-testid="command-edge-id"
          />
        ) : (
          <TextInput
            label="Edge ID generator"
            description="A command the device runs to print its Edge ID (e.g. uuidgen)"
            value={form.edgeIdGenerator}
            onChange={(e) => set('edgeIdGenerator')(e.currentTarget.value)}
            error={errorFor('edgeIdGenerator')}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="command-edge-id-generator"
          />
        )}
      </Stack>

      <InsecurePollSwitch description="On by default, as in Portainer" checked={form.insecurePoll} onChange={set('insecurePoll')} />

      <PasswordInput
        label="Agent secret"
        description="AGENT_SECRET, if the server sets one; leave empty otherwise"
        value={form.agentSecret}
        onChange={(e) => set('agentSecret')(e.currentTarget.value)}
        error={errorFor('agentSecret')}
        autoComplete="off"
      />

      <TextInput
        label="Extra environment variables"
        description={
          <>
            Comma-separated: <code>NAME=value</code>, or a bare <code>NAME</code> to take it from the host
          </>
        }
        placeholder="HTTPS_PROXY=http://proxy:3128,TZ"
        value={form.envVars}
        onChange={(e) => set('envVars')(e.currentTarget.value)}
        error={errorFor('envVars')}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />

      <Switch
        label="Async mode (EDGE_ASYNC)"
        description="Business Edition servers only"
        checked={form.async}
        onChange={(e) => set('async')(e.currentTarget.checked)}
      />

      {form.platform === 'nomad' ? (
        <Group align="flex-start" grow>
          <PasswordInput
            label="Nomad token"
            value={form.nomadToken}
            onChange={(e) => set('nomadToken')(e.currentTarget.value)}
            error={errorFor('nomadToken')}
            autoComplete="off"
          />
          <Switch label="Nomad TLS" checked={form.nomadTls} onChange={(e) => set('nomadTls')(e.currentTarget.checked)} mt={30} />
        </Group>
      ) : null}

      {generalError ? (
        <Alert color="red" data-testid="command-error">
          {generalError}
        </Alert>
      ) : null}

      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3}>Command</Title>
          <CopyTextButton text={command ?? ''} label="Copy" disabled={!command} testId="copy-command" />
        </Group>
        {command ? (
          <Code block data-testid="command-output" style={{ whiteSpace: 'pre', overflowX: 'auto' }}>
            {command}
          </Code>
        ) : (
          <Text c="dimmed" size="sm" data-testid="command-empty">
            {form.edgeKey.trim() === '' ? 'Paste the join token to see the command.' : error ? 'Fix the highlighted field to see the command.' : 'Building…'}
          </Text>
        )}
        <Text c="dimmed" size="xs">
          As in Portainer, the command carries the join token and any agent secret on the command line, so they end up in the shell history of the
          host you run it on.
        </Text>
      </Stack>
    </Stack>
  );
}
