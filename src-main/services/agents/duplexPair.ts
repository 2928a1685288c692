import { Duplex } from 'node:stream';

/** Two in-memory Duplex ends wired to each other (Node 20 has no stream.duplexPair). */
export function duplexPair(): [Duplex, Duplex] {
  let a!: Duplex;
  let b!: Duplex;
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {
        /* data is pushed by the other side's write */
      },
      write(chunk: Buffer, _enc, cb) {
        other().push(chunk);
        cb();
      },
      final(cb) {
        other().push(null);
        cb();
      },
      destroy(err, cb) {
        const o = other();
        if (!o.destroyed) o.destroy();
        cb(err);
      },
    });
  a = make(() => b);
  b = make(() => a);
  // http.Server pokes at these on its sockets; make them harmless no-ops.
  for (const s of [a, b]) {
    const anyS = s as unknown as Record<string, unknown>;
    anyS.setTimeout = () => s;
    anyS.setNoDelay = () => s;
    anyS.setKeepAlive = () => s;
    anyS.remoteAddress = '127.0.0.1';
    anyS.remotePort = 0;
  }
  return [a, b];
}
