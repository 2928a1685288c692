import { Alert, Button, Group, Text } from '@mantine/core';
import { api } from '../../api';
import { notifyError } from '../../components/notify';
import type { AgentGroupView } from '../../../src-main/shared/schemas/simulator';

const stateText: [keyof AgentGroupView['states'], string][] = [
  ['starting', 'starting'],
  ['polling', 'polling'],
  ['tunnel-up', 'tunnel up'],
  ['tunnel-verified', 'tunnel verified'],
  ['error', 'failing'],
];

/**
 * The simulated agents started for this environment, where they were started: what they do, and
 * why they fail (an agent that cannot reach the server says so here, not only on the Simulator page).
 */
export function SimulatedAgents({ groups, onChange }: { groups: AgentGroupView[]; onChange: () => void }) {
  if (groups.length === 0) return null;
  return (
    <>
      {groups.map((g) => {
        const states = stateText.filter(([k]) => g.states[k] > 0).map(([k, label]) => `${label} ${g.states[k]}`);
        const failing = g.states.error > 0 || (g.polls === 0 && g.errors > 0);
        const stop = (
          <Button
            size="compact-xs"
            variant="default"
            onClick={() =>
              void api.agents
                .stop({ groupId: g.id })
                .then(onChange)
                .catch((err: unknown) => notifyError('Could not stop the simulated agent', err))
            }
          >
            Stop
          </Button>
        );
        return (
          <Alert
            key={g.id}
            color={failing ? 'red' : 'blue'}
            py={6}
            title={failing ? 'The simulated agent cannot check in' : 'Simulated agent running'}
            data-testid="env-sim-agent"
            data-state={failing ? 'error' : 'ok'}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm">
                {states.join(' · ') || 'starting'} · {g.polls} poll{g.polls === 1 ? '' : 's'}
                {g.errors ? `, ${g.errors} failed` : ''}
                {g.lastError ? (
                  <>
                    <br />
                    Last error: <span data-testid="env-sim-agent-error">{g.lastError}</span>
                  </>
                ) : null}
                {failing ? (
                  <>
                    <br />
                    Check that the join token names where the server listens now (see the warnings above), then stop this agent and start a new one.
                  </>
                ) : null}
              </Text>
              {stop}
            </Group>
          </Alert>
        );
      })}
    </>
  );
}
