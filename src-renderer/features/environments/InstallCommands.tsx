import { Alert, Button, Code, Group, MultiSelect, PasswordInput, Stack, Switch, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconEye, IconEyeOff } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import { errorField, errorMessage, notifyError } from '../../components/notify';
import { CopyTextButton } from '../../components/CopyTextButton';
import { InsecurePollSwitch } from '../../components/InsecurePollSwitch';
import { buildInstallCommand } from '../../../src-main/shared/domain/installCommands';
import type { Platform, TargetOs } from '../../../src-main/shared/domain/types';
import { newerThanKnownWarning } from '../../../src-main/shared/domain/releaseLines';
import { compareVersions, NOMAD_REMOVED_IN } from '../../../src-main/shared/domain/versions';
import type { EdgeGroupView, EnvironmentDetailView } from '../../../src-main/shared/schemas/portainer';
import { platformLabels } from '../commands/commandsStore';

/** Stands in for the agent secret until the user reveals or copies it; shell-safe on purpose. */
const SECRET_PLACEHOLDER = 'AGENT_SECRET_HIDDEN_0000';
const SECRET_MASK = '••••••••';

export interface CommandOptionsState {
  insecurePoll: boolean;
  envVars: string;
  useGenerator: boolean;
  generator: string;
  nomadToken: string;
  /** Auto-onboarding metadata: the environment's group and tags (PORTAINER_GROUP, PORTAINER_TAGS). */
  meta: boolean;
  /** EDGE_GROUPS (ids). */
  edgeGroupIds: string[];
}

function nomadRemoved(version: string): boolean {
  try {
    return compareVersions(version, NOMAD_REMOVED_IN) >= 0;
  } catch {
    return false;
  }
}

