import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../shared/contract/errors';
import type { ExecResult, SshConnection } from './connection';

export interface StreamExecOptions {
  /** Written before the stream (e.g. sudo's password line); never logged. */
  prefix?: string;
  /** What goes to the command's standard input; stdin is closed at its end. */
  source: Readable;
  /** Called with the bytes of `source` the channel has taken so far. */
  onProgress?: (sent: number) => void;
  /** No byte taken by the channel for this long: the transfer has stalled (the command is ended). */
  stallMs: number;
  /** After the last byte: how long the command may still run (a load, a checksum). */
  finishMs: number;
  signal?: AbortSignal;
  /** Cap per output stream (default 1 MiB). */
  maxOutput?: number;
}

export interface StreamExecResult extends ExecResult {
  /** Bytes of `source` the channel took. */
  sent: number;
  /** The transfer stopped for stallMs: nothing was taken. */
  stalled: boolean;
  /** The command ended (or failed) before it had read the whole stream. */
  endedEarly: boolean;
}

/**
 * Runs one command with a byte stream on its standard input (an image archive), with SSH's own
 * flow control: the next chunk goes once the channel took the last one, so a target that stops
 * reading stops the sender, and `stallMs` without progress ends the command. Resolves with the
 * exit code (null when ended); rejects only when the channel cannot open or on cancel.
 */
export function execStreaming(conn: SshConnection, command: string, o: StreamExecOptions): Promise<StreamExecResult> {
  const started = Date.now();
  const max = o.maxOutput ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (conn.isClosed) return reject(new AppError('unavailable', `The SSH connection to ${conn.label} is closed (${conn.closeReason}).`, undefined, { reason: 'connection-lost' }));
    if (o.signal?.aborted) return reject(new AppError('cancelled', 'Cancelled.'));
    // The channel's opening is bounded too: a host that stopped answering never opens it.
    let opened = false;
    const onAbortBeforeOpen = () => {
      clearTimeout(openTimer);
      reject(new AppError('cancelled', 'Cancelled.'));
    };
    const openTimer = setTimeout(() => {
      o.signal?.removeEventListener('abort', onAbortBeforeOpen);
      o.source.destroy();
      resolve({ command, code: null, stdout: '', stderr: '', durationMs: Date.now() - started, timedOut: false, sent: 0, stalled: true, endedEarly: true });
    }, o.stallMs);
    o.signal?.addEventListener('abort', onAbortBeforeOpen, { once: true });
    conn.client.exec(command, (err, ch: ClientChannel) => {
      clearTimeout(openTimer);
      o.signal?.removeEventListener('abort', onAbortBeforeOpen);
      if (opened || o.signal?.aborted || (o.source.destroyed && !err)) {
        // Given up on already (timed out or cancelled): the late channel is closed unused.
        ch?.close();
        return;
      }
      opened = true;
      if (err) return reject(new AppError('unavailable', `Could not run a command on ${conn.label}: ${err.message}`, undefined, { reason: conn.isClosed ? 'connection-lost' : 'remote-command' }));
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let sent = 0;
      let stalled = false;
      let timedOut = false;
      let inputDone = false;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, onFire: () => void) => {
        clearTimeout(timer);
        timer = setTimeout(onFire, ms);
      };
      const end = () => {
        try {
          ch.signal('TERM');
        } catch {
          /* not supported by the server */
        }
        ch.close();
        setTimeout(() => finish(), 1000).unref();
      };
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        o.source.destroy();
        if (error) return reject(error);
        resolve({ command, code, stdout, stderr, durationMs: Date.now() - started, timedOut, sent, stalled, endedEarly: !inputDone });
      };
      const onAbort = () => {
        end();
        finish(new AppError('cancelled', 'Cancelled.'));
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      ch.on('data', (d: Buffer) => {
        if (stdout.length < max) stdout += d.toString('utf8');
      });
      ch.stderr.on('data', (d: Buffer) => {
        if (stderr.length < max) stderr += d.toString('utf8');
      });
      ch.on('exit', (c: number | null) => {
        code = typeof c === 'number' ? c : null;
      });
      ch.on('close', () => finish());
      ch.on('error', () => finish());
      conn.onClose(() => setTimeout(() => finish(), 50));
      // Writes before EOF: ssh2 buffers what the peer's window does not take, so a chunk counts as
      // sent when its write callback runs, and the next one waits for it (no unbounded buffering).
      const stall = () =>
        arm(o.stallMs, () => {
          stalled = true;
          end();
        });
      stall();
      if (o.prefix) ch.write(o.prefix);
      const pump = () => {
        if (done) return;
        const chunk = o.source.read() as Buffer | null;
        if (chunk === null) {
          if (o.source.readableEnded) return;
          o.source.once('readable', pump);
          return;
        }
        ch.write(chunk, () => {
          sent += chunk.length;
          o.onProgress?.(sent);
          stall();
          pump();
        });
      };
      o.source.once('end', () => {
        if (done) return;
        // Every chunk has been taken (the last write callback ran before 'end' could be read).
        const close = () => {
          inputDone = true;
          ch.end();
          arm(o.finishMs, () => {
            timedOut = true;
            end();
          });
        };
        if (ch.writableNeedDrain) ch.once('drain', close);
        else close();
      });
      o.source.once('error', (e) => {
        end();
        finish(new AppError('unavailable', `Could not read the data to send: ${e.message}`));
      });
      pump();
    });
  });
}
