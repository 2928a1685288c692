import { Stack, Title } from '@mantine/core';
import { useEffect } from 'react';
import { api } from '../../api';
import { throttle, useLiveRefresh } from '../../components/useLiveRefresh';
import { AgentsPanel } from './AgentsPanel';
import { EnvironmentsPanel } from './EnvironmentsPanel';
import { PollBudget } from './PollBudget';
import { PollTimeline } from './PollTimeline';
import { ServerPanel } from './ServerPanel';
import { useSimulator } from './simulatorStore';

/** A quiet refresh of the environments table (no spinner, no notification), while the server runs. */
function refreshEnvironments(): void {
  if (useSimulator.getState().status?.running) void useSimulator.getState().loadEnvironments(true);
}

export function SimulatorPage() {
  useEffect(() => {
    // Refresh on each visit; live updates come from the events main.tsx subscribed once.
    const s = useSimulator.getState();
    void s.loadStatus().then(refreshEnvironments);
    void s.loadGroups();
    // A simulated agent's poll can change a row (first check-in, Edge ID, tunnel): refresh soon after, at most once a second.
    const onPolls = throttle(refreshEnvironments, 1000);
    return api.on('agents:polls', onPolls);
  }, []);
  // Check-ins of other agents (installed ones, the CLI's) have no event: the same live refresh as the details view.
  useLiveRefresh(refreshEnvironments);

  return (
    <Stack gap="lg" maw={1100}>
      <Title order={2}>Simulator</Title>
      <ServerPanel />
      <EnvironmentsPanel />
      <AgentsPanel />
      <PollTimeline />
      <PollBudget />
    </Stack>
  );
}
