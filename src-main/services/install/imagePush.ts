/**
 * --push-image: brings the agent image to a target that cannot pull it, over the install's own SSH
 * connection. One privileged command on the target receives the archive on its standard input
 * into a fresh root-only folder under /var/tmp, checks its sha256 (sha256sum) against the one
 * computed here, loads it (`docker load -i` / `podman load -i`), prints the loaded image's ID and
 * removes the folder whatever happened. Skipped when the target already has the image with the
 * same ID. A transfer that stalls is ended after a bound; cancel ends it at once.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../../shared/contract/errors';
import { causeLine } from '../../shared/domain/cliError';
import { shellQuote } from '../../shared/domain/shellQuote';
import { execStreaming } from '../ssh/streamExec';
import type { ImageArchive, RunImage } from './imageArchive';
import type { RemoteHost } from './remoteHost';

const MARK = '@@edgedeck push';

/** Every transcript line of the push starts so (the CLI shows them as progress). */
export const PUSH_NOTE = 'image push:';

/** No byte taken by the target for this long ends the push (a dead link, a full disk that blocks). */
export const PUSH_STALL_MS = 60_000;
/** After the last byte: the checksum and the load (a large image on a slow disk). */
export const PUSH_FINISH_MS = 10 * 60_000;

/** Image IDs as docker (`sha256:<hex>`) and podman (`<hex>`) print them, compared. */
export function sameImageId(a: string | undefined, b: string | undefined): boolean {
  const norm = (x: string | undefined) => (x ?? '').trim().replace(/^sha256:/, '');
  return norm(a) !== '' && norm(a) === norm(b);
}

/**
 * The target's side (run privileged, the archive on stdin). Exit codes: 90 the folder could not
 * be made, 91 the archive could not be written, 92 checksum mismatch, 93 not enough space in
 * /var/tmp; otherwise the load's own.
 */
export function pushScript(o: { dir: string; runtime: string; image: string; sha256: string; size: number }): string {
  const d = shellQuote(o.dir);
  const f = shellQuote(`${o.dir}/image.tar`);
  const needK = Math.ceil(o.size / 1024) + 1024;
  return [
    `umask 077; mkdir -m 0700 ${d} || { echo '${MARK} mkdir-failed' >&2; exit 90; }`,
    // The folder goes whatever happens; TERM/HUP (a cancel, a stall) end the script, and so does a
    // write to the connection once it is gone (PIPE): a cancelled push never goes on to load.
    `trap 'rm -rf ${d}' EXIT; trap 'exit 129' HUP; trap 'exit 143' TERM; trap 'exit 141' PIPE`,
    `avail=$(df -Pk ${d} 2>/dev/null | awk 'NR==2 {print $4}')`,
    `if [ -n "$avail" ] && [ "$avail" -lt ${needK} ]; then echo "${MARK} no-space $avail" >&2; exit 93; fi`,
    `cat > ${f} || { echo '${MARK} write-failed' >&2; exit 91; }`,
    `sum=$(sha256sum ${f} | cut -d' ' -f1); echo "${MARK} received $sum"`,
    `[ "$sum" = ${o.sha256} ] || { echo '${MARK} checksum-mismatch' >&2; exit 92; }`,
    `${shellQuote(o.runtime)} load -i ${f} || exit $?`,
    `echo '${MARK} loaded'; ${shellQuote(o.runtime)} image inspect --format '{{.Id}}' ${shellQuote(o.image)}`,
  ].join('\n');
}

export interface PushOutput {
  received?: string;
  loaded: boolean;
  id?: string;
}

export function parsePushOutput(stdout: string): PushOutput {
  const received = new RegExp(`^${MARK} received ([0-9a-f]{64})$`, 'm').exec(stdout)?.[1];
  const at = stdout.indexOf(`${MARK} loaded\n`);
  const id = at >= 0 ? stdout.slice(at + MARK.length + 8).trim().split('\n')[0] : undefined;
  return { loaded: at >= 0, ...(received ? { received } : {}), ...(id ? { id } : {}) };
}

const mb = (n: number) => (n / 1e6).toFixed(1);

/** What went wrong on the target, in words, from the script's exit code and markers. */
export function pushFailure(r: { code: number | null; stdout: string; stderr: string }, a: Pick<ImageArchive, 'size' | 'image'>, runtimeName: string): string {
  const space = new RegExp(`^${MARK} no-space (\\d+)$`, 'm').exec(r.stderr);
  if (space) return `not enough space in /var/tmp on the target for the image archive (${mb(Number(space[1]) * 1024)} MB free, ${mb(a.size)} MB needed). Free space there, then run the install again.`;
  if (r.stderr.includes(`${MARK} checksum-mismatch`)) return `the archive arrived damaged: its sha256 on the target (${parsePushOutput(r.stdout).received ?? '?'}) is not the one sent. Nothing was loaded; run the install again.`;
  if (r.stderr.includes(`${MARK} mkdir-failed`)) return `could not create a private folder in /var/tmp on the target: ${causeLine(r.stderr.replace(`${MARK} mkdir-failed`, ''))}`;
  if (r.stderr.includes(`${MARK} write-failed`)) return `could not write the image archive in /var/tmp on the target: ${causeLine(r.stderr.replace(`${MARK} write-failed`, '')) || 'write error'}`;
  return `${runtimeName} load failed (exit ${r.code}): ${causeLine(r.stderr || r.stdout)}`;
}

