import { createPortainerHandlers } from '../../services/handlers/portainer';
import { createLogger } from '../../services/logging/logger';
import { groupTagCalls } from '../../services/portainer/groupTagCalls';
import { Redactor } from '../../services/logging/redact';
import { ServerProfiles } from '../../services/profiles/serverProfiles';
import { MemoryOnlySecrets } from '../../services/secrets/secretStore';
import { createFileStore } from '../../services/stores/fileStore';
import type { KeyValueStore } from '../../services/stores/keyValueStore';
import { calls, type CallName } from '../../shared/contract/calls';
import { AppError, invalidInput, withCreated } from '../../shared/contract/errors';
import { resolveGroupAndTags, resolveNames, type Named } from '../../shared/domain/groupsAndTags';
import type { EnvironmentDetailView, EnvironmentView } from '../../shared/schemas/portainer';
import { defaultDataDir } from '../paths';
import { defineCommand, type ValuesOf } from '../defineCommand';
import { pollFlag, withFlagNames } from '../flags';
import { EXIT_USAGE, reportError, type CliIo, type Command } from '../io';
import { checkServerFlags, connectServer, SERVER_OPTIONS, SERVER_SECRETS, TLS_HINT } from '../serverConnection';

const USAGE = `edgedeck env <list|show|create|update|delete|waiting|trust> [options]

  list   [--search S] [--state alive|lost|never] [--start N] [--limit N] [--all-types] [--json]
  show   ID
  create --name N [--url PORTAINER_URL_FOR_AGENTS] [--poll SECONDS] [--group G] [--tags a,b] [--engine docker|podman]
         [--tunnel-server-address HOST:PORT]   (Business Edition without one in its settings; default: the URL's host:8000)
  update ID [--name N] [--poll SECONDS] [--group G] [--tags a,b]
  delete ID
  waiting [--json]        devices waiting for trust (Business Edition's waiting room)
  trust   ID... [--group G] [--tags a,b] [--edge-groups x,y]

Server (one of):
  --server URL            e.g. https://portainer.example.com:9443
  --profile NAME          a server saved in Edgedeck (serve mode data folder, or --data DIR)
Credentials (from standard input or a file, never from the command line):
  --username U --password-stdin | --password-file FILE     (username defaults to admin)
  --api-key-stdin | --api-key-file FILE
Certificate (https):
  default: the system's CA store; --pin SHA256 to trust exactly one certificate; --insecure to skip checks

Groups, tags and Edge groups are given by name and created when missing. create prints the environment as JSON,
with the Edge key and the Edge ID to install the agent with. Exit codes: 0 ok, 2 bad input, 1 server error.`;

const OPTIONS = {
  ...SERVER_OPTIONS,
  profile: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean', default: false },
  search: { type: 'string' },
  state: { type: 'string' },
  start: { type: 'string' },
  limit: { type: 'string' },
  'all-types': { type: 'boolean', default: false },
  name: { type: 'string' },
  url: { type: 'string' },
  poll: { type: 'string' },
  group: { type: 'string' },
  tags: { type: 'string' },
  engine: { type: 'string' },
  'edge-groups': { type: 'string' },
  'tunnel-server-address': { type: 'string' },
} as const;

type Values = ValuesOf<typeof OPTIONS>;

/** For tests: where the Edge ID memory and profiles live. */
export interface EnvCommandDeps {
  store?: KeyValueStore;
}

function int(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw invalidInput(flag, `${flag} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${value}".`);
  return Number(value);
}

function parse<C extends CallName>(name: C, payload: unknown) {
  const result = (calls[name].request as { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string }[] } } }).safeParse(payload);
  if (!result.success) {
    const issue = result.error!.issues[0];
    const field = issue?.path.map(String).join('.') || 'input';
    throw invalidInput(field, issue?.message ?? 'invalid input');
  }
  return result.data;
}

function envId(positionals: string[]): number {
  const text = positionals[1];
  if (!text) throw invalidInput('ID', 'Give the environment ID, e.g. edgedeck env show 12.');
  const id = int(text, 'ID', 1);
  return id!;
}

