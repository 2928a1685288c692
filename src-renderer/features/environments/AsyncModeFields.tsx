import { Alert, Select, SimpleGrid, Switch, Text, TextInput } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { ASYNC_INTERVAL_CHOICES, ASYNC_INTERVAL_NAMES, asyncIntervalLabel, asyncModeProblem, type AsyncIntervals } from '../../../src-main/shared/domain/edgeAsync';

const KEYS = ['ping', 'snapshot', 'command'] as const;
const HINTS: Record<(typeof KEYS)[number], string> = {
  ping: 'How often the agent checks in (its heartbeat)',
  snapshot: 'How often it sends a snapshot of the host',
  command: 'How often it fetches pending commands',
};

/** Upstream's interval choices as Select options; "Use default" names the server's default when known. */
function options(serverDefault: number | undefined): { value: string; label: string }[] {
  return ASYNC_INTERVAL_CHOICES.map((c) => ({ value: String(c.value), label: asyncIntervalLabel(c.value, serverDefault) }));
}

export type IntervalTexts = Record<(typeof KEYS)[number], string>;

/** The three async interval Selects (Portainer's own choices). */
export function AsyncIntervalSelects({
  values,
  defaults,
  onChange,
  readOnly,
  testId,
}: {
  values: IntervalTexts;
  defaults?: AsyncIntervals;
  onChange: (patch: Partial<IntervalTexts>) => void;
  readOnly?: boolean;
  testId: string;
}) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
      {KEYS.map((k) => (
        <Select
          key={k}
          label={ASYNC_INTERVAL_NAMES[k]}
          description={HINTS[k]}
          data={options(defaults?.[k])}
          value={values[k]}
          onChange={(v) => v !== null && onChange({ [k]: v })}
          allowDeselect={false}
          readOnly={readOnly}
          data-testid={`${testId}-${k}`}
        />
      ))}
    </SimpleGrid>
  );
}

/**
 * The add form's Business Edition part: async mode and its intervals, and the tunnel server
 * address when the server's settings have none. On Community Edition (or an unknown edition) the
 * async switch is replaced by why it is not offered.
 */
export function BusinessEditionFields({
  edition,
  asyncDefaults,
  tunnelAddressNeeded,
  values,
  errors,
  onChange,
  readOnly,
}: {
  edition?: 'ce' | 'be';
  asyncDefaults?: AsyncIntervals;
  tunnelAddressNeeded: boolean;
  values: IntervalTexts & { async: boolean; tunnelAddress: string };
  errors: { async?: string; tunnelAddress?: string };
  onChange: (patch: Partial<IntervalTexts & { async: boolean; tunnelAddress: string }>) => void;
  readOnly: boolean;
}) {
  const problem = asyncModeProblem(edition);
  return (
    <>
      {problem ? (
        <Alert color="gray" icon={<IconInfoCircle size={18} />} py={6} data-testid="env-form-async-unavailable">
          {problem} Async agents (Portainer&apos;s &ldquo;Edge Agent Async&rdquo;) ping, snapshot and fetch commands on intervals instead of polling for a tunnel.
        </Alert>
      ) : (
        <>
          <Switch
            label="Edge Agent Async"
            description="The agent pings, sends snapshots and fetches commands on the intervals below instead of polling for a tunnel; its install command carries EDGE_ASYNC=1. Fixed once created."
            checked={values.async}
            onChange={(e) => onChange({ async: e.currentTarget.checked })}
            disabled={readOnly}
            error={errors.async}
            data-testid="env-form-async"
          />
          {values.async ? <AsyncIntervalSelects values={values} defaults={asyncDefaults} onChange={onChange} readOnly={readOnly} testId="env-form-async" /> : null}
        </>
      )}
      {tunnelAddressNeeded ? (
        <TextInput
          label="Portainer tunnel server address"
          description={
            <Text span size="xs">
              This Business Edition server has no tunnel address in its settings, so the create must name one: host:port the agents open their tunnel to (Portainer&apos;s default port is 8000). Left empty, Edgedeck sends the Portainer URL&apos;s host with port 8000.
            </Text>
          }
          placeholder="portainer.example.com:8000"
          value={values.tunnelAddress}
          onChange={(e) => onChange({ tunnelAddress: e.currentTarget.value })}
          error={errors.tunnelAddress}
          readOnly={readOnly}
          data-testid="env-form-tunnel-address"
        />
      ) : null}
    </>
  );
}
