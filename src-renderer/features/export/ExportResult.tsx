import { Alert, Badge, Code, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { CopyField } from '../../components/CopyField';
import type { PrestageExportResult } from '../../../src-main/shared/contract/calls';
import { formatBytes } from './download';

/** Where the export went: a folder, an encrypted archive, or (browser) an archive the browser downloads. */
function Where({ result, testId }: { result: PrestageExportResult; testId: string }) {
  if (result.download) {
    return (
      <CopyField
        label={`Downloaded archive (${formatBytes(result.download.size)})`}
        value={result.download.fileName}
        description={
          (result.encrypted ? 'Decrypt with: age -d -o export.tar FILE (passphrase or identity), then tar -xf export.tar. ' : 'Unpack with: tar -xf FILE (the files keep their modes). ') +
          'Your browser saved it to its downloads folder; it holds the join tokens — keep it private and delete it after the install. If the browser did not save it, export again: the link works once.'
        }
        testId={`${testId}-path`}
      />
    );
  }
  return (
    <CopyField
      label={result.encrypted ? 'Encrypted archive' : 'Export folder'}
      value={result.path}
      description={result.encrypted ? 'Decrypt with: age -d -o export.tar FILE (passphrase or identity), then tar -xf export.tar.' : 'On this computer; it holds the join tokens — keep it private and delete it after the install.'}
      testId={`${testId}-path`}
    />
  );
}

/** What an export wrote, and where (main writes it; the page only shows the path). */
export function ExportResult({ result, names, testId }: { result: PrestageExportResult; names: string[]; testId: string }) {
  const { perDevice, top } = result.layout;
  const archive = result.encrypted || result.download !== undefined;
  const root = archive ? 'edgedeck-export/' : '';
  const title = result.download ? 'Archive ready: your browser is saving it' : result.encrypted ? 'Encrypted export written' : 'Export written';
  return (
    <Stack gap="sm" data-testid={testId}>
      <Alert color="teal" icon={<IconCircleCheck size={18} />} title={title}>
        <Text size="sm" data-testid={`${testId}-summary`}>
          {result.devices} device{result.devices === 1 ? '' : 's'}, {result.files} file{result.files === 1 ? '' : 's'}
          {result.encrypted ? ' in one age-encrypted archive' : result.download ? ' in one archive' : ''}, from {result.source === 'server' ? 'the server' : 'the offline copy'}.
        </Text>
      </Alert>
      <Where result={result} testId={testId} />
      <div>
        <Text size="sm" fw={500}>
          What is inside{archive ? ' the archive' : ''}
        </Text>
        <List size="sm" spacing={2}>
          <List.Item>
            <Code>{root}devices/&lt;device&gt;/</Code> for each device: {perDevice.map((f, i) => (
              <span key={f}>
                {i > 0 ? ', ' : ''}
                <Code>{f}</Code>
              </span>
            ))}
          </List.Item>
          <List.Item>
            At the top: {top.map((f, i) => (
              <span key={f}>
                {i > 0 ? ', ' : ''}
                <Code>{root}{f}</Code>
              </span>
            ))}{' '}
            (fleet.csv maps each device to its folder and Edge ID; it holds no secrets)
          </List.Item>
          {result.image ? (
            <List.Item data-testid={`${testId}-image`}>
              <Code>
                {root}agent-image/{result.image.file}
              </Code>{' '}
              ({formatBytes(result.image.size)}) and its <Code>.sha256</Code> ({result.image.sha256.slice(0, 16)}…): each install.sh checks it and loads it before starting the agent
            </List.Item>
          ) : null}
        </List>
      </div>
      {names.length ? (
        <Group gap={4} data-testid={`${testId}-devices`}>
          <Text size="sm" c="dimmed">
            Devices:
          </Text>
          {names.slice(0, 50).map((n) => (
            <Badge key={n} variant="light" tt="none">
              {n}
            </Badge>
          ))}
          {names.length > 50 ? <Text size="sm">and {names.length - 50} more</Text> : null}
        </Group>
      ) : null}
      {result.warnings.length ? (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Warnings" data-testid={`${testId}-warnings`}>
          <List size="sm">
            {result.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </Stack>
  );
}