function tagNames(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function ago(nowSec: number, t: number): string {
  if (t <= 0) return 'never';
  const s = Math.max(0, nowSec - t);
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

function table(items: EnvironmentView[]): string {
  const rows = [['ID', 'NAME', 'STATE', 'LAST CHECK-IN', 'POLL', 'GROUP', 'EDGE ID']];
  for (const e of items) {
    rows.push([String(e.id), e.name, e.edge ? e.state : `type ${e.type}`, ago(e.queryDate, e.lastCheckIn), e.checkinInterval ? `${e.checkinInterval}s` : 'default', String(e.groupId), e.edgeId ?? '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** The JSON printed for show/create/update: what an install script needs first. */
function envJson(d: EnvironmentDetailView, extra: Record<string, unknown> = {}): string {
  const e = d.environment;
  const out = {
    id: e.id,
    name: e.name,
    edgeKey: e.edgeKey ?? null,
    edgeId: d.edgeId.value,
    edgeIdSource: d.edgeId.source,
    edgeIdBound: d.edgeId.bound,
    portainerUrl: d.key?.fields.portainerUrl ?? null,
    tunnelAddress: d.key?.fields.tunnelAddress ?? null,
    groupId: e.groupId,
    tagIds: e.tagIds,
    pollSeconds: d.heartbeat.intervalSeconds,
    containerEngine: e.containerEngine,
    state: e.state,
    lastCheckIn: e.lastCheckIn,
    lostInSeconds: d.heartbeat.lostInSeconds,
    // Only Edgedeck's local server tells the tunnel's state; null for a real Portainer.
    tunnel: e.tunnel ?? null,
    agentVersion: d.agentVersion ?? null,
    serverVersion: d.serverVersion,
    agentSecret: d.agentSecret,
    ...extra,
    warnings: [...d.warnings, ...(d.key?.warnings.map((w) => `${w.field}: ${w.message}`) ?? []), ...(d.keyError ? [d.keyError] : [])],
  };
  return JSON.stringify(out, null, 2) + '\n';
}

const VERBS = ['list', 'show', 'create', 'update', 'delete', 'waiting', 'trust'];

function envIds(positionals: string[]): number[] {
  const texts = positionals.slice(1);
  if (!texts.length) throw invalidInput('ID', 'Give the ID of each device to trust, e.g. edgedeck env trust 12 13 (see edgedeck env waiting).');
  return [...new Set(texts.map((t) => int(t, 'ID', 1)!))];
}

export function makeEnvCommand(deps: EnvCommandDeps = {}): Command {
  return defineCommand({
    name: 'env',
    usage: USAGE,
    options: OPTIONS,
    positionals: true,
    secrets: SERVER_SECRETS,
    async run({ values, positionals, io, hasSecret, secrets }) {
      const verb = positionals[0];
      if (!verb || !VERBS.includes(verb)) {
        io.stderr(`edgedeck: env needs one of ${VERBS.join(', ')}.\n\nUsage: ${USAGE}\n`);
        return EXIT_USAGE;
      }
      const redactor = new Redactor();
      const logger = createLogger({ scope: 'env', minLevel: 'warn', redactor, sink: (l) => io.stderr(l + '\n') });
      const store = deps.store ?? createFileStore(values.data ?? defaultDataDir());
      const profiles = new ServerProfiles({ store, secrets: new MemoryOnlySecrets(), redactor, logger });
      try {
        const auth = checkServerFlags(values, hasSecret, { profiles: true });
        await connectServer(values, profiles, io, auth, (await secrets())[auth]!);
        return await runVerb(verb, values, positionals, profiles, io);
      } catch (err) {
        const code = reportError(err, io);
        if (err instanceof AppError && err.field === 'tls') io.stderr(TLS_HINT);
        return code;
      } finally {
        await profiles.close();
      }
    },
  });
}

async function runVerb(verb: string, values: Values, positionals: string[], profiles: ServerProfiles, io: CliIo): Promise<number> {
  const h = createPortainerHandlers({ profiles, logger: createLogger({ minLevel: 'error', sink: (l) => io.stderr(l + '\n') }) });
  switch (verb) {
    case 'list': {
      const req = parse('environments:list', {
        search: values.search,
        state: values.state,
        start: int(values.start, '--start', 1),
        limit: int(values.limit, '--limit', 1),
        edgeOnly: !values['all-types'],
      }) as Parameters<typeof h['environments:list']>[0];
      const page = await h['environments:list'](req);
      if (values.json) io.stdout(JSON.stringify(page, null, 2) + '\n');
      else {
        io.stdout(table(page.items));
        io.stdout(`${page.items.length} shown of ${page.total}\n`);
      }
      return 0;
    }
    case 'show': {
      const d = await h['environments:get']({ id: envId(positionals) });
      io.stdout(envJson(d));
      return 0;
    }
    case 'create': {
      if (!values.name) throw invalidInput('--name', 'Give the environment a name: --name NAME.');
      const group = values.group?.trim();
      // The contract's field names, as the user typed them here.
      const flags = { tunnelServerAddress: '--tunnel-server-address', portainerUrl: '--url' };
      const req = withFlagNames(flags, () => parse('environments:create', {
        name: values.name,
        portainerUrl: values.url,
        pollSeconds: pollFlag(values.poll, '--poll'),
        ...(group ? { groupName: group } : {}),
        tagNames: tagNames(values.tags),
        containerEngine: values.engine,
        tunnelServerAddress: values['tunnel-server-address'],
      })) as Parameters<typeof h['environments:create']>[0];
      const d = await Promise.resolve(h['environments:create'](req)).catch((e: unknown) =>
        withFlagNames(flags, () => {
          throw e;
        }),
      );
      io.stdout(envJson(d, { created: { group: d.created.group?.name ?? null, tags: d.created.tags.map((t) => t.name) } }));
      return 0;
    }
    case 'update': {
      const id = envId(positionals);
      if (values['edge-groups'] !== undefined) throw invalidInput('--edge-groups', 'applies to env trust; Edge group membership is not part of an update.');
      const conn = await profiles.connection();
      const names = tagNames(values.tags);
      const made: { group?: Named; tags: Named[] } = { tags: [] };
      const createdText = () => [...(made.group ? [`group "${made.group.name}"`] : []), ...made.tags.map((t) => `tag "${t.name}"`)];
      const r = await resolveGroupAndTags(groupTagCalls(conn.client, { create: true }), { ...(values.group ? { group: values.group } : {}), ...(names ? { tags: names } : {}) }, made).catch((e: unknown) => {
        throw withCreated(e, createdText());
      });
      const groupId = r.groupId;
      const tagIds = names ? (r.tagIds ?? []) : undefined;
      const created = createdText();
      const req = parse('environments:update', { id, name: values.name, pollSeconds: pollFlag(values.poll, '--poll'), groupId, tagIds }) as Parameters<typeof h['environments:update']>[0];
      try {
        const d = await h['environments:update'](req);
        io.stdout(envJson(d, { created }));
      } catch (e) {
        throw withCreated(e, created);
      }
      return 0;
    }
    case 'waiting': {
      const conn = await profiles.connection();
      const page = await conn.client.listEnvironments({ untrusted: true, types: [4, 7] });
      const items = page.items.map((e) => ({ Id: e.id, Name: e.name, EdgeID: e.edgeId ?? '', GroupId: e.groupId, TagIds: e.tagIds, LastCheckInDate: e.lastCheckIn }));
      if (values.json) io.stdout(JSON.stringify(items, null, 2) + '\n');
      else {
        io.stdout(table(page.items));
        io.stdout(`${page.items.length} waiting for trust\n`);
      }
      return 0;
    }
    case 'trust': {
      const ids = envIds(positionals);
      const conn = await profiles.connection();
      const names = tagNames(values.tags);
      const made: { group?: Named; tags: Named[] } = { tags: [] };
      const madeEdgeGroups: Named[] = [];
      const createdText = () => [...(made.group ? [`group "${made.group.name}"`] : []), ...made.tags.map((t) => `tag "${t.name}"`), ...madeEdgeGroups.map((g) => `Edge group "${g.name}"`)];
      try {
        const r = await resolveGroupAndTags(groupTagCalls(conn.client, { create: true }), { ...(values.group ? { group: values.group } : {}), ...(names ? { tags: names } : {}) }, made);
        const edgeGroupNames = tagNames(values['edge-groups']);
        const edgeGroupIds = edgeGroupNames ? (await resolveNames(await conn.client.listEdgeGroups(), edgeGroupNames, (name) => conn.client.createEdgeGroup(name), (g) => madeEdgeGroups.push(g))).found.map((g) => g.id) : undefined;
        const relations = { ...(r.groupId !== undefined ? { groupId: r.groupId } : {}), ...(names ? { tagIds: r.tagIds ?? [] } : {}), ...(edgeGroupIds ? { edgeGroupIds } : {}) };
        await conn.client.trustEnvironments(ids, relations);
        io.stdout(JSON.stringify({ trusted: ids, groupId: relations.groupId ?? null, tagIds: relations.tagIds ?? null, edgeGroupIds: edgeGroupIds ?? null, created: createdText() }, null, 2) + '\n');
      } catch (e) {
        throw withCreated(e, createdText());
      }
      return 0;
    }
    case 'delete': {
      const r = await h['environments:delete']({ id: envId(positionals) });
      io.stdout(`deleted environment ${r.deleted}\n`);
      return 0;
    }
  }
  return EXIT_USAGE;
}

export const envCommand: Command = makeEnvCommand();
