import { createAppServices, type AppServices } from '../../../src-main/services/app/appServices';
import { silentLogger } from '../../../src-main/services/logging/logger';
import { Redactor } from '../../../src-main/services/logging/redact';
import { MemoryOnlySecrets } from '../../../src-main/services/secrets/secretStore';
import { createFileStore } from '../../../src-main/services/stores/fileStore';

/** The app's composition root as `edgedeck serve` builds it, over `dataDir`, with its embedded local server unless told otherwise. */
export async function boot(dataDir: string, { embeddedServer = true } = {}): Promise<AppServices> {
  return createAppServices({
    dataDir,
    store: createFileStore(dataDir),
    secrets: new MemoryOnlySecrets(),
    redactor: new Redactor(),
    transport: 'web',
    version: '0.0.0-test',
    logger: silentLogger,
    embeddedServer,
  });
}

/** A contract call through the app's dispatcher; an error envelope throws with its message. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- envelopes are read field by field
export async function call(app: AppServices, name: string, payload: unknown = {}): Promise<any> {
  const r = await app.dispatcher.invoke(name, payload);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.data;
}
