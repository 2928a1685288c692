/**
 * What to do about a failed host: main's reasons say what happened; this adds the next step
 * (field-notes §2: an error must say what to do). Agent-log diagnoses from main win when present.
 */
const FIXES: Array<{ re: RegExp; fix: string }> = [
  { re: /connection refused/i, fix: 'Nothing accepts SSH at that address and port. Check the port in the target (user@host:port), that sshd runs on the host, and that no firewall blocks it.' },
  { re: /timed? ?out|timeout|ETIMEDOUT|EHOSTUNREACH|no route/i, fix: 'The host did not answer. Check the address, VPN or routing, and the firewall; for hosts behind a bastion, set a jump host.' },
  { re: /ENOTFOUND|EAI_AGAIN|getaddrinfo|not resolve/i, fix: 'The host name does not resolve from this computer. Fix the name, use the IP address, or add it to ~/.ssh/config.' },
  { re: /host key.*(changed|does not match)|man-in-the-middle|REMOTE HOST IDENTIFICATION/i, fix: 'The host key differs from the one remembered. Verify the new fingerprint out of band; if the host was reinstalled, remove the old key from known_hosts and retry.' },
  { re: /host key.*(reject|refus|unknown)|not trusted/i, fix: 'The host key was not accepted. Retry and choose "Accept once" or "Accept and remember" after checking the fingerprint, or set the host key policy.' },
  { re: /sudo/i, fix: 'The user cannot run the install as root. Enter the sudo password in Authentication, or grant the user passwordless sudo (or log in as root).' },
  { re: /passphrase/i, fix: 'The key could not be unlocked. Retry and enter the passphrase, or add the key to ssh-agent first.' },
  { re: /auth|permission denied|password|publickey/i, fix: 'The host refused the login. Check the user name, give an identity file that is in the user\'s authorized_keys, load the key into ssh-agent, or enter the password in Authentication.' },
  { re: /docker.*(not found|missing|not installed)|no container engine|podman.*not found/i, fix: 'The container engine is missing on the host. Install Docker (or Podman for the podman platform) first, then retry.' },
  { re: /swarm/i, fix: 'The host is not a Swarm manager. Pick the "standalone" platform, or run the install on a manager node.' },
  { re: /already (installed|running)|existing agent/i, fix: 'An Edge agent is already on the host. Retry with "replace existing" set to always, or keep it.' },
  { re: /check.?in|did not check in|heartbeat/i, fix: 'The agent started but Portainer has not heard from it. Open the host log below for the agent\'s own error; check that the host reaches the Portainer URL and tunnel port in the key (try insecure poll for a self-signed server).' },
  { re: /cancel/i, fix: 'The run was cancelled. Use "Retry failed and not-started" to continue.' },
  { re: /not started/i, fix: 'The run stopped before this host (canary failure or failure limit). Fix the cause on the failed hosts, then use "Retry failed and not-started".' },
];

export function fixFor(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  return FIXES.find((f) => f.re.test(reason))?.fix;
}
