import { Stack, Title } from '@mantine/core';
import { KnownHostsSettings } from '../knownHosts/KnownHostsSettings';
import { AboutSection } from './AboutSection';
import { LogsSettings } from './LogsSettings';
import { ServersSettings } from './ServersSettings';

/** #/settings: Portainer servers, SSH known hosts, logs, About. */
export function SettingsPage() {
  return (
    <Stack gap="lg" maw={900}>
      <Title order={2}>Settings</Title>
      <ServersSettings />
      <KnownHostsSettings />
      <LogsSettings />
      <AboutSection />
    </Stack>
  );
}
