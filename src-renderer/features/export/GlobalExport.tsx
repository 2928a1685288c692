import { Alert, Button, Checkbox, Code, Group, List, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDownload, IconInfoCircle } from '@tabler/icons-react';
import { AgentMetaFields } from '../../components/agentMeta/AgentMetaFields';
import { useExportMeta } from '../../components/agentMeta/agentMetaStore';
import { CopyField } from '../../components/CopyField';
import { InsecurePollSwitch } from '../../components/InsecurePollSwitch';
import { LabelledChoice } from '../../components/LabelledChoice';
import { ExportOptionsFields } from './ExportOptionsFields';
import { GLOBAL_FORMAT_INFO, GLOBAL_FORMATS, useGlobalExport } from './globalExportStore';

/** What a global-key bundle is, next to per-device bundles and the waiting room. */
function Explanation() {
  return (
    <Alert color="blue" icon={<IconInfoCircle size={18} />} title="One bundle for many devices" data-testid="export-global-explain">
      <Text size="sm">
        Per-device bundles carry one environment each: its own join token and Edge ID, made on the server beforehand. This bundle carries the server&apos;s <b>global key</b> (environment id
        0) instead, and no Edge ID: on each device, the first run of install.sh makes the device&apos;s own Edge ID and keeps it, and the agent asks the server for an environment by it
        (auto-onboarding).
      </Text>
      <Text size="sm" mt={6}>
        Business Edition creates the environment, named after the Edge ID, and holds it in the <b>waiting room</b> until an administrator trusts it (unless trust on first connect is
        on): see <a href="#/waiting">Waiting room</a>. The metadata below puts it into Edge groups, a group and tags. Community Edition creates nothing: the environment must exist with
        that Edge ID first.
      </Text>
    </Alert>
  );
}

export function GlobalExport() {
  const s = useGlobalExport();
  const store = useGlobalExport.getState;
  return (
    <Stack gap="lg" data-testid="export-global">
      <Explanation />
      <section aria-labelledby="export-global-title">
        <Title order={3} size="h4" id="export-global-title" mb="xs">
          1. Bundle
        </Title>
        <Stack gap="md">
          <LabelledChoice<'standalone' | 'podman'>
            id="export-global-platform-label"
            label="Devices run"
            data={[
              { value: 'standalone', label: 'Docker' },
              { value: 'podman', label: 'Podman' },
            ]}
            value={s.platform}
            onChange={(platform) => store().set({ platform })}
            data-testid="export-global-platform"
          />
          <div role="group" aria-labelledby="export-global-formats-label">
            <Text size="sm" fw={500} id="export-global-formats-label">
              Files
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing={6} mt={4}>
              {GLOBAL_FORMATS.map((f) => (
                <Checkbox
                  key={f}
                  label={GLOBAL_FORMAT_INFO[f].label}
                  description={GLOBAL_FORMAT_INFO[f].files}
                  checked={s.formats.includes(f)}
                  onChange={(e) => store().toggleFormat(f, e.currentTarget.checked)}
                  data-testid={`export-global-format-${f}`}
                />
              ))}
            </SimpleGrid>
            {s.formatsError ? (
              <Text size="xs" c="red" mt={4} role="alert" data-testid="export-global-formats-error">
                {s.formatsError}
              </Text>
            ) : null}
          </div>
          <TextInput
            label="Edge ID generator"
            description="One shell command each device runs once to print its Edge ID. Empty: cat /proc/sys/kernel/random/uuid (works on any Linux)."
            placeholder="cat /proc/sys/kernel/random/uuid"
            value={s.generator}
            onChange={(e) => store().set({ generator: e.currentTarget.value })}
            error={s.generatorError}
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            maw={560}
            data-testid="export-global-generator"
          />
          <InsecurePollSwitch checked={s.insecurePoll} onChange={(insecurePoll) => store().set({ insecurePoll })} data-testid="export-global-insecure" />
          <AgentMetaFields store={useExportMeta} idPrefix="export-global" />
        </Stack>
      </section>
      <section aria-labelledby="export-global-options-title">
        <Title order={3} size="h4" id="export-global-options-title" mb="xs">
          2. Options
        </Title>
        <ExportOptionsFields idPrefix="export" deviceFormats={false} />
      </section>
      <Group>
        <Button leftSection={<IconDownload size={18} />} onClick={() => void store().run()} loading={s.exporting} data-testid="export-global-run">
          Export the auto-onboarding bundle
        </Button>
        {s.exporting ? (
          <Text size="sm" c="dimmed" data-testid="export-global-progress">
            Reading the server&apos;s global key and writing the bundle…
          </Text>
        ) : null}
      </Group>
      {s.error ? (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Nothing was exported" data-testid="export-global-error">
          {s.error}
        </Alert>
      ) : null}
      {s.outcome ? (
        <Stack gap="sm" data-testid="export-global-result">
          <Alert color="teal" icon={<IconCircleCheck size={18} />} title={s.outcome.encrypted ? 'Encrypted auto-onboarding bundle written' : 'Auto-onboarding bundle written'}>
            <Text size="sm" data-testid="export-global-summary">
              {s.outcome.files} files for {s.outcome.platform === 'podman' ? 'Podman' : 'Docker'} devices, agent {s.outcome.agentVersion}
              {s.outcome.encrypted ? ', in one age-encrypted archive' : ''}.
            </Text>
          </Alert>
          <CopyField
            label={s.outcome.encrypted ? 'Encrypted archive' : 'Export folder'}
            value={s.outcome.path}
            description="It holds the global join token, which lets any device ask this server for an environment: keep it private and delete it from devices after the install."
            testId="export-global-path"
          />
          {!s.outcome.encrypted ? (
            <List size="sm">
              <List.Item>
                Copy <Code>auto-onboard/</Code> to each device and run <Code>sudo sh install.sh</Code>; or give <Code>cloud-init.yaml</Code> as user-data to new machines.
              </List.Item>
              <List.Item>Then trust the devices in the waiting room (Business Edition without trust on first connect).</List.Item>
            </List>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
