/**
 * The agent image as an archive on this computer (what `docker save` writes and `docker load` /
 * `podman load` read): from the admin's local engine (its CLI, `docker save`) or from an archive
 * file the user has. Each archive is read once, computing its sha256 and reading its
 * manifest.json (the tags it holds and its config, whose digest is the image ID) on the way.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { AppError, invalidInput } from '../../shared/contract/errors';
import { agentImage, releaseLineFor } from '../../shared/domain/releaseLines';
import type { Platform } from '../../shared/domain/types';
import { sameImage } from './preflight';

/** Where the image comes from: this computer's engine (docker save) or an archive file. */
export type ImageSource = { from: 'engine'; cli?: string; env?: NodeJS.ProcessEnv } | { from: 'archive'; path: string };

export interface ImageArchive {
  image: string;
  path: string;
  size: number;
  sha256: string;
  /** The image ID (sha256:<config digest>) when the archive says it. */
  id?: string;
  /** Tags the archive holds. */
  tags: string[];
}

/** One entry of a docker-archive (or OCI layout with docker's manifest.json) manifest.json. */
interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
}

/** The image ID a manifest's Config names: `<hex>.json` (docker-archive) or `blobs/sha256/<hex>` (OCI layout). */
export function configId(config: string | undefined): string | undefined {
  const m = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(config ?? '');
  return m ? `sha256:${m[1]}` : undefined;
}

/** Streams a tar through sha256 and the tar parser: its digest, size, and manifest.json's entries. */
async function digestArchive(read: NodeJS.ReadableStream, copyTo?: string): Promise<{ sha256: string; size: number; manifest?: ManifestEntry[] }> {
  const hash = createHash('sha256');
  let size = 0;
  let manifestText: string | undefined;
  const parser = new Parser({
    onReadEntry: (e: ReadEntry) => {
      if (e.path.replace(/^\.\//, '') === 'manifest.json' && e.size < 4 * 1024 * 1024) {
        const parts: Buffer[] = [];
        e.on('data', (d: Buffer) => parts.push(d));
        e.on('end', () => (manifestText = Buffer.concat(parts).toString('utf8')));
      } else e.resume();
    },
  });
  let parserError: Error | undefined;
  parser.on('warn', (_code: string, message: string | Error) => (parserError ??= message instanceof Error ? message : new Error(message)));
  const file = copyTo ? createWriteStream(copyTo, { mode: 0o600, flags: 'wx' }) : undefined;
  const fileClosed = file ? new Promise<void>((resolve, reject) => (file.on('close', resolve), file.on('error', reject))) : Promise.resolve();
  const writeTo = (w: { write(c: Buffer, cb: (e?: Error | null) => void): unknown }, chunk: Buffer) => new Promise<void>((resolve, reject) => void w.write(chunk, (e) => (e ? reject(e) : resolve())));
  // One pass: each chunk is hashed, parsed and (for docker save) written out before the next is read.
  const tee = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      Promise.all([writeTo(parser as never, chunk), file ? writeTo(file, chunk) : undefined]).then(() => cb(), cb);
    },
    final(cb) {
      parser.end();
      file?.end();
      cb();
    },
  });
  try {
    await Promise.all([pipeline(read, tee), fileClosed]);
  } catch (e) {
    file?.destroy();
    throw e;
  }
  let manifest: ManifestEntry[] | undefined;
  try {
    manifest = manifestText ? (JSON.parse(manifestText) as ManifestEntry[]) : undefined;
  } catch {
    manifest = undefined;
  }
  if (!manifest && parserError) throw new AppError('invalid_input', `Not an image archive (tar): ${parserError.message}`, 'imageArchive');
  return { sha256: hash.digest('hex'), size, ...(manifest ? { manifest } : {}) };
}

/** The manifest entry of `image` in an archive, or the reason it cannot be used. */
function pickImage(manifest: ManifestEntry[] | undefined, image: string, what: string): ManifestEntry {
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new AppError('invalid_input', `${what} has no manifest.json: it is not an image archive as docker save writes it. Make one with: docker save -o agent.tar ${image}`, 'imageArchive');
  }
  const hit = manifest.find((m) => (m.RepoTags ?? []).some((t) => sameImage(t, image)));
  if (!hit) {
    const tags = manifest.flatMap((m) => m.RepoTags ?? []);
    throw new AppError('invalid_input', `${what} holds ${tags.length ? tags.join(', ') : 'an image without a tag'}, not ${image}. Make one with: docker save -o agent.tar ${image}`, 'imageArchive');
  }
  return hit;
}

