import type { Duplex } from 'node:stream';

/**
 * The chisel-compatible tunnel (portainer-edge.md §4), as the local server and the simulated
 * agents use it. The wire protocol lives in tunnelServer.ts / tunnelClient.ts beside this file.
 */

/** A user the tunnel server accepts: password auth, and the reverse remotes it may request. */
export interface TunnelUser {
  username: string;
  password: string;
  /** Matched against chisel's `UserAddr()` of each requested remote, e.g. /^R:0\.0\.0\.0:53421$/ */
  allowed: RegExp;
}

export interface TunnelServerOptions {
  /** Listen address of the WebSocket server; Portainer uses 0.0.0.0, we default to 127.0.0.1. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** ECDSA P-256 private key (PEM). Its public key's fingerprint goes into every Edge key. */
  hostKeyPem: string;
  /** Host the reverse listeners bind (loopback: the server talks to agents through them). */
  reverseHost?: string;
  version?: string;
}

export interface ReverseTunnelInfo {
  username: string;
  /** The port the server now listens on, which leads to the agent. */
  port: number;
  /** The `host:port` the agent dials on its side, as the remote named it. */
  target: string;
}

export interface TunnelServerEvents {
  /** A reverse listener was opened for an authenticated, allowed remote. */
  up: (info: ReverseTunnelInfo) => void;
  /** The SSH connection behind it ended. */
  down: (info: ReverseTunnelInfo) => void;
  /** Bytes passed through a reverse listener: counts as tunnel activity. */
  activity: (info: { port: number }) => void;
  /** An allowed remote whose port could not be listened on (`code`: the errno, e.g. EADDRINUSE). */
  listenFailed: (info: ReverseTunnelInfo & { code?: string }) => void;
  /** A refused connection: bad subprotocol, wrong password, disallowed remote… */
  refused: (info: { reason: string; username?: string }) => void;
}

export interface TunnelClientOptions {
  /** The key's tunnel address: `host:port`, `http://host:port` or `ws://host:port`. */
  server: string;
  /** Expected host-key fingerprint from the key: SHA-256 base64, legacy MD5 prefix, or '' (no check). */
  fingerprint: string;
  username: string;
  password: string;
  /** Chisel remotes, e.g. `R:53421:127.0.0.1:9001`. */
  remotes: string[];
  /** How to reach a remote's target on the agent side; defaults to a TCP connect. */
  dial?: (host: string, port: number) => Duplex | Promise<Duplex>;
  signal?: AbortSignal;
}
