import { invalidInput } from '../contract/errors';
import { asyncModeProblem, type AsyncIntervals } from './edgeAsync';
import { tunnelAddressFor, tunnelAddressNeeded, tunnelAddressProblem, type TunnelAddressSettings } from './tunnelServerAddress';
import type { Edition } from './types';

/** What the user asked for that only Business Edition reads on an Edge environment's create. */
export interface EditionCreateRequest {
  tunnelServerAddress?: string;
  async?: AsyncIntervals;
}

/** The Business Edition fields of an Edge environment's create, decided from the server's edition and settings. */
export interface EditionCreateFields {
  tunnelServerAddress?: string;
  async?: AsyncIntervals;
}

/**
 * The one rule every create path follows (app, `edgedeck env create`, SSH install, CSV import):
 * async mode only where the edition has it (refused, with why, elsewhere); the tunnel server
 * address only where Business Edition needs it (docs/portainer-versions.md, "Tunnel server
 * address"): typed by the user, else the settings', else the built-in server's real tunnel
 * address, else the Portainer URL's host with port 8000 as Portainer's own form pre-fills.
 * `settings` is null when they could not be read (no admin rights).
 */
export function editionCreateFields(
  edition: Edition | undefined,
  settings: TunnelAddressSettings | null,
  req: EditionCreateRequest,
  portainerUrl: string,
  builtInTunnel?: string,
): EditionCreateFields {
  const out: EditionCreateFields = {};
  if (req.async) {
    const problem = asyncModeProblem(edition);
    if (problem) throw invalidInput('async', `${problem} Create it without async mode.`);
    out.async = req.async;
  }
  if (!tunnelAddressNeeded(edition, settings)) return out;
  const address = req.tunnelServerAddress?.trim() || builtInTunnel || tunnelAddressFor(undefined, settings, portainerUrl);
  const problem = tunnelAddressProblem(address);
  if (problem) throw invalidInput('tunnelServerAddress', problem);
  out.tunnelServerAddress = address;
  return out;
}