/** Reads an archive file the user gave: its sha256, size, and that it holds `image`. */
export async function readImageArchive(path: string, image: string): Promise<ImageArchive> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (e) {
    throw new AppError('invalid_input', `Cannot read the image archive ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, 'imageArchive');
  }
  const d = await digestArchive(createReadStream(path));
  if (d.size !== size) throw new AppError('invalid_input', `The image archive ${path} changed while it was read (${size} then ${d.size} bytes).`, 'imageArchive');
  const entry = pickImage(d.manifest, image, `The image archive ${path}`);
  const id = configId(entry.Config);
  return { image, path, size, sha256: d.sha256, tags: entry.RepoTags ?? [], ...(id ? { id } : {}) };
}

function cliOf(source: Extract<ImageSource, { from: 'engine' }>): string {
  return source.cli ?? 'docker';
}

/** Runs the local engine's CLI; resolves its stdout, rejects with its error line. */
function runCli(source: Extract<ImageSource, { from: 'engine' }>, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cliOf(source), args, { env: source.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new AppError('unavailable', `${cliOf(source)} is not installed on this computer (not on PATH), so the image cannot be saved from a local engine. Save it on a machine that has it (docker save -o agent.tar IMAGE) and give the archive file instead.`, 'pushImage') : e));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err.trim().split('\n').pop() || `exit ${code}`))));
  });
}

/** The image ID in this computer's engine (checks that it has the image, before anything is saved). */
export async function localImageId(source: Extract<ImageSource, { from: 'engine' }>, image: string, signal?: AbortSignal): Promise<string> {
  try {
    return (await runCli(source, ['image', 'inspect', '--format', '{{.Id}}', image], signal)).trim();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('unavailable', `This computer's ${cliOf(source)} has no image ${image} (${(e as Error).message}). Pull it here first (${cliOf(source)} pull ${image}), or give an archive file of it.`, 'pushImage');
  }
}

/** `docker save image` into `dest` (created 0600, must not exist), hashed on the way. */
export async function saveImage(source: Extract<ImageSource, { from: 'engine' }>, image: string, dest: string, signal?: AbortSignal): Promise<ImageArchive> {
  const p = spawn(cliOf(source), ['save', image], { env: source.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    p.on('error', reject);
    p.on('close', resolve);
  });
  let d;
  try {
    [d] = await Promise.all([digestArchive(p.stdout, dest), exited.then((code) => (code === 0 ? undefined : Promise.reject(new Error(err.trim().split('\n').pop() || `exit ${code}`))))]);
  } catch (e) {
    rmSync(dest, { force: true });
    if (signal?.aborted) throw new AppError('cancelled', 'Cancelled.');
    throw new AppError('unavailable', `${cliOf(source)} save ${image} failed on this computer: ${(e as Error).message}`, 'pushImage');
  }
  const entry = pickImage(d.manifest, image, `${cliOf(source)} save's archive`);
  const id = configId(entry.Config);
  return { image, path: dest, size: d.size, sha256: d.sha256, tags: entry.RepoTags ?? [], ...(id ? { id } : {}) };
}

/**
 * The image for a run, made once and shared by its hosts: an archive file is read when the run
 * starts; a local engine's image is looked up then (so a missing image fails the run at once) and
 * saved into a private temp folder when the first host needs it. `dispose()` removes that folder.
 */
export class RunImage {
  private archive?: Promise<ImageArchive>;
  private dir?: string;
  /** How long a host may take no data before its push is ended (default: imagePush.ts PUSH_STALL_MS). */
  stallMs?: number;
  private constructor(
    readonly source: ImageSource,
    readonly image: string,
    /** The ID the source has, known before any save. */
    readonly id: string | undefined,
    archive?: ImageArchive,
  ) {
    if (archive) this.archive = Promise.resolve(archive);
  }

  static async open(source: ImageSource, image: string, signal?: AbortSignal): Promise<RunImage> {
    if (source.from === 'archive') {
      const a = await readImageArchive(source.path, image);
      return new RunImage(source, image, a.id, a);
    }
    return new RunImage(source, image, await localImageId(source, image, signal));
  }

  /** The archive to send (saved on first use). */
  get(signal?: AbortSignal): Promise<ImageArchive> {
    if (!this.archive && this.source.from === 'engine') {
      this.dir ??= mkdtempSync(join(tmpdir(), 'edgedeck-image-'));
      const p = saveImage(this.source, this.image, join(this.dir, 'image.tar'), signal);
      // A failed or cancelled save is tried again by the next host that needs it.
      p.catch(() => (this.archive = undefined));
      this.archive = p;
    }
    return this.archive!;
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The agent image an install of `platform` runs (the installer's preflight and run use the same). */
export function agentImageFor(platform: Platform, agentVersion: string): string {
  return agentImage(releaseLineFor(agentVersion, 'agentVersion').line, platform === 'podman' ? 'podman' : 'standalone', agentVersion);
}

/** The run's image for --push-image; Kubernetes is refused (its nodes' runtime is not the SSH target's engine). */
export async function openRunImage(source: ImageSource, platform: Platform, agentVersion: string, signal?: AbortSignal, stallMs?: number): Promise<RunImage> {
  if (platform === 'kubernetes' || platform === 'nomad') {
    throw invalidInput('pushImage', `Pushing the agent image loads it into the host's Docker or Podman engine; a ${platform} cluster pulls through its nodes' runtime. Load the image on each node (e.g. ctr -n k8s.io images import <archive>) or leave the push option off.`);
  }
  const img = await RunImage.open(source, agentImageFor(platform, agentVersion), signal);
  if (stallMs !== undefined) img.stallMs = stallMs;
  return img;
}
