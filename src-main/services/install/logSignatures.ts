/**
 * Known Edge agent log lines (field-notes §2) mapped to a cause and a fix. Pure; used on
 * `docker logs --tail 50` after an install that did not check in.
 */
import { tunnelHostPort, urlPort } from '../../shared/domain/hostPort';

export interface Diagnosis {
  signature: string;
  cause: string;
  fix: string;
  /** The matching log line (as the agent wrote it; redact before showing). */
  line: string;
}

/** The join token's addresses, so a cause names the ports of the server in question. */
export interface KeyAddresses {
  portainerUrl: string;
  tunnelAddress: string;
}

type Text = string | ((key: KeyAddresses | undefined) => string);

/** "port 30800 (the tunnel, 10.0.0.5:30800)", or the token's field in words when it is not known. */
function tunnelPortText(key: KeyAddresses | undefined): string {
  const port = key ? tunnelHostPort(key.tunnelAddress)?.port : undefined;
  return port !== undefined ? `the tunnel port ${port} (${key!.tunnelAddress})` : "the tunnel port of the join token's tunnel address";
}

function apiPortText(key: KeyAddresses | undefined): string {
  const port = key ? urlPort(key.portainerUrl) : undefined;
  return port !== undefined ? `the Portainer API port ${port} (${key!.portainerUrl})` : 'the Portainer API port';
}

const SIGNATURES: Array<{ re: RegExp; signature: string; cause: Text; fix: Text }> = [
  {
    re: /invalid Edge identifier/i,
    signature: 'invalid Edge identifier',
    cause: 'The environment is already associated with another Edge ID (a reinstall, a cloned machine, or the key used on two devices).',
    fix: 'Disassociate the environment in Portainer (or with Edgedeck) and reinstall, removing the portainer_agent_data volume; give every device its own Edge ID.',
  },
  {
    // The agent parses EDGE_KEY first and exits on a bad one (agent cmd/agent/main.go, edge/key.go; docs/agent-logs.md).
    re: /unable to associate Edge key|invalid key format|illegal base64 data/i,
    signature: 'invalid Edge key',
    cause: 'EDGE_KEY is not an Edge key: it was cut, padded or otherwise changed when copied, so the agent stops at start (and restarts in a loop).',
    fix: "Copy the environment's join token from Portainer again (the whole key, nothing added) and reinstall.",
  },
  {
    re: /x509|certificate signed by unknown authority|certificate is not valid|tls: failed to verify/i,
    signature: 'x509 / certificate',
    cause: "The agent does not trust the Portainer server's TLS certificate (self-signed or private CA).",
    fix: 'Reinstall with insecure poll (EDGE_INSECURE_POLL=1) or give the server a certificate the host trusts (or mount the CA with the MTLS_* variables).',
  },
  {
    re: /Missing request signature headers|Invalid request signature/i,
    signature: 'signature headers / Invalid request signature',
    cause: "AGENT_SECRET on the agent does not match the Portainer server's AGENT_SECRET.",
    fix: "Reinstall with the server's agent secret (Settings → AgentSecret), or remove it on both sides.",
  },
  {
    re: /not been trusted yet|waiting room|not trusted/i,
    signature: 'not been trusted yet',
    cause: 'The environment waits for approval in the Portainer waiting room.',
    fix: 'Trust the device in Portainer (Edge → Waiting room) or turn off "Trust on first connect" requirements.',
  },
  {
    re: /context deadline exceeded|Client\.Timeout|i\/o timeout/i,
    signature: 'context deadline exceeded',
    cause: 'The agent cannot reach the Portainer API URL in the Edge key in time (firewall, wrong URL or DNS, proxy).',
    fix: 'From the host, check `curl -v <Portainer URL>`; fix DNS/firewall, or re-key the environment with a URL the host can reach.',
  },
  {
    re: /connection refused/i,
    signature: 'connection refused',
    cause: (key) => `Nothing listens at an address in the join token (wrong port, server down, or ${tunnelPortText(key)} is not published).`,
    fix: (key) => `Check that ${apiPortText(key)} and ${tunnelPortText(key)} are open from the host; fix the URLs in the key if they are wrong.`,
  },
  {
    re: /short poll request failed|poll request failed|unable to poll/i,
    signature: 'short poll request failed',
    cause: 'The poll to Portainer failed (network, URL in the key, or TLS).',
    fix: 'Check DNS and HTTPS from the host to the Portainer URL (see the preflight), and insecure poll for self-signed servers.',
  },
];

const textOf = (t: Text, key: KeyAddresses | undefined) => (typeof t === 'string' ? t : t(key));

/** `key`: the join token's addresses the agent was installed with (its hints then name their ports). */
export function diagnoseAgentLogs(logs: string, key?: KeyAddresses): Diagnosis[] {
  const out: Diagnosis[] = [];
  const lines = logs.split(/\r?\n/);
  for (const s of SIGNATURES) {
    const line = [...lines].reverse().find((l) => s.re.test(l));
    if (line) out.push({ signature: s.signature, cause: textOf(s.cause, key), fix: textOf(s.fix, key), line: line.trim() });
  }
  return out;
}
