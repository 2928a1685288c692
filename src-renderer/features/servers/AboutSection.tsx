import { Card, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { AppInfo } from '../../../src-main/shared/contract/calls';

/** Settings → About: the version main reports (package.json's, the one the CLI prints for --version). */
export function AboutSection() {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.app.info().then(setInfo, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <Card withBorder data-testid="about">
      <Title order={4}>About</Title>
      {info ? (
        <Text size="sm">
          {info.name} <span data-testid="app-version">{info.version}</span> · {info.transport === 'ipc' ? 'desktop app' : 'browser, through the local bridge'}
        </Text>
      ) : (
        <Text size="sm" c={error ? 'red' : 'dimmed'}>
          {error ? `Version unavailable: ${error}` : 'Loading…'}
        </Text>
      )}
    </Card>
  );
}
