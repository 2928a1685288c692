import { buildInstallCommand } from '../../shared/domain/installCommands';
import { decodeEdgeKey, encodeEdgeKey, inspectEdgeKey, inspectKeyText } from '../../shared/domain/edgeKey';
import { supportedPlatforms } from '../../shared/domain/versions';
import type { Handlers } from '../rpc/dispatcher';

/** Calls answered by the pure core alone: the join-token inspector and the command builder. */
export const edgeToolHandlers: Pick<Handlers, 'key:decode' | 'key:encode' | 'commands:build' | 'commands:platforms'> = {
  'key:decode': ({ key }) => {
    const fields = decodeEdgeKey(key);
    return { fields, warnings: [...inspectKeyText(key), ...inspectEdgeKey(fields)] };
  },
  'key:encode': (fields) => ({ key: encodeEdgeKey(fields) }),
  'commands:build': (options) => ({ command: buildInstallCommand(options), options }),
  'commands:platforms': ({ serverVersion, os }) => ({ platforms: supportedPlatforms(serverVersion, os) }),
};