export interface PushImageOptions {
  host: RemoteHost;
  /** The runtime's path on the target and its name (docker, podman). */
  runtime: string;
  runtimeName: string;
  image: RunImage;
  /** The image's ID on the target from the preflight (undefined: not there). */
  targetId?: string;
  signal?: AbortSignal;
  stallMs?: number;
  finishMs?: number;
  now?: () => number;
  /** Names the machine in each progress line (a Swarm node other than the one connected to). */
  label?: string;
}

export type PushResult = { pushed: false; id: string } | { pushed: true; id?: string; bytes: number; ms: number };

function pushError(message: string): AppError {
  return new AppError('unavailable', message, 'pushImage', { reason: 'image-push' });
}

/** Loads the run's image on the target unless it has it already (same ID). */
export async function pushImage(o: PushImageOptions): Promise<PushResult> {
  const t = o.host.transcript;
  const note = (text: string) => t.note(`${PUSH_NOTE} ${o.label ? `${o.label}: ` : ''}${text}`);
  const now = o.now ?? Date.now;
  const image = o.image.image;
  if (o.targetId && sameImageId(o.targetId, o.image.id)) {
    note(`skipped, the host has ${image} with the same image ID (${o.targetId})`);
    return { pushed: false, id: o.targetId };
  }
  if (o.targetId) note(`the host's ${image} is ${o.targetId}, this computer's is ${o.image.id ?? 'unknown'}: sending this computer's`);
  if (o.image.source.from === 'engine') note(`saving ${image} from this computer's engine (docker save) for the hosts that need it`);
  const a = await o.image.get(o.signal);
  note(`sending ${image} (${mb(a.size)} MB, sha256 ${a.sha256}) from ${o.image.source.from === 'archive' ? a.path : "this computer's engine"}`);
  const dir = `/var/tmp/edgedeck-image.${randomBytes(8).toString('hex')}`;
  const script = pushScript({ dir, runtime: o.runtime, image, sha256: a.sha256, size: a.size });
  const w = o.host.wrap(script, true);
  const started = now();
  let lastNote = started;
  let sentAt = started;
  const stallMs = o.stallMs ?? o.image.stallMs ?? PUSH_STALL_MS;
  let r;
  try {
    r = await execStreaming(o.host.conn, w.command, {
      ...(w.stdin !== undefined ? { prefix: w.stdin } : {}),
      source: createReadStream(a.path, { highWaterMark: 256 * 1024 }),
      stallMs,
      finishMs: o.finishMs ?? PUSH_FINISH_MS,
      ...(o.signal ? { signal: o.signal } : {}),
      onProgress: (sent) => {
        const at = now();
        if (sent >= a.size) sentAt = at;
        if (at - lastNote < 2000 && sent < a.size) return;
        lastNote = at;
        const s = (at - started) / 1000;
        note(`${mb(sent)} of ${mb(a.size)} MB sent (${Math.floor((100 * sent) / a.size)}%, ${s > 0 ? mb(sent / s) : '–'} MB/s)`);
      },
    });
  } catch (e) {
    // Cancelled (or the channel did not open): the folder goes with the script's traps; this is the fallback.
    await cleanup(o.host, dir);
    throw e;
  }
  t.command({ command: script, sudo: w.sudo, exitCode: r.code, stdout: r.stdout, stderr: r.stderr, ms: r.durationMs, ...(r.timedOut ? { timedOut: true } : {}) });
  const ms = now() - started;
  if (r.code !== 0) await cleanup(o.host, dir);
  if (r.stalled) throw pushError(`the image transfer stalled: the host took no data for ${Math.round(stallMs / 1000)} s (${mb(r.sent)} of ${mb(a.size)} MB sent). Check the network to the host and its disk, then run the install again.`);
  if (r.timedOut) throw pushError(`${o.runtimeName} load did not finish within ${Math.round((o.finishMs ?? PUSH_FINISH_MS) / 1000)} s after the archive arrived. Check the host's disk and ${o.runtimeName}, then run the install again.`);
  if (o.host.conn.isClosed && r.code === null) throw new AppError('unavailable', `The SSH connection was lost while sending the image (${mb(r.sent)} of ${mb(a.size)} MB sent).`, undefined, { reason: 'connection-lost' });
  if (r.code !== 0) throw pushError(pushFailure(r, a, o.runtimeName));
  const out = parsePushOutput(r.stdout);
  if (out.received !== a.sha256) throw pushError(`the host did not confirm the archive's checksum (sha256 ${out.received ?? 'missing'}, sent ${a.sha256}).`);
  if (!out.id) throw pushError(`${o.runtimeName} load ran, but the host has no ${image} afterwards (${causeLine(r.stderr) || 'image inspect failed'}).`);
  const sendS = (sentAt - started) / 1000;
  note(
    `checksum verified on the host (sha256sum); loaded ${image} as ${out.id}${a.id && !sameImageId(out.id, a.id) ? ` (this computer's ID is ${a.id}: the host's engine names images by another digest)` : ''}; ` +
      `${mb(a.size)} MB sent in ${sendS.toFixed(1)} s (${sendS > 0 ? mb(a.size / sendS) : '–'} MB/s), ${((ms - (sentAt - started)) / 1000).toFixed(1)} s more for the checksum and the load`,
  );
  return { pushed: true, id: out.id, bytes: a.size, ms };
}

async function cleanup(host: RemoteHost, dir: string): Promise<void> {
  if (host.conn.isClosed) return;
  const w = host.wrap(`rm -rf ${shellQuote(dir)}`, true);
  await host.conn.exec(w.command, { ...(w.stdin !== undefined ? { stdin: w.stdin } : {}), timeoutMs: 20_000 }).catch(() => undefined);
}
