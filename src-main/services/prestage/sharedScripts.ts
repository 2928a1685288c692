import { yq } from './yamlText';

/**
 * The part every install.sh of an export shares (per-device and auto-onboarding bundles): the
 * say/fail helpers, the root and expiry checks, waiting for the container engine, and the
 * agent.env next to the script. Expects EXPIRES, EXPIRES_NUM, WAIT and ENV_SRC set before it.
 */
export function installShChecks(runtime: 'docker' | 'podman'): string {
  return `say() { printf 'install.sh: %s\\n' "$*"; }
fail() { printf 'install.sh: error: %s\\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run this as root, e.g. sudo sh $0"
if [ -n "$EXPIRES_NUM" ] && [ "\${EDGEDECK_IGNORE_EXPIRY:-0}" != 1 ]; then
  if [ "$(date -u +%Y%m%d)" -gt "$EXPIRES_NUM" ]; then
    fail "this bundle expired on $EXPIRES; ask for a new one (or set EDGEDECK_IGNORE_EXPIRY=1 if you are sure)"
  fi
fi
command -v ${runtime} >/dev/null 2>&1 || fail "${runtime} is not installed (or not on PATH); install ${runtime === 'docker' ? 'Docker' : 'Podman'}, then run this again"
waited=0
until ${runtime} info >/dev/null 2>&1; do
  [ "$waited" -lt "$WAIT" ] || fail "${runtime} is installed but its daemon is not reachable (is the service running? are you root?)"
  sleep 2
  waited=$((waited + 2))
done
[ -r "$ENV_SRC" ] || fail "agent.env not found next to this script ($ENV_SRC); copy the whole bundle folder"`;
}

/**
 * install.sh: the agent container by its name and the Edge ID it runs with (the shell variable
 * `wanted` holds the one this install brings); a rerun with the same Edge ID changes nothing, which
 * makes both bundle kinds safe to run twice. Leaves `exists` and `current` for replaceAndStartSh.
 */
export function existingAgentSh(runtime: 'docker' | 'podman', wanted: string): string {
  return `exists=0
current=
if ${runtime} inspect "$NAME" >/dev/null 2>&1; then
  exists=1
  current=$(${runtime} inspect "$NAME" 2>/dev/null | sed -n 's/.*"EDGE_ID=\\([^"]*\\)".*/\\1/p' | head -n 1)
fi
if [ "$exists" = 1 ] && [ "$current" = "${wanted}" ]; then
  say "nothing to do: $NAME already runs with Edge ID ${wanted}"
  exit 0
fi
`;
}

/** install.sh: removes the container existingAgentSh found (saying which Edge ID it had), then runs `run`. */
export function replaceAndStartSh(runtime: 'docker' | 'podman', run: string, wanted: string, startedTail: string): string {
  return `if [ "$exists" = 1 ]; then
  ${runtime} rm -f "$NAME" >/dev/null
  say "removed the existing $NAME container (it had Edge ID \${current:-none}; the new one has ${wanted})"
fi
${run}
say "started $NAME ($IMAGE) with Edge ID ${wanted}; ${startedTail}"
`;
}

/**
 * cloud-init user-data that drops agent.env (0600) and install.sh (0700) into `bundleDir` under
 * `envDir`, runs install.sh on first boot and removes the copy of agent.env. `header` is the
 * comment lines after #cloud-config.
 */
export function cloudInitUserData(header: string, envText: string, scriptText: string, envDir: string, bundleDir: string): string {
  const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');
  return `#cloud-config
${header}
---
write_files:
  - path: ${bundleDir}/agent.env
    owner: "root:root"
    permissions: "0600"
    encoding: b64
    content: ${b64(envText)}
  - path: ${bundleDir}/install.sh
    owner: "root:root"
    permissions: "0700"
    encoding: b64
    content: ${b64(scriptText)}
runcmd:
  - [chmod, "700", ${yq(envDir)}, ${yq(bundleDir)}]
  - [sh, ${yq(`${bundleDir}/install.sh`)}]
  - [rm, -f, ${yq(`${bundleDir}/agent.env`)}]
`;
}
