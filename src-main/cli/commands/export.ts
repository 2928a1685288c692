import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../services/logging/logger';
import { Redactor } from '../../services/logging/redact';
import { normaliseBaseUrl } from '../../services/portainer/url';
import { PrestageCache } from '../../services/prestage/cache';
import { parseDevicesCsv, problemText } from '../../services/prestage/devicesCsv';
import type { AgeTarget } from '../../services/prestage/encrypt';
import { DEFAULT_EDGE_ID_GENERATOR, GLOBAL_FORMATS, type GlobalFormat } from '../../services/prestage/globalBundle';
import { exportGlobalBundle } from '../../services/prestage/globalExport';
import { createPrestageFileStore } from '../../services/prestage/prestageFileStore';
import { PrestageService, type ImportPlan, type PrestageConnection } from '../../services/prestage/prestageService';
import { BUNDLE_FORMATS, DEVICE_PLATFORMS, type BundleFormat, type DevicePlatform } from '../../services/prestage/types';
import { ServerProfiles } from '../../services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../services/secrets/secretStore';
import { createFileStore } from '../../services/stores/fileStore';
import type { KeyValueStore } from '../../services/stores/keyValueStore';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { newerThanKnownWarning } from '../../shared/domain/releaseLines';
import { defaultDataDir } from '../paths';
import { defineCommand, type ValuesOf } from '../defineCommand';
import { EXIT_USAGE, reportError, type CliIo, type Command } from '../io';
import type { SecretSpec } from '../secretInput';
import { META_OPTIONS, META_USAGE, metaFromFlags } from '../metaFlags';
import { connectServer, SERVER_OPTIONS, SERVER_SECRETS, serverAuthOf, TLS_HINT } from '../serverConnection';

const USAGE = `edgedeck export: prestaged join-token bundles for installing agents later, offline if need be.

  edgedeck export --server URL [credentials] (--environments 1,2,3 | --csv devices.csv --create [--dry-run])
                  --out DIR [--formats ${BUNDLE_FORMATS.join(',')}] [--expires YYYY-MM-DD]
                  [--age-passphrase-stdin | --age-passphrase-file F | --age-recipient age1… (repeatable)]
  edgedeck export --server URL [credentials] --unused-days N [--delete --yes]
  edgedeck export --server URL [credentials] --global-key --out DIR [--edge-id-generator CMD]
                  [--edge-groups 1,2] [--group-id 5] [--tag-ids 10,20] [--platform standalone|podman]
                  [--formats env,script,cloud-init] [--url URL] [--expires YYYY-MM-DD] [encryption]

Server and credentials (as in "edgedeck env"):
  --server URL  --username U --password-stdin | --api-key-stdin   [--insecure | --pin SHA256]
                (or --password-file FILE / --api-key-file FILE)
  --offline     export --environments from Edgedeck's local copy, without contacting the server
                (an unreachable server falls back to the local copy on its own)
  --data DIR    where the local copy lives (default: Edgedeck's data folder)
Devices CSV (--csv): columns name, group, tags (;-separated), poll, platform, edge_id, host.
  --dry-run        report what would be created (creates nothing)
  --create         create the environments, then export them
  --create-groups  create groups that do not exist yet (otherwise such rows are errors)
  --url URL        Portainer URL the agents use (default: --server)
Bundle options:
  --platform ${DEVICE_PLATFORMS.join('|')}   --no-insecure-poll   --env NAME=value,...
  ${META_USAGE}   auto-onboarding metadata (EDGE_GROUPS, PORTAINER_GROUP, PORTAINER_TAGS)
  --labels-include-key   put the join token into the label QR codes (off by default)
  --include-image  put the agent image archive into the export (agent-image/, from this computer's
                   Docker: docker save; or --image-archive FILE); install.sh checks it with sha256sum
                   and loads it (docker load -i / podman load -i) before starting the agent.
                   A folder export only (not with encryption).
Encryption (age; decrypt with "age -d"): the export becomes one .tar.age file in --out.
  With both --password-stdin and --age-passphrase-stdin, standard input holds the password on
  the first line and the age passphrase on the second.
Auto-onboarding (--global-key): one bundle (folder auto-onboard/) for any number of devices, all
enrolling with the server's global key (environment id 0). Each device's install.sh makes its own
Edge ID with --edge-id-generator (default: ${DEFAULT_EDGE_ID_GENERATOR}) on first run; the
metadata flags give the Edge groups, group and tags the server assigns (Business Edition creates the
environment and, unless trust on first connect is on, holds it in the waiting room).
Unused tokens: lists Edge environments that never checked in, created N or more days ago
(creation dates come from Edgedeck's local copy); --delete --yes removes them.
Exit codes: 0 ok, 2 bad input (also: CSV rows in error), 1 server or write error.`;

