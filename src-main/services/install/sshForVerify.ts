import type { InstallHostOptions } from './hostPlan';
import { RemoteHost } from './remoteHost';

/**
 * SSH for the steps after the agent started. DECISION (connection during the check-in wait):
 * closed, and reopened only when a failed verification needs the agent's logs. Holding it would
 * keep one sshd session per waiting host (and one channel on a jump host) for up to 2 × interval
 * + 35 s — minutes with long intervals, long enough for idle NAT/firewall timeouts to cut it
 * anyway — while a failure costs one extra handshake (a fraction of a second), and failures are
 * the rare case. Without a lease (a caller that runs one host) the connection simply stays.
 */
export interface SshForVerify {
  release(): void;
  /** Runs `fn` on a live host: the original one, or a reconnected one (with a slot) after release(). */
  withHost<T>(fn: (host: RemoteHost) => Promise<T>): Promise<T>;
  readonly host: RemoteHost;
}

export function sshFor(o: InstallHostOptions, host: RemoteHost, sudoPassword: () => string | undefined): SshForVerify {
  let released = false;
  return {
    host,
    release() {
      if (released || !o.lease) return;
      released = true;
      o.transcript.note('SSH work done: connection closed and concurrency slot given back while Portainer is polled for the check-in');
      o.lease.release();
    },
    async withHost(fn) {
      if (!released) return fn(host);
      const { conn, done } = await o.lease!.reconnect();
      try {
        o.transcript.note(`reconnected to ${o.target} to read the agent's logs`);
        const again = new RemoteHost(conn, o.transcript, o.signal);
        again.privilege = host.privilege;
        const pw = sudoPassword();
        if (pw !== undefined) again.setSudoPassword(pw);
        return await fn(again);
      } finally {
        done();
      }
    },
  };
}
