import { Alert, Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { IconFolderOpen } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { AppLogsView } from '../../../src-main/shared/contract/calls';
import { api } from '../../api';

/** Settings → Logs: where this session's log is, and a button that shows the folder (app:openLogFolder). */
export function LogsSettings() {
  const [logs, setLogs] = useState<AppLogsView>();
  const [problem, setProblem] = useState<string>();
  const [opening, setOpening] = useState(false);

  useEffect(() => {
    api.app.logs().then(setLogs, (e: Error) => setProblem(e.message));
  }, []);

  const open = async () => {
    setOpening(true);
    try {
      const r = await api.app.openLogFolder();
      setLogs(r);
      setProblem(r.opened ? undefined : `The folder could not be shown (${r.reason ?? 'unknown reason'}); open ${r.folder} yourself.`);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setOpening(false);
    }
  };

  return (
    <Card withBorder data-testid="settings-logs">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>Logs</Title>
          <Button variant="light" size="xs" leftSection={<IconFolderOpen size={16} />} loading={opening} disabled={!logs} onClick={() => void open()} data-testid="open-log-folder">
            Open log folder
          </Button>
        </Group>
        {logs?.file && (
          <Text size="sm">
            This session writes to <Code data-testid="log-file">{logs.file}</Code> (secrets are masked; old files are removed as new ones are made).
          </Text>
        )}
        {logs && !logs.file && (
          <Text size="sm">
            Log folder: <Code>{logs.folder}</Code>
          </Text>
        )}
        {problem && (
          <Alert color="yellow" data-testid="logs-problem">
            {problem}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