const OPTIONS = {
  ...SERVER_OPTIONS,
  data: { type: 'string' },
  offline: { type: 'boolean', default: false },
  environments: { type: 'string' },
  csv: { type: 'string' },
  create: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'include-image': { type: 'boolean', default: false },
  'image-archive': { type: 'string' },
  'create-groups': { type: 'boolean', default: false },
  url: { type: 'string' },
  out: { type: 'string' },
  formats: { type: 'string' },
  expires: { type: 'string' },
  platform: { type: 'string' },
  'no-insecure-poll': { type: 'boolean', default: false },
  env: { type: 'string' },
  ...META_OPTIONS,
  'labels-include-key': { type: 'boolean', default: false },
  'age-recipient': { type: 'string', multiple: true },
  'unused-days': { type: 'string' },
  'global-key': { type: 'boolean', default: false },
  'edge-id-generator': { type: 'string' },
  delete: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

type Values = ValuesOf<typeof OPTIONS>;

/** Standard-input order: the Portainer credential, then the age passphrase. */
const SECRETS: readonly SecretSpec[] = [...SERVER_SECRETS, { name: 'age-passphrase', label: 'the age passphrase', prompt: 'age passphrase for the export: ' }];

/** What runExport needs of defineCommand's context. */
interface SecretAccess {
  hasSecret(name: string): boolean;
  secrets(): Promise<Record<string, string>>;
}

export interface ExportCommandDeps {
  /** Profiles / Edge ID memory store (default: the data folder's settings file). */
  store?: KeyValueStore;
  /** The offline copy (default: <data>/prestage.json, mode 0600). */
  prestageStore?: KeyValueStore;
  now?: () => number;
  /** Lower scrypt work factor in tests. */
  scryptWorkFactor?: number;
}

function ids(text: string): number[] {
  const out = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!/^\d+$/.test(s) || Number(s) < 1) throw invalidInput('--environments', `"${s}" is not an environment ID; give IDs like 1,2,3.`);
      return Number(s);
    });
  if (out.length === 0) throw invalidInput('--environments', 'Give at least one environment ID, e.g. --environments 1,2,3.');
  return [...new Set(out)];
}

function globalFormats(text: string): GlobalFormat[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!(GLOBAL_FORMATS as readonly string[]).includes(f)) throw invalidInput('--formats', `An auto-onboarding bundle has the formats ${GLOBAL_FORMATS.join(',')}; "${f}" is not one of them.`);
  return list as GlobalFormat[];
}

function formats(text: string | undefined): BundleFormat[] {
  if (text === undefined) return [...BUNDLE_FORMATS];
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const f of list) if (!(BUNDLE_FORMATS as readonly string[]).includes(f)) throw invalidInput('--formats', `Unknown format "${f}"; use any of ${BUNDLE_FORMATS.join(',')}.`);
  return list as BundleFormat[];
}

