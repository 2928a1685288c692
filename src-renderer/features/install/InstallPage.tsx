import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useEffect } from 'react';
import { OptionsPanel } from './OptionsPanel';
import { PastRuns } from './PastRuns';
import { PromptModal } from './PromptModal';
import { RunPanel } from './RunPanel';
import { TargetsPanel } from './TargetsPanel';
import { useInstall } from './installStore';

/** `#/install?environment=12` → 12 (the environment details page links here). */
export function environmentFromHash(hash: string): number | undefined {
  const q = hash.indexOf('?');
  if (q < 0) return undefined;
  const v = new URLSearchParams(hash.slice(q + 1)).get('environment');
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

const START_LABEL = { install: 'Start install', 'preflight-only': 'Run preflight', 'dry-run': 'Start dry run' } as const;

/** Install the Edge agent on one host or a fleet over SSH. */
export function InstallPage() {
  const run = useInstall((s) => s.run);
  const starting = useInstall((s) => s.starting);
  const mode = useInstall((s) => s.form.mode);
  const count = useInstall((s) => s.targets.length);

  useEffect(() => {
    const st = useInstall.getState();
    st.listen();
    void st.reattach();
    void st.loadRuns();
    const applyQuery = () => {
      const id = environmentFromHash(location.hash);
      if (id !== undefined && id !== useInstall.getState().form.environmentId) void useInstall.getState().preselectEnvironment(id);
    };
    applyQuery();
    window.addEventListener('hashchange', applyQuery);
    return () => window.removeEventListener('hashchange', applyQuery);
  }, []);

  return (
    <Stack gap="md" data-testid="install-page">
      <div>
        <Title order={2}>Install over SSH</Title>
        <Text c="dimmed" size="sm">
          Installs the Edge agent on one host or a fleet: a preflight from each host (server URL, tunnel port, certificate), the install, and the first check-in. Keys, passwords and tokens stay out of logs.
        </Text>
      </div>
      {run ? (
        <RunPanel />
      ) : (
        <>
          <TargetsPanel />
          <OptionsPanel />
          <Group justify="flex-end">
            <Button size="md" leftSection={<IconPlayerPlay size={18} />} loading={starting} onClick={() => void useInstall.getState().start()} data-testid="install-start">
              {START_LABEL[mode]}
              {count > 1 ? ` on ${count} hosts` : ''}
            </Button>
          </Group>
        </>
      )}
      <PastRuns />
      <PromptModal />
    </Stack>
  );
}
