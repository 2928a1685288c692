import type { ServerContext } from './context';
import { sendJson } from './http';
import type { Router } from './router';

export function registerSystemRoutes(router: Router, ctx: ServerContext): void {
  const status = () => ({ Version: ctx.version, InstanceID: ctx.store.doc.instanceId });
  router.add('GET', '/api/system/status', 'public', (rc) => sendJson(rc.res, status()));
  router.add('GET', '/api/status', 'public', (rc) => {
    ctx.logger.debug('deprecated /api/status called; use /api/system/status');
    sendJson(rc.res, status());
  });
  router.add('GET', '/api/system/version', 'authenticated', (rc) => {
    sendJson(rc.res, {
      UpdateAvailable: false,
      LatestVersion: '',
      ServerVersion: ctx.version,
      ServerEdition: ctx.edition === 'be' ? 'EE' : 'CE',
      // Portainer's DB schema version is tied to the release.
      DatabaseVersion: ctx.version,
      Build: {
        BuildNumber: '',
        ImageTag: '',
        NodejsVersion: '',
        YarnVersion: '',
        WebpackVersion: '',
        GoVersion: '',
        GitCommit: '',
        Env: rc.user?.role === 1 ? [] : undefined,
      },
    });
  });
  router.add('GET', '/api/system/info', 'authenticated', (rc) => sendJson(rc.res, { platform: 'Docker Standalone', edgeAgents: countEdge(ctx), edgeDevices: 0, agents: 0 }));
}

function countEdge(ctx: ServerContext): number {
  let n = 0;
  for (const e of ctx.store.doc.environments) if (e.Type === 4 || e.Type === 7) n++;
  return n;
}
