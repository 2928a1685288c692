import { Stack, Text, Title } from '@mantine/core';
import { AboutSection } from './AboutSection';
import { LogsSettings } from './LogsSettings';
import { ServersSettings } from './ServersSettings';

/** #/settings: Portainer servers, About (more sections later). */
export function SettingsPage() {
  return (
    <Stack gap="lg" maw={900}>
      <Title order={2}>Settings</Title>
      <ServersSettings />
      <LogsSettings />
      <Text c="dimmed" size="sm">
        SSH known hosts and defaults for new commands come here next.
      </Text>
      <AboutSection />
    </Stack>
  );
}
