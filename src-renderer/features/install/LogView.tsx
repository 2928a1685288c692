import { Group, Loader, Select, Text } from '@mantine/core';
import { Component, lazy, Suspense, useMemo, type ReactNode } from 'react';
import { logLinesOf, useInstall } from './installStore';

const LogTerminal = lazy(() => import('./LogTerminal'));

/** When xterm cannot run (no canvas, old engine), the lines still show as text. */
class Fallback extends Component<{ lines: readonly string[]; children: ReactNode }, { broken: boolean }> {
  override state = { broken: false };
  static getDerivedStateFromError(): { broken: boolean } {
    return { broken: true };
  }
  override render() {
    if (!this.state.broken) return this.props.children;
    return (
      <pre data-testid="install-log-text" style={{ maxHeight: 320, overflow: 'auto', fontSize: 12, margin: 0 }}>
        {this.props.lines.join('\n')}
      </pre>
    );
  }
}

/** The live log of the run: all hosts, or one host (the lines carry their target). */
export function LogView() {
  const run = useInstall((s) => s.run);
  const logHost = useInstall((s) => s.logHost);
  const lines = useMemo(() => logLinesOf(run, logHost), [run, logHost]);
  const options = useMemo(() => [{ value: '', label: 'All hosts' }, ...(run?.order ?? []).map((t) => ({ value: t, label: t }))], [run?.order]);
  if (!run) return null;
  return (
    <div>
      <Group justify="space-between" mb={6}>
        <Text fw={600} size="sm" id="install-log-title">
          Log {logHost ? `of ${logHost}` : 'of all hosts'} ({lines.length} lines)
        </Text>
        <Select
          aria-label="Show the log of"
          data={options}
          value={logHost ?? ''}
          onChange={(v) => useInstall.getState().setLogHost(v || undefined)}
          searchable
          allowDeselect={false}
          size="xs"
          w={260}
          data-testid="install-log-host"
        />
      </Group>
      <Fallback lines={lines}>
        <Suspense fallback={<Loader size="xs" aria-label="Loading the terminal" />}>
          <LogTerminal key={logHost ?? ''} lines={lines} label={`Install log ${logHost ? `of ${logHost}` : 'of all hosts'}`} />
        </Suspense>
      </Fallback>
    </div>
  );
}
