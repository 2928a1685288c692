import { Stack, Title } from '@mantine/core';
import { useEffect } from 'react';
import { AgentsPanel } from './AgentsPanel';
import { EnvironmentsPanel } from './EnvironmentsPanel';
import { PollBudget } from './PollBudget';
import { PollTimeline } from './PollTimeline';
import { ServerPanel } from './ServerPanel';
import { useSimulator } from './simulatorStore';

const ENVIRONMENTS_REFRESH_MS = 5000;

export function SimulatorPage() {
  useEffect(() => {
    // Refresh on each visit; live updates come from the events main.tsx subscribed once.
    const s = useSimulator.getState();
    void s.loadStatus().then(() => {
      if (useSimulator.getState().status?.running) void useSimulator.getState().loadEnvironments();
    });
    void s.loadGroups();
    // Check-ins and heartbeats have no event: refresh the environments while the page is open.
    const timer = setInterval(() => {
      if (useSimulator.getState().status?.running) void useSimulator.getState().loadEnvironments(true);
    }, ENVIRONMENTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

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