/** Install commands per OS and platform, only the platforms the server's version offers. */
export function InstallCommands({ view, insecureDefault }: { view: EnvironmentDetailView; insecureDefault: boolean }) {
  const linux = view.platforms.linux;
  const windows = view.platforms.windows;
  const [os, setOs] = useState<TargetOs>('linux');
  const platforms = os === 'linux' ? linux : windows;
  const [platform, setPlatform] = useState<Platform>('standalone');
  const current: Platform | undefined = platforms.includes(platform) ? platform : platforms.includes('standalone') ? 'standalone' : platforms[0];
  const [opts, setOpts] = useState<CommandOptionsState>({ insecurePoll: insecureDefault, envVars: '', useGenerator: false, generator: 'uuidgen', nomadToken: '', meta: false, edgeGroupIds: [] });
  const [edgeGroups, setEdgeGroups] = useState<EdgeGroupView[]>([]);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [showSecret, setShowSecret] = useState(false);
  const secretSet = view.agentSecret === 'set';
  const envId = view.environment.id;

  useEffect(() => setOpts((o) => ({ ...o, insecurePoll: insecureDefault })), [insecureDefault]);
  useEffect(() => {
    // Edge groups are optional: a server (or user) without them just offers none.
    api.edgeGroups.list().then(
      (r) => {
        setEdgeGroups(r.edgeGroups);
        // The groups the environment is in start picked (the add form's choice), until the user changes them.
        const member = r.edgeGroups.filter((g) => g.environmentIds.includes(envId)).map((g) => String(g.id));
        setOpts((o) => (o.edgeGroupIds.length ? o : { ...o, edgeGroupIds: member }));
      },
      () => setEdgeGroups([]),
    );
  }, [envId]);

  const fetchSecret = async (): Promise<string | undefined> => {
    if (secret !== undefined) return secret;
    try {
      const { agentSecret } = await api.servers.agentSecret();
      setSecret(agentSecret);
      return agentSecret;
    } catch (err) {
      notifyError('Could not read the agent secret', err);
      return undefined;
    }
  };

  const build = (agentSecret: string | undefined): { command?: string; error?: { message: string; field?: string } } => {
    if (!current || !view.key || !view.environment.edgeKey) return {};
    try {
      return {
        command: buildInstallCommand({
          platform: current,
          os,
          agentVersion: view.serverVersion,
          ...(view.serverEdition ? { edition: view.serverEdition } : {}),
          edgeKey: view.environment.edgeKey,
          ...(opts.useGenerator ? { edgeIdGenerator: opts.generator } : { edgeId: view.edgeId.value }),
          insecurePoll: opts.insecurePoll,
          // An async environment's agent must start in async mode (Business Edition).
          ...(view.environment.async ? { async: true } : {}),
          ...(agentSecret ? { agentSecret } : {}),
          ...(opts.envVars.trim() ? { envVars: opts.envVars } : {}),
          ...(current === 'nomad' ? { nomadToken: opts.nomadToken || undefined, nomadTls: false } : {}),
          ...(opts.edgeGroupIds.length ? { edgeGroupIds: opts.edgeGroupIds.map(Number) } : {}),
          ...(opts.meta ? { groupId: view.environment.groupId, tagIds: view.environment.tagIds } : {}),
        }),
      };
    } catch (err) {
      return { error: { message: errorMessage(err), field: errorField(err) } };
    }
  };

  const shownSecret = secretSet ? (secret !== undefined && showSecret ? secret : SECRET_PLACEHOLDER) : undefined;
  const { command, error } = build(shownSecret);
  const display = command?.split(SECRET_PLACEHOLDER).join(SECRET_MASK);
  const fieldError = (f: string) => (error?.field === f ? error.message : undefined);
  const generalError = error && !['envVars', 'edgeIdGenerator', 'nomadToken', 'agentSecret'].includes(error.field ?? '') ? error.message : undefined;

  const commandToCopy = async () => {
    if (!secretSet) return command;
    // The secret reaches this page only now, on the user's copy.
    const s = await fetchSecret();
    return s === undefined ? undefined : build(s).command;
  };

  const set = (patch: Partial<CommandOptionsState>) => setOpts((o) => ({ ...o, ...patch }));

  return (
    <Stack gap="sm" data-testid="env-install">
      <Title order={3}>Install the agent</Title>
      {linux.length + windows.length === 0 ? <Alert color="yellow">The server version {view.serverVersion || '(unknown)'} is not one the command builder knows.</Alert> : null}
      {newerThanKnownWarning(view.serverVersion) ? (
        <Alert color="yellow" data-testid="env-version-warning">
          {newerThanKnownWarning(view.serverVersion)}
        </Alert>
      ) : null}
      <Tabs value={os} onChange={(v) => v && setOs(v as TargetOs)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="linux" disabled={linux.length === 0} data-testid="env-os-linux">
            Linux
          </Tabs.Tab>
          <Tabs.Tab value="windows" disabled={windows.length === 0} data-testid="env-os-windows">
            Windows
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Tabs value={current ?? null} onChange={(v) => v && setPlatform(v as Platform)} variant="pills">
        <Tabs.List aria-label="Platform">
          {platforms.map((p) => (
            <Tabs.Tab key={p} value={p} data-testid={`env-platform-${p}`}>
              {platformLabels[p]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {nomadRemoved(view.serverVersion) ? (
        <Text size="xs" c="dimmed">
          No Nomad tab: Portainer removed Nomad support in {NOMAD_REMOVED_IN}; this server runs {view.serverVersion}.
        </Text>
      ) : null}

      <Group align="flex-start" gap="lg">
        <InsecurePollSwitch
          description={insecureDefault ? 'On: this app saw a self-signed or pinned certificate on this server' : 'Off: the server has a certificate this computer trusts'}
          checked={opts.insecurePoll}
          onChange={(insecurePoll) => set({ insecurePoll })}
          data-testid="env-opt-insecure"
        />
        <Switch
          label="Generate the Edge ID on the device"
          description="For golden images: each host runs the generator. Otherwise the Edge ID shown above."
          checked={opts.useGenerator}
          onChange={(e) => set({ useGenerator: e.currentTarget.checked })}
          data-testid="env-opt-generator"
        />
        <Switch
          label="Group and tags for auto-onboarding"
          description="PORTAINER_GROUP and PORTAINER_TAGS: this environment's group and tags travel with the agent (used with a global key)."
          checked={opts.meta}
          onChange={(e) => set({ meta: e.currentTarget.checked })}
          data-testid="env-opt-meta"
        />
      </Group>
      {edgeGroups.length ? (
        <MultiSelect
          label="Edge groups (EDGE_GROUPS)"
          description="The agent joins these Edge groups when it enrols with a global key."
          data={edgeGroups.map((g) => ({ value: String(g.id), label: g.name }))}
          value={opts.edgeGroupIds}
          onChange={(v) => set({ edgeGroupIds: v })}
          data-testid="env-opt-edge-groups"
        />
      ) : null}
      {opts.useGenerator ? (
        <TextInput
          label="Edge ID generator"
          description="A command the host runs to print its Edge ID (e.g. uuidgen). Cloned VMs share /etc/machine-id: avoid it."
          value={opts.generator}
          onChange={(e) => set({ generator: e.currentTarget.value })}
          error={fieldError('edgeIdGenerator')}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
      ) : null}
      <TextInput
        label="Environment variables from the host"
        description={
          <>
            Comma-separated: <code>NAME=value</code>, or a bare <code>NAME</code> to copy it from the host (e.g. <code>HTTPS_PROXY</code>)
          </>
        }
        placeholder="HTTPS_PROXY,TZ=UTC"
        value={opts.envVars}
        onChange={(e) => set({ envVars: e.currentTarget.value })}
        error={fieldError('envVars')}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid="env-opt-envvars"
      />
      {secretSet ? (
        <Group gap="xs" align="center">
          <Text size="sm">
            This server sets an <b>AGENT_SECRET</b>; the command must carry it or the agent’s requests are refused (“Missing request signature headers”).
          </Text>
          <Button
            size="xs"
            variant="default"
            leftSection={showSecret ? <IconEyeOff size={14} /> : <IconEye size={14} />}
            onClick={async () => {
              if (showSecret) {
                setShowSecret(false);
                return;
              }
              if ((await fetchSecret()) !== undefined) setShowSecret(true);
            }}
            data-testid="env-secret-reveal"
          >
            {showSecret ? 'Hide the secret' : 'Reveal the secret'}
          </Button>
        </Group>
      ) : view.agentSecret === 'unknown' ? (
        <Text size="xs" c="dimmed">
          Only an administrator can see whether the server sets an AGENT_SECRET; if it does, add it to the agent’s environment.
        </Text>
      ) : null}
      {current === 'nomad' ? (
        <PasswordInput
          label="Nomad token"
          description="The Nomad ACL token (Secret ID), if Nomad has ACLs on"
          value={opts.nomadToken}
          onChange={(e) => set({ nomadToken: e.currentTarget.value })}
          error={fieldError('nomadToken')}
          autoComplete="off"
        />
      ) : null}
      {generalError ? (
        <Alert color="red" data-testid="env-command-error">
          {generalError}
        </Alert>
      ) : null}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {current ? `${platformLabels[current]} on ${os === 'linux' ? 'Linux' : 'Windows'} · agent ${view.serverVersion}` : ''}
        </Text>
        <CopyTextButton text={commandToCopy} label="Copy command" disabled={!command} testId="env-command-copy" />
      </Group>
      <Code block data-testid="env-command" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {display ?? (view.key ? '' : 'No join token: this environment has no install command.')}
      </Code>
    </Stack>
  );
}