export function makeExportCommand(deps: ExportCommandDeps = {}): Command {
  return defineCommand({
    name: 'export',
    usage: USAGE,
    options: OPTIONS,
    secrets: SECRETS,
    async run({ values, io, hasSecret, secrets }) {
      const redactor = new Redactor();
      const logger = createLogger({ scope: 'export', minLevel: 'warn', redactor, sink: (l) => io.stderr(l + '\n') });
      const dataDir = values.data ?? defaultDataDir();
      let profiles: ServerProfiles | undefined;
      try {
        const store = deps.store ?? createFileStore(dataDir);
        profiles = new ServerProfiles({ store, secrets: new MemoryOnlySecrets(), redactor, logger });
        const service = new PrestageService({ cache: new PrestageCache(deps.prestageStore ?? createPrestageFileStore(join(dataDir, 'prestage'))), edgeIds: profiles.edgeIds, ...(deps.now ? { now: deps.now } : {}) });
        return await runExport(values, io, { hasSecret, secrets }, profiles, service, redactor, deps);
      } catch (err) {
        const code = reportError(err, io);
        if (err instanceof AppError && err.field === 'tls') io.stderr(TLS_HINT);
        return code;
      } finally {
        await profiles?.close();
      }
    },
  });
}

async function runExport(values: Values, io: CliIo, given: SecretAccess, profiles: ServerProfiles, service: PrestageService, redactor: Redactor, deps: ExportCommandDeps): Promise<number> {
  // ---- which mode
  const modes = [values.environments !== undefined, values.csv !== undefined, values['unused-days'] !== undefined, values['global-key']].filter(Boolean).length;
  if (modes !== 1) throw invalidInput('--environments', 'Say what to do: --environments 1,2,3, or --csv devices.csv --create|--dry-run, or --unused-days N, or --global-key.');
  if (values['edge-id-generator'] !== undefined && !values['global-key']) throw invalidInput('--edge-id-generator', '--edge-id-generator goes with --global-key (other bundles carry each environment\'s own Edge ID).');
  if (!values.server) throw invalidInput('--server', 'Say which Portainer server: --server https://host:9443.');
  const serverUrl = normaliseBaseUrl(values.server, '--server');
  if (values.insecure && values.pin) throw invalidInput('--pin', 'Use either --pin or --insecure, not both.');
  if (values.offline && values.environments === undefined) throw invalidInput('--offline', '--offline works with --environments only (creating and the unused report need the server).');
  if (values.csv !== undefined && values.create === values['dry-run']) throw invalidInput('--csv', 'With --csv, give either --dry-run (report only) or --create.');
  if (values.delete && values['unused-days'] === undefined) throw invalidInput('--delete', '--delete goes with --unused-days N.');
  const exporting = values['unused-days'] === undefined && !values['dry-run'];
  if (exporting && !values.out) throw invalidInput('--out', 'Say where to write the export: --out DIR (a new folder; with encryption, the folder for the .tar.age file).');
  const platform = values.platform;
  if (platform !== undefined && !(DEVICE_PLATFORMS as readonly string[]).includes(platform)) throw invalidInput('--platform', `Use one of ${DEVICE_PLATFORMS.join(', ')}.`);
  const fmts = values['global-key'] ? [] : formats(values.formats);
  if (values['image-archive'] !== undefined && !values['include-image']) throw invalidInput('--image-archive', 'Give --image-archive FILE together with --include-image (it says where the included image comes from).');
  const recipients = values['age-recipient'] ?? [];
  if (recipients.length && given.hasSecret('age-passphrase')) throw invalidInput('--age-recipient', 'Encrypt with either --age-recipient or --age-passphrase-stdin, not both.');

  // ---- secrets (standard input: the credential first, then the passphrase)
  const auth = serverAuthOf(given.hasSecret);
  if (!auth && !values.offline) throw invalidInput('--password-stdin', 'Give credentials on standard input or in a file: --password-stdin|--password-file FILE (with --username) or --api-key-stdin|--api-key-file FILE (or --offline to export from the local copy).');
  const secrets = await given.secrets();
  const password = auth && !values.offline ? secrets[auth] : undefined;
  const passphrase = secrets['age-passphrase'];
  redactor.add(password);
  redactor.add(passphrase);
  const encrypt: AgeTarget | undefined = passphrase ? { passphrase } : recipients.length ? { recipients } : undefined;

  let connection: PrestageConnection | undefined;
  const connect = async (): Promise<PrestageConnection> => {
    if (connection) return connection;
    const id = await connectServer({ ...values, server: serverUrl }, profiles, io, auth!, password!);
    const conn = await profiles.connection(id);
    await conn.client.authenticate();
    connection = { client: conn.client, serverUrl, profileId: id };
    return connection;
  };
  const meta = metaFromFlags(values);
  const loadOptions = {
    ...(platform ? { platform: platform as DevicePlatform } : {}),
    ...(meta ? { meta } : {}),
    ...(values['no-insecure-poll'] ? { insecurePoll: false } : {}),
    ...(values.env !== undefined ? { envVars: values.env } : {}),
  };
  const exportRequest = () => ({
    outDir: values.out!,
    formats: fmts,
    ...(values.expires ? { expires: values.expires } : {}),
    ...(values['labels-include-key'] ? { labelsIncludeKey: true } : {}),
    ...(encrypt ? { encrypt } : {}),
    ...(deps.scryptWorkFactor !== undefined ? { scryptWorkFactor: deps.scryptWorkFactor } : {}),
    ...(values['include-image'] ? { image: values['image-archive'] !== undefined ? { from: 'archive' as const, path: values['image-archive'] } : { from: 'engine' as const } } : {}),
  });

  // ---- unused tokens
  if (values['unused-days'] !== undefined) {
    const text = values['unused-days'];
    if (!/^\d+$/.test(text)) throw invalidInput('--unused-days', `--unused-days takes a whole number of days, not "${text}".`);
    const conn = await connect();
    const report = await service.unusedReport(conn, Number(text));
    if (values.json && !values.delete) {
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    io.stdout(`Edge environments that never checked in: ${report.items.length}; created ${report.days} or more days ago: ${report.eligible.length}.\n`);
    for (const i of report.items) {
      io.stdout(`  ${String(i.environmentId).padStart(5)}  ${i.name}  ${i.createdAt ? `created ${i.createdAt.slice(0, 10)} (${i.ageDays} d)` : 'creation date unknown (not created through Edgedeck): never deleted in bulk'}${i.eligible ? '  ← unused' : ''}\n`);
    }
    if (!values.delete) {
      if (report.eligible.length) io.stdout(`To delete the ${report.eligible.length} unused environment(s): add --delete --yes.\n`);
      return 0;
    }
    if (!values.yes) {
      io.stderr(`edgedeck: --delete removes ${report.eligible.length} environment(s) (${report.eligible.join(', ') || 'none'}) from ${serverUrl}; confirm with --yes.\n`);
      return EXIT_USAGE;
    }
    const r = await service.deleteUnused(conn, report.eligible, true);
    for (const x of r.removed) io.stdout(`removed environment ${x.id} (${x.name})\n`);
    for (const x of r.skipped) io.stdout(`kept environment ${x.id}: ${x.reason}\n`);
    io.stdout(`${r.removed.length} removed, ${r.skipped.length} kept.\n`);
    return 0;
  }

  // ---- CSV: dry run / create
  if (values.csv !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(values.csv);
    } catch (e) {
      throw invalidInput('--csv', `Cannot read ${values.csv}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
    }
    const csv = parseDevicesCsv(bytes);
    for (const w of csv.warnings) io.stderr(`edgedeck: note: ${w}\n`);
    const conn = await connect();
    const plan = await service.planImport(conn, csv.rows, csv.errors, { createGroups: values['create-groups'], createGroupsControl: '--create-groups' });
    printPlan(plan, io, values.json);
    if (values['dry-run']) {
      io.stdout(`Dry run: nothing was created. ${plan.create} to create, ${plan.exists} existing, ${plan.errors} in error.\n`);
      return plan.errors ? EXIT_USAGE : 0;
    }
    if (plan.errors) {
      io.stderr(`edgedeck: ${plan.errors} row(s) have problems (listed above); fix the CSV and run again. Nothing was created.\n`);
      return EXIT_USAGE;
    }
    const result = await service.runImport(conn, plan, { ...loadOptions, portainerUrl: values.url ? normaliseBaseUrl(values.url, '--url') : serverUrl });
    for (const i of result.items) if (i.action === 'failed') io.stderr(`edgedeck: row ${i.row} (${i.name}): ${i.message}\n`);
    io.stdout(`Created ${result.created}, existing ${result.items.filter((i) => i.action === 'existing').length}, failed ${result.failed}.\n`);
    if (result.envs.length === 0) return 1;
    const out = await service.exportTo(result.envs, exportRequest());
    warnNewer(io, result.envs.map((e) => e.agentVersion));
    io.stdout(exportText(out));
    return result.failed ? 1 : 0;
  }

  // ---- auto-onboarding with the global key
  if (values['global-key']) {
    if (values.offline) throw invalidInput('--offline', '--global-key reads the server\'s tunnel fingerprint and version: it needs the server.');
    if (platform !== undefined && platform !== 'standalone' && platform !== 'podman') throw invalidInput('--platform', 'An auto-onboarding bundle installs with Docker (standalone) or Podman; use --platform standalone or podman.');
    const conn = await connect();
    const out = await exportGlobalBundle(conn.client, {
      outDir: values.out!,
      serverUrl,
      portainerUrl: values.url ? normaliseBaseUrl(values.url, '--url') : serverUrl,
      ...(platform ? { platform: platform as 'standalone' | 'podman' } : {}),
      ...(values.formats !== undefined ? { formats: globalFormats(values.formats) } : {}),
      ...(values['no-insecure-poll'] ? { insecurePoll: false } : {}),
      ...(values.env !== undefined ? { envVars: values.env } : {}),
      ...(meta ? { meta } : {}),
      ...(values['edge-id-generator'] !== undefined ? { edgeIdGenerator: values['edge-id-generator'] } : {}),
      ...(values.expires ? { expires: values.expires } : {}),
      ...(encrypt ? { encrypt } : {}),
      ...(deps.scryptWorkFactor !== undefined ? { scryptWorkFactor: deps.scryptWorkFactor } : {}),
    }, deps.now);
    warnNewer(io, [out.agentVersion]);
    io.stdout(
      out.encrypted
        ? `Wrote ${out.path} (age-encrypted tar of the auto-onboarding bundle, ${out.files} files); open it with: age -d ${out.path} | tar x\n`
        : `Wrote the auto-onboarding bundle (${out.files} files, global key, agent ${out.agentVersion}) to ${out.path}/auto-onboard: one bundle for any number of devices.\n`,
    );
    return 0;
  }

  // ---- existing environments
  const wanted = ids(values.environments!);
  const loaded = await service.loadForExport(values.offline ? undefined : connect, serverUrl, wanted, loadOptions);
  for (const w of loaded.warnings) io.stderr(`edgedeck: warning: ${w}\n`);
  const out = await service.exportTo(loaded.envs, exportRequest());
  warnNewer(io, loaded.envs.map((e) => e.agentVersion));
  io.stdout(exportText(out));
  return 0;
}

/** What each bundle's README warns about a server newer than the newest release line we know, on stderr too (once per version). */
function warnNewer(io: CliIo, versions: string[]): void {
  for (const v of new Set(versions)) {
    const warning = newerThanKnownWarning(v);
    if (warning) io.stderr(`edgedeck: warning: ${warning}\n`);
  }
}

function printPlan(plan: ImportPlan, io: CliIo, json: boolean): void {
  if (json) {
    io.stdout(JSON.stringify({ ...plan, items: plan.items.map(({ device: _d, ...rest }) => rest) }, null, 2) + '\n');
    return;
  }
  const word = { create: 'will create', exists: 'exists', error: 'ERROR' } as const;
  for (const i of plan.items) {
    io.stdout(i.action === 'error' ? `  ${problemText({ row: i.row, ...(i.name ? { name: i.name } : {}), message: i.message })}\n` : `  row ${i.row} (${i.name}): ${word[i.action]}: ${i.message}\n`);
  }
}

function exportText(o: { path: string; files: number; devices: number; encrypted: boolean }): string {
  return o.encrypted
    ? `Wrote ${o.path} (age-encrypted tar of ${o.files} files for ${o.devices} device(s)); open it with: age -d ${o.path} | tar x\n`
    : `Wrote ${o.files} files for ${o.devices} device(s) to ${o.path} (folders 0700; files with the join token 0600).\n`;
}

export const exportCommand: Command = makeExportCommand();
