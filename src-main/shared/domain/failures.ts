/**
 * Why a host or a call failed, as a stable code, and what to do about it. Main sets the code where
 * the failure happens (the SSH connection, sudo, preflight, the check-in wait, the fleet runner)
 * and sends it with the fix text; the UI and the CLI show them as they come. Nobody reads the
 * English of a message to guess a fix: a reworded message keeps its fix.
 */
export const FAILURE_REASONS = [
  'ssh-refused',
  'ssh-unreachable',
  'ssh-closed',
  'dns',
  'host-key-changed',
  'host-key-unknown',
  'host-key-rejected',
  'ssh-auth',
  'sudo-password',
  'no-root',
  'preflight',
  'existing-agent',
  'remote-command',
  'image-missing',
  'task-rejected',
  'image-push',
  'connection-lost',
  'no-checkin',
  'checkin-wait',
  'server',
  'cancelled',
  'not-started',
  'unknown',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface Failure {
  reason: FailureReason;
  fix: string;
}

/** The next step for each reason, in words that fit the app and the CLI alike. */
export const FAILURE_FIXES: Record<FailureReason, string> = {
  'ssh-refused': 'Nothing accepts SSH at that address and port. Check the port in the target (user@host:port), that sshd runs on the host, and that no firewall blocks it.',
  'ssh-unreachable': 'The host did not answer. Check the address, VPN or routing, and the firewall; for hosts behind a bastion, set a jump host.',
  'ssh-closed': "The SSH server closed the connection before the login finished. Check sshd's log on the host (MaxStartups, AllowUsers, DenyUsers) and retry.",
  dns: 'The host name does not resolve from this computer. Fix the name, use the IP address, or add it to ~/.ssh/config.',
  'host-key-changed': 'The host key differs from the one remembered. Do not go on unless the host was reinstalled: confirm its new fingerprint out of band (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then forget the old key (Settings → SSH known hosts, or edgedeck known-hosts forget HOST:PORT; for a known_hosts file, ssh-keygen -R) and retry.',
  'host-key-unknown': 'The host is not in known hosts and new keys are not accepted. Confirm the fingerprint above out of band (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then accept it or add it to known_hosts, and retry.',
  'host-key-rejected': 'The host key was not accepted. Check the fingerprint out of band, then retry and accept it.',
  'ssh-auth': "The host refused the login. Check the user name, give an identity file that is in the user's authorized_keys (and its passphrase), load the key into ssh-agent, or give the SSH password.",
  'sudo-password': 'sudo asks for a password on this host. Give the sudo password, or grant the user passwordless sudo (or log in as root).',
  'no-root': 'The install needs root, and the user is neither root nor allowed to sudo. Log in as root or add the user to sudoers.',
  preflight: 'A preflight check failed; its own fix is shown with it. Fix that on the host, then retry.',
  'existing-agent': 'A different Edge agent already runs on the host. Replace it (replace existing: always) or leave this host out.',
  'remote-command': "A command on the host failed. Open the host's transcript for the command and its output, fix the cause on the host, then retry.",
  'image-missing': "The host (or a Swarm or Kubernetes node) has no agent image and cannot pull it. Docker and Podman: turn on pushing the agent image from this computer (CLI: --push-image, or --image-archive FILE), or load it on each node yourself (docker load -i <archive>); Kubernetes: import it on each node (ctr -n k8s.io images import <archive>); or let the nodes reach the registry.",
  'task-rejected': "The orchestrator rejected or failed the agent's task; its error is shown with it. Check the node (docker node ls, docker service ps --no-trunc portainer_edge_agent) and the mounts, then retry.",
  'image-push': 'Sending the agent image to the host failed; the message says where. Fix that (network, disk space in /var/tmp, the engine), then retry; a host that has the same image already is skipped.',
  'connection-lost': 'The SSH connection dropped during the install. Check the network to the host, then retry; the install picks up from the start.',
  'no-checkin': "The agent started but Portainer has not heard from it. Open the host's log for the agent's own error; check that the host reaches the Portainer URL and the tunnel port in the key (try insecure poll for a self-signed server).",
  'checkin-wait':
    "The agent runs but had not checked in when the wait ended; a slow or busy host can take longer to start it. Retry with a longer check-in wait (CLI: --checkin-timeout SECONDS; Install screen: Options → Check-in wait). If it still does not check in, open the host's log for the agent's own error and check that the host reaches the Portainer URL.",
  server: 'The Portainer server refused or failed a call for this host; its message says why. Fix that on the server, then retry.',
  cancelled: 'The run was cancelled before this host finished. Retry the failed and not-started hosts to continue.',
  'not-started': 'The run stopped before this host (canary failure or failure limit). Fix the cause on the failed hosts, then retry the failed and not-started hosts.',
  unknown: "Open the host's transcript for the step and output that failed, fix the cause, then retry.",
};

export function failure(reason: FailureReason, fix?: string): Failure {
  return { reason, fix: fix ?? FAILURE_FIXES[reason] };
}

export function isFailureReason(x: unknown): x is FailureReason {
  return typeof x === 'string' && (FAILURE_REASONS as readonly string[]).includes(x);
}
