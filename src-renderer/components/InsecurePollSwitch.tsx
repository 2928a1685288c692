import { Switch } from '@mantine/core';

interface Props {
  checked: boolean;
  onChange(checked: boolean): void;
  /** Why it is on or off here (each screen knows a different reason). */
  description?: string;
  'data-testid'?: string;
}

/**
 * EDGE_INSECURE_POLL, the same option on every screen that makes an agent's settings (command
 * builder, install commands, SSH install, auto-onboarding export): one label, one meaning.
 */
export function InsecurePollSwitch({ checked, onChange, description = 'Needed when the Portainer server has a self-signed certificate the devices do not trust.', ...rest }: Props) {
  return <Switch label="Allow self-signed certificates (EDGE_INSECURE_POLL)" description={description} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} data-testid={rest['data-testid']} />;
}
