import { randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { DownloadTicket } from '../../shared/contract/calls';
import type { Logger } from '../logging/logger';

export type { DownloadTicket };

/**
 * Files main holds for the browser to fetch once (`GET /downloads/<id>` on the web bridge): an
 * export archive full of join tokens. Each is built in its own private folder (0700); the first
 * fetch streams it and removes the folder, and an unfetched one is removed after `ttlMs`.
 */
export const DOWNLOAD_TTL_MS = 10 * 60_000;

/** A download being handed over: stream it to the client; its folder is removed when the stream closes. */
export interface TakenDownload {
  fileName: string;
  size: number;
  contentType: string;
  stream: ReadStream;
}

interface Entry {
  id: string;
  dir: string;
  path: string;
  fileName: string;
  size: number;
  contentType: string;
  expiresAt: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface DownloadRegistryOptions {
  /** Where the private folders go (default: the OS temp folder). */
  root?: string;
  ttlMs?: number;
  now?: () => number;
  logger?: Logger;
}

export class DownloadRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Folders handed out by privateDir and not yet registered or discarded. */
  private readonly pending = new Set<string>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly root: string;

  constructor(private readonly options: DownloadRegistryOptions = {}) {
    this.ttlMs = options.ttlMs ?? DOWNLOAD_TTL_MS;
    this.now = options.now ?? Date.now;
    this.root = options.root ?? tmpdir();
  }

  /** A new folder only this user can enter (0700), to build one download in. */
  privateDir(): string {
    const dir = mkdtempSync(join(this.root, 'edgedeck-download-'));
    chmodSync(dir, 0o700);
    this.pending.add(dir);
    return dir;
  }

  /** Removes a folder from privateDir that will not become a download (the export failed). */
  discard(dir: string): void {
    this.pending.delete(dir);
    this.remove(dir);
  }

  /** Offers `path` (a file directly in a privateDir folder) for one download. */
  register(path: string, options: { contentType?: string } = {}): DownloadTicket {
    const file = resolve(path);
    const dir = dirname(file);
    if (!this.pending.has(dir) || relative(dir, file).includes(sep)) throw new Error(`${file} is not in a download folder of this registry`);
    this.pending.delete(dir);
    const id = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    const timer = setTimeout(() => this.expire(id), this.ttlMs);
    timer.unref?.();
    const entry: Entry = { id, dir, path: file, fileName: basename(file), size: statSync(file).size, contentType: options.contentType ?? 'application/octet-stream', expiresAt, timer };
    this.entries.set(id, entry);
    return { id, fileName: entry.fileName, size: entry.size, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Hands a download over once: afterwards the id is unknown. Undefined for an unknown, taken or
   * expired id. The file's folder is removed as soon as the stream closes (sent or aborted).
   */
  take(id: string): TakenDownload | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    if (this.now() >= entry.expiresAt) {
      this.remove(entry.dir);
      return undefined;
    }
    let stream: ReadStream;
    try {
      // Opened now: the stream reads from this descriptor whatever happens to the folder next.
      stream = createReadStream('', { fd: openSync(entry.path, 'r') });
    } catch (e) {
      this.remove(entry.dir);
      throw e;
    }
    stream.once('close', () => this.remove(entry.dir));
    return { fileName: entry.fileName, size: entry.size, contentType: entry.contentType, stream };
  }

  /** Ids still waiting to be fetched. */
  size(): number {
    return this.entries.size;
  }

  /** Removes every download not yet fetched (on shutdown). */
  close(): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      this.remove(entry.dir);
    }
    this.entries.clear();
    for (const dir of this.pending) this.remove(dir);
    this.pending.clear();
  }

  private expire(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.remove(entry.dir);
    this.options.logger?.info(`an unfetched download (${entry.fileName}) expired and was deleted`);
  }

  private remove(dir: string): void {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      this.options.logger?.warn(`could not remove the download folder ${dir}`, e);
    }
  }
}
