import { Duplex } from 'node:stream';

/** Two in-memory Duplex ends wired to each other (Node 20 has no stream.duplexPair). */
export function duplexPair(): [Duplex, Duplex] {
  // Each end refers to the other, so they are looked up lazily.
  const ends: Duplex[] = [];
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
  const a = make(() => ends[1]!);
  const b = make(() => ends[0]!);
  ends.push(a, b);
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
