import { decodeEdgeKey, encodeEdgeKey } from '../../shared/domain/edgeKey';
import { movedTokenFields, type ServerAddress } from '../../shared/domain/tokenAddress';
import { environmentChanged, type ServerContext } from './context';

/**
 * The server came back on other ports: join tokens that named the old URL or tunnel address are
 * reissued for the new ones (same fingerprint, same environment ID), so the details page shows a
 * token that works. Returns the environments whose token changed: agents installed with the old
 * token must be given the new one.
 */
export function moveTokens(ctx: ServerContext, from: Required<ServerAddress>, to: Required<ServerAddress>): { id: number; name: string }[] {
  const changed: { id: number; name: string }[] = [];
  for (const env of ctx.store.doc.environments) {
    let fields;
    try {
      fields = decodeEdgeKey(env.EdgeKey);
    } catch {
      continue; // a hand-edited, unreadable key: the details page says so; nothing to move
    }
    const moved = movedTokenFields(fields, from, to);
    if (!moved) continue;
    env.EdgeKey = encodeEdgeKey(moved);
    environmentChanged(ctx, env);
    changed.push({ id: env.Id, name: env.Name });
  }
  if (changed.length) ctx.logger.info(`reissued the join token of ${changed.length} environment(s) for ${to.url} and tunnel ${to.tunnelAddress}`);
  return changed;
}
