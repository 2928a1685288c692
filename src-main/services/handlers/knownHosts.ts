import { invalidInput } from '../../shared/contract/errors';
import { readKnownHost } from '../../shared/domain/sshTarget';
import type { Handlers } from '../rpc/dispatcher';
import type { HostKeyDatabase } from '../ssh/knownHosts';

/** Settings → SSH known hosts: every key on record, and forgetting a host's keys in Edgedeck's store. */
export function createKnownHostsHandlers(hostKeys: HostKeyDatabase): Pick<Handlers, 'knownHosts:list' | 'knownHosts:forget'> {
  return {
    'knownHosts:list': () => ({ entries: hostKeys.list(), files: hostKeys.files }),
    'knownHosts:forget': ({ host }) => {
      const h = readKnownHost(host);
      if ('error' in h) throw invalidInput('host', h.error);
      return hostKeys.forget(h.name);
    },
  };
}
