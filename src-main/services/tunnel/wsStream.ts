import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { IdentShim } from './sshShims';

/**
 * A WebSocket as a byte stream (portainer-edge.md §4.1): every write is one binary frame, incoming
 * frames are concatenated. Backpressure: the socket is paused while the reader is full. An optional
 * IdentShim rewrites the SSH identification line in both directions (see sshShims.ts).
 */
export class WebSocketDuplex extends Duplex {
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly shim?: IdentShim,
  ) {
    super({ allowHalfOpen: false });
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      let chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (this.shim) {
        try {
          const out = this.shim.incoming(chunk);
          if (!out) return;
          chunk = out;
        } catch (err) {
          this.destroy(err as Error);
          return;
        }
      }
      if (!this.push(chunk) && !this.paused) {
        this.paused = true;
        ws.pause();
      }
    });
    ws.on('close', () => {
      this.push(null);
      // Let a flowing reader take what is buffered, then make sure the stream ends even if nobody reads.
      setImmediate(() => {
        if (!this.destroyed) this.destroy();
      });
    });
    ws.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    if (this.paused) {
      this.paused = false;
      this.ws.resume();
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      cb(new Error('WebSocket is not open'));
      return;
    }
    const data = this.shim ? this.shim.outgoing(chunk) : chunk;
    this.ws.send(data, { binary: true }, (err) => cb(err ?? null));
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      try {
        if (err) this.ws.terminate();
        else this.ws.close(1000);
      } catch {
        /* already gone */
      }
    }
    cb(err);
  }
}
