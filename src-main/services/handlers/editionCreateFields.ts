import { invalidInput } from '../../shared/contract/errors';
import { asyncModeProblem, type AsyncIntervals } from '../../shared/domain/edgeAsync';
import { tunnelAddressFor, tunnelAddressNeeded, tunnelAddressProblem } from '../../shared/domain/tunnelServerAddress';
import type { Edition } from '../../shared/domain/types';
import type { ServerSettings } from '../portainer/client';

/** The Business Edition fields of an Edge environment's create, decided from the server's edition and settings. */
export interface EditionCreateFields {
  tunnelServerAddress?: string;
  async?: AsyncIntervals;
}

/**
 * Async mode only where the edition has it (refused, with why, elsewhere); the tunnel server
 * address only where Business Edition needs it (docs/portainer-versions.md, "Tunnel server
 * address"): typed by the user, else the settings', else the built-in server's real tunnel
 * address, else the Portainer URL's host with port 8000 as Portainer's own form pre-fills.
 */
export function editionCreateFields(
  edition: Edition | undefined,
  settings: ServerSettings | null,
  req: { tunnelServerAddress?: string; async?: AsyncIntervals },
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
