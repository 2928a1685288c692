import { CHECKIN_WAIT_RULE_TEXT } from '../../../src-main/shared/domain/checkinWait';
import { POLL_RULE_TEXT } from '../../../src-main/shared/domain/pollInterval';
import { Card, Checkbox, Divider, Group, MultiSelect, NumberInput, PasswordInput, Radio, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { hostOf } from '../../../src-main/shared/domain/sshTarget';
import { AgentMetaFields } from '../../components/agentMeta/AgentMetaFields';
import { useInstallMeta } from '../../components/agentMeta/agentMetaStore';
import { InsecurePollSwitch } from '../../components/InsecurePollSwitch';
import { useInstall, type InstallForm, type Platform } from './installStore';

/** Platforms main's SSH installer takes (sshInstallRequest.platform) and why the others are off. */
const PLATFORMS: Array<{ value: Platform | 'nomad'; label: string; why?: string; note?: string }> = [
  { value: 'standalone', label: 'Docker standalone', note: 'docker run of the Edge agent' },
  { value: 'swarm', label: 'Docker Swarm', note: 'a global service; run it on a manager node' },
  { value: 'podman', label: 'Podman', note: 'rootful podman with the podman socket' },
  { value: 'kubernetes', label: 'Kubernetes', note: "the agent's manifest applied with the host's kubectl (as root)" },
  { value: 'nomad', label: 'Nomad', why: 'Not over SSH (and removed from Portainer 2.20): use the Command builder for the Nomad job.' },
];

const num = (v: string | number, fallback: number): number => (typeof v === 'number' ? v : v === '' ? fallback : Number(v));

export function OptionsPanel() {
  const form = useInstall((s) => s.form);
  const errors = useInstall((s) => s.fieldErrors);
  const envOptions = useInstall((s) => s.envOptions);
  const envLoading = useInstall((s) => s.envLoading);
  const groups = useInstall((s) => s.groups);
  const tags = useInstall((s) => s.tags);
  const firstTarget = useInstall((s) => s.targets[0]);
  const targetCount = useInstall((s) => s.targets.length);
  const set = (patch: Partial<InstallForm>) => useInstall.getState().setForm(patch);
  const [search, setSearch] = useState('');
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (form.envMode === 'existing') void useInstall.getState().loadEnvironments();
    else void useInstall.getState().loadGroupsAndTags();
  }, [form.envMode]);
  useEffect(() => () => clearTimeout(debounce.current), []);

  const onSearch = (q: string) => {
    setSearch(q);
    clearTimeout(debounce.current);
    const picked = envOptions.find((o) => o.id === form.environmentId);
    if (picked && q === picked.name) return;
    debounce.current = setTimeout(() => void useInstall.getState().loadEnvironments(q.trim() || undefined), 250);
  };
  const preview = form.nameTemplate.replace(/\{host\}/g, firstTarget ? hostOf(firstTarget) : 'host');

  return (
    <Card withBorder padding="md" data-testid="install-options">
      <Stack gap="md">
        <Title order={3} size="h4">
          Options
        </Title>

        <Stack gap="xs" role="group" aria-labelledby="install-env-label">
          <Text fw={600} size="sm" id="install-env-label">
            Environment
          </Text>
          <SegmentedControl
            value={form.envMode}
            onChange={(v) => set({ envMode: v as InstallForm['envMode'] })}
            data={[
              { value: 'create', label: 'Create one per host' },
              { value: 'existing', label: 'Existing environment' },
            ]}
            aria-label="Environment"
            data-testid="install-env-mode"
          />
          {form.envMode === 'existing' ? (
            <Select
              label="Environment to install into"
              description={targetCount > 1 ? 'One environment takes one agent: with several hosts, create one per host.' : 'Its join token and Edge ID are used for the host.'}
              placeholder="Search by name"
              searchable
              clearable
              data={envOptions.map((o) => ({ value: String(o.id), label: `${o.name} (#${o.id})` }))}
              value={form.environmentId ? String(form.environmentId) : null}
              onChange={(v) => set({ environmentId: v ? Number(v) : undefined })}
              searchValue={search}
              onSearchChange={onSearch}
              nothingFoundMessage={envLoading ? 'Loading…' : 'No Edge environment matches. Create one per host instead, or add one on the Environments page.'}
              error={errors.environmentId}
              data-testid="install-env-select"
            />
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <TextInput
                label="Name template"
                description={`{host}, {user}, {port}, {target}. First host: “${preview}”`}
                value={form.nameTemplate}
                onChange={(e) => set({ nameTemplate: e.currentTarget.value })}
                error={errors.nameTemplate}
                data-testid="install-name-template"
              />
              <Select
                label="Group"
                placeholder="Unassigned"
                clearable
                searchable
                data={groups.map((g) => ({ value: String(g.id), label: g.name }))}
                value={form.groupId ? String(form.groupId) : null}
                onChange={(v) => set({ groupId: v ? Number(v) : undefined })}
                data-testid="install-group"
              />
              <MultiSelect
                label="Tags"
                placeholder={tags.length ? 'Pick tags' : 'No tags on the server'}
                searchable
                clearable
                data={tags.map((t) => ({ value: String(t.id), label: t.name }))}
                value={form.tagIds.map(String)}
                onChange={(v) => set({ tagIds: v.map(Number) })}
                data-testid="install-tags"
              />
              <NumberInput
                label="Poll every (seconds)"
                description={`Empty or 0: the server's default check-in interval. ${POLL_RULE_TEXT[0]!.toUpperCase()}${POLL_RULE_TEXT.slice(1)}.`}
                allowDecimal={false}
                allowNegative={false}
                // No min/max: a value out of range is refused with the reason, never changed behind the user's back.
                value={form.pollSeconds ?? ''}
                onChange={(v) => set({ pollSeconds: v === '' ? undefined : num(v, 0) })}
                error={errors.pollSeconds}
                data-testid="install-poll"
              />
            </SimpleGrid>
          )}
        </Stack>

        <Divider />
        <Radio.Group label="Platform" value={form.platform} onChange={(v) => set({ platform: v as Platform })} error={errors.platform} data-testid="install-platform">
          <Stack gap={6} mt={6}>
            {PLATFORMS.map((p) => (
              <Radio key={p.value} value={p.value} label={p.label} description={p.why ?? p.note} disabled={!!p.why} data-testid={`install-platform-${p.value}`} />
            ))}
          </Stack>
        </Radio.Group>

        <Divider />
        <Stack gap="xs">
          <Text fw={600} size="sm">
            What to do
          </Text>
          <SegmentedControl
            value={form.mode}
            onChange={(v) => set({ mode: v as InstallForm['mode'] })}
            data={[
              { value: 'install', label: 'Install' },
              { value: 'preflight-only', label: 'Preflight only' },
              { value: 'dry-run', label: 'Dry run' },
            ]}
            aria-label="What to do"
            data-testid="install-mode"
          />
          <Text size="xs" c="dimmed">
            {form.mode === 'install'
              ? 'Checks each host (server URL, tunnel port, certificate, engine), then installs and waits for the first check-in.'
              : form.mode === 'preflight-only'
                ? 'Only the checks from each host; nothing is installed and no environment is created.'
                : 'The checks plus the exact commands that would run; nothing is changed.'}
          </Text>
        </Stack>

        <Divider />
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Authentication
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <TextInput
              label="Identity file"
              description="Path on this computer. Empty: ~/.ssh/config, then id_ed25519, id_ecdsa, id_rsa."
              placeholder="~/.ssh/id_ed25519"
              value={form.identityFile}
              onChange={(e) => set({ identityFile: e.currentTarget.value })}
              error={errors.identityFile}
              spellCheck={false}
              data-testid="install-identity"
            />
            <Checkbox
              mt={24}
              label="Use ssh-agent"
              description="Always tried first when the app sees SSH_AUTH_SOCK; the install call has no switch to turn it off."
              checked
              disabled
              readOnly
              data-testid="install-agent"
            />
            <PasswordInput
              label="SSH password"
              description="Held in memory only (never saved, never sent back); answers each host's first password question."
              value={form.password}
              onChange={(e) => set({ password: e.currentTarget.value })}
              autoComplete="off"
              data-testid="install-password"
            />
            <PasswordInput
              label="sudo password"
              description="Held in memory only; answers each host's first sudo question. Empty: you are asked."
              value={form.sudoPassword}
              onChange={(e) => set({ sudoPassword: e.currentTarget.value })}
              autoComplete="off"
              data-testid="install-sudo-password"
            />
            <Select
              label="Unknown host keys"
              data={[
                { value: 'ask', label: 'Ask me (show the fingerprint)' },
                { value: 'accept-new', label: 'Accept new keys, refuse changed ones' },
                { value: 'strict', label: 'Strict: only keys already known' },
              ]}
              value={form.hostKeyPolicy}
              onChange={(v) => v && set({ hostKeyPolicy: v as InstallForm['hostKeyPolicy'] })}
              allowDeselect={false}
              data-testid="install-hostkey-policy"
            />
            <TextInput
              label="Jump host"
              description="user@bastion[:port] for every target (ProxyJump in ~/.ssh/config also works per host)."
              value={form.jump}
              onChange={(e) => set({ jump: e.currentTarget.value })}
              error={errors.jump}
              spellCheck={false}
              data-testid="install-jump"
            />
          </SimpleGrid>
        </Stack>

        <Divider />
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Fleet
          </Text>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <NumberInput label="Hosts at a time" min={1} max={200} allowDecimal={false} value={form.concurrency} onChange={(v) => set({ concurrency: num(v, 10) })} error={errors.concurrency} data-testid="install-concurrency" />
            <NumberInput
              label="Stop when failures exceed (%)"
              description="100 = never stop."
              min={0}
              max={100}
              value={form.maxFailPct}
              onChange={(v) => set({ maxFailPct: num(v, 100) })}
              error={errors.maxFailPct}
              data-testid="install-max-fail"
            />
            <Select
              label="Agent already installed"
              data={[
                { value: 'ask', label: 'Ask me' },
                { value: 'always', label: 'Replace it' },
                { value: 'never', label: 'Keep it' },
              ]}
              value={form.replaceExisting}
              onChange={(v) => v && set({ replaceExisting: v as InstallForm['replaceExisting'] })}
              allowDeselect={false}
              data-testid="install-replace"
            />
            <NumberInput
              label="Check-in wait (seconds)"
              description={`Per host, once its agent runs. Empty: 2 × the check-in interval + 35 s. Give slow or busy hosts longer; ${CHECKIN_WAIT_RULE_TEXT}.`}
              allowDecimal={false}
              allowNegative={false}
              // No min/max: a value out of range is refused with the reason, never changed behind the user's back.
              value={form.checkinTimeout ?? ''}
              onChange={(v) => set({ checkinTimeout: v === '' ? undefined : num(v, 0) })}
              error={errors.checkinTimeout}
              data-testid="install-checkin-timeout"
            />
          </SimpleGrid>
          <Group align="flex-end" gap="sm">
            <Stack gap={4}>
              <Text size="sm" fw={500} id="install-canary-label">
                Canary
              </Text>
              <SegmentedControl
                value={form.canaryMode}
                onChange={(v) => set({ canaryMode: v as InstallForm['canaryMode'] })}
                data={[
                  { value: 'none', label: 'None' },
                  { value: 'first', label: 'First host' },
                  { value: 'n', label: 'First N hosts' },
                ]}
                aria-labelledby="install-canary-label"
                data-testid="install-canary"
              />
            </Stack>
            {form.canaryMode === 'n' && <NumberInput label="N" min={1} allowDecimal={false} w={100} value={form.canaryN} onChange={(v) => set({ canaryN: num(v, 1) })} data-testid="install-canary-n" />}
          </Group>
          {errors.canary && (
            <Text size="sm" c="red" data-testid="install-canary-error">
              {errors.canary}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Canary hosts run first; if any of them fails, the others are not started.
          </Text>
          <InsecurePollSwitch checked={form.insecurePoll} onChange={(insecurePoll) => set({ insecurePoll })} data-testid="install-insecure-poll" />
          <AgentMetaFields store={useInstallMeta} idPrefix="install" />
          <Select
            label="Agent image"
            description="For hosts that cannot pull it (no registry reachable): the image is sent over SSH, checked with sha256sum and loaded there; hosts with the same image are skipped."
            data={[
              { value: 'off', label: 'Hosts pull it themselves' },
              { value: 'engine', label: "Push the agent image from this computer's Docker" },
              { value: 'archive', label: 'Push the agent image from an archive file' },
            ]}
            value={form.pushImage}
            onChange={(v) => v && set({ pushImage: v as InstallForm['pushImage'] })}
            allowDeselect={false}
            error={form.pushImage !== 'archive' ? errors.imageArchive : undefined}
            data-testid="install-push-image"
          />
          {form.pushImage === 'archive' && (
            <TextInput
              label="Image archive"
              description="Path on this computer of what docker save -o FILE portainer/agent:<version> wrote."
              placeholder="/path/to/portainer-agent.tar"
              value={form.imageArchive}
              onChange={(e) => set({ imageArchive: e.currentTarget.value })}
              error={errors.imageArchive}
              spellCheck={false}
              data-testid="install-image-archive"
            />
          )}
          <TextInput
            label="Extra agent environment variables"
            description="NAME=value items separated by commas, no spaces (e.g. HTTPS_PROXY=http://proxy:3128,LOG_LEVEL=DEBUG)."
            value={form.envVars}
            onChange={(e) => set({ envVars: e.currentTarget.value })}
            error={errors.envVars}
            spellCheck={false}
            data-testid="install-env-vars"
          />
        </Stack>
      </Stack>
    </Card>
  );
}
