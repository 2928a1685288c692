/**
 * When an Edge environment's create must carry `EdgeTunnelServerAddress` (docs/portainer-versions.md,
 * "Tunnel server address"). Business Edition's API requires it when its settings have Edge compute
 * off or no `Edge.TunnelServerAddress`; Community Edition does not read it at all.
 */

/** The settings that decide it (absent when the user may not read /api/settings). */
export interface TunnelAddressSettings {
  enableEdgeComputeFeatures: boolean;
  /** Settings.Edge.TunnelServerAddress ('' when unset). */
  tunnelServerAddress: string;
}

/** Portainer's default tunnel port (its --tunnel-port). */
export const DEFAULT_TUNNEL_PORT = 8000;

/** Whether a create on a server of this edition and these settings must send the address. */
export function tunnelAddressNeeded(edition: 'ce' | 'be' | undefined, settings: TunnelAddressSettings | null): boolean {
  if (edition !== 'be') return false;
  // Unknown settings (no admin rights): sending it is harmless, leaving it out may be refused.
  if (!settings) return true;
  return !settings.enableEdgeComputeFeatures || settings.tunnelServerAddress.trim() === '';
}

/** Why `address` cannot be the tunnel server address, or undefined when it can. */
export function tunnelAddressProblem(address: string): string | undefined {
  const a = address.trim();
  if (a === '') return 'The tunnel server address is empty; write the host and port the agents reach the tunnel on, e.g. portainer.example.com:8000.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) return `The tunnel server address is host:port without a scheme; "${a}" has one (write e.g. portainer.example.com:8000).`;
  if (/^localhost(:|$)/i.test(a)) return 'Portainer refuses "localhost" as the tunnel server address: use an address the Edge devices can reach (127.0.0.1 works for agents on this machine).';
  if (/\s|\|/.test(a)) return `The tunnel server address "${a}" has a space or "|", which a join token cannot carry.`;
  return undefined;
}

/**
 * The address to send: what the user typed, else the settings' value, else the Portainer URL's
 * host with the default tunnel port (what Portainer's own form pre-fills).
 */
export function tunnelAddressFor(requested: string | undefined, settings: TunnelAddressSettings | null, portainerUrl: string): string {
  if (requested && requested.trim() !== '') return requested.trim();
  if (settings && settings.tunnelServerAddress.trim() !== '') return settings.tunnelServerAddress.trim();
  const host = new URL(portainerUrl).hostname;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${DEFAULT_TUNNEL_PORT}`;
}
