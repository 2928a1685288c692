import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { dataFolder, envFolder, legacyDataMoves, logFolder, type DataMove, type PlatformContext } from '../../shared/domain/platformPaths';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenTree, type PrivacyOptions } from './privateFiles';

/** What Edgedeck keeps in the data folder (tightened on start; on macOS and Windows the folder also holds Electron's caches). */
export const DATA_ENTRIES = ['settings.json', 'prestage', 'local-server', 'runs'];

/** This process's platform context. */
export function currentPlatform(): PlatformContext {
  return { platform: process.platform, env: process.env, home: homedir() };
}

/** The log folder for this process (the OS's convention, shared with the desktop app); EDGEDECK_LOG_DIR overrides it. */
export function sessionLogFolder(ctx: PlatformContext = currentPlatform()): string {
  return envFolder(ctx, 'EDGEDECK_LOG_DIR') ?? logFolder(ctx);
}

export interface PreparedDataFolder {
  dir: string;
  /** One line per piece of old data moved in (or left because the new place already had it). */
  messages: string[];
}

/**
 * Moves `from` to `to` once: a rename when `to` is free (a copy then delete across file systems);
 * folders merge entry by entry; when both sides hold the same file, the old one is left and named.
 */
function moveOnce(from: string, to: string, messages: string[]): void {
  if (!existsSync(from) || resolve(from) === resolve(to)) return;
  if (!existsSync(to)) {
    ensurePrivateDir(dirname(to));
    try {
      renameSync(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      cpSync(from, to, { recursive: true, preserveTimestamps: true });
      rmSync(from, { recursive: true, force: true });
    }
    messages.push(`moved ${from} to ${to}`);
    return;
  }
  if (statSync(from).isDirectory() && statSync(to).isDirectory()) {
    for (const name of readdirSync(from)) moveOnce(join(from, name), join(to, name), messages);
    try {
      rmdirSync(from);
    } catch {
      /* something was left in it (reported above) */
    }
    return;
  }
  if (from.endsWith('.json') && mergeJsonInto(from, to)) {
    rmSync(from, { force: true });
    messages.push(`merged ${from} into ${to} (where both had an entry, the one already in ${to} was kept)`);
    return;
  }
  messages.push(`left ${from} in place: ${to} already exists (compare them and delete the one you do not need)`);
}

/**
 * Both the desktop app and the CLI had a settings file (hosts trusted in one, profiles made in the
 * other): objects merge key by key, lists of records by their `id`; on a clash the target wins.
 * False (nothing written) when either file is not a JSON object.
 */
function mergeJsonInto(from: string, to: string): boolean {
  let older: unknown;
  let newer: unknown;
  try {
    older = JSON.parse(readFileSync(from, 'utf8'));
    newer = JSON.parse(readFileSync(to, 'utf8'));
  } catch {
    return false;
  }
  if (!isObject(older) || !isObject(newer)) return false;
  const tmp = `${to}.${process.pid}.merge`;
  writeFileSync(tmp, JSON.stringify(mergeValues(older, newer), null, '\t'), { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, to);
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeValues(older: unknown, newer: unknown): unknown {
  if (isObject(older) && isObject(newer)) {
    const out: Record<string, unknown> = { ...older };
    for (const [k, v] of Object.entries(newer)) out[k] = k in older ? mergeValues(older[k], v) : v;
    return out;
  }
  if (Array.isArray(older) && Array.isArray(newer)) {
    const idOf = (x: unknown) => (isObject(x) && typeof x.id === 'string' ? x.id : undefined);
    const have = new Set(newer.map(idOf).filter((id) => id !== undefined));
    return [...newer, ...older.filter((x) => idOf(x) !== undefined && !have.has(idOf(x)!))];
  }
  return newer;
}

/**
 * The data folder, ready: earlier versions' data moved in once (only into the OS's default
 * folder, never into a --data folder the user chose), the folder 0700 and what it holds 0600
 * (or the Windows ACL).
 */
export function prepareDataFolder(o: { dir?: string; ctx?: PlatformContext; moves?: DataMove[]; privacy?: PrivacyOptions } = {}): PreparedDataFolder {
  const ctx = o.ctx ?? currentPlatform();
  const dir = o.dir ?? dataFolder(ctx);
  const messages: string[] = [];
  if (o.dir === undefined) {
    for (const m of o.moves ?? legacyDataMoves(ctx)) {
      try {
        moveOnce(m.from, m.to, messages);
      } catch (e) {
        messages.push(`could not move ${m.from} to ${m.to} (${(e as Error).message}); it stays where it is`);
      }
    }
  }
  const privacy = { platform: ctx.platform, env: ctx.env, ...o.privacy };
  ensurePrivateDir(dir, privacy);
  tightenTree(dir, { ...privacy, entries: DATA_ENTRIES });
  return { dir, messages };
}
