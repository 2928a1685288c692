#!/usr/bin/env bash
# The system parts the test suites and benchmarks use, installed when missing (Debian/Ubuntu, apt):
#   chromium              Playwright end-to-end tests (/usr/bin/chromium)
#   openssh-server, sudo  SSH install tests against real sshd, throwaway users
#   age, yamllint, cloud-init, docker-compose, ansible
#                         each exported artefact checked by the tool that consumes it
#   docker.io, podman     real container engines for the install tests
#   iproute2              `ip`: each test engine gets a bridge of its own (test/fixtures/engine)
#   pssh                  parallel-ssh, a baseline of bench:ssh
# As root it runs apt-get itself; otherwise through `sudo -n` (never asks for a password); when
# neither can, it prints one line saying exactly what to run and exits 1. Used by `npm test`
# (test/run-all.mjs) and .ci/run. `--list` prints the missing packages and exits.
set -uo pipefail

# command to look for : Debian package that provides it
wanted=(
  chromium:chromium
  sshd:openssh-server
  sudo:sudo
  age:age
  yamllint:yamllint
  cloud-init:cloud-init
  docker-compose:docker-compose
  ansible-playbook:ansible
  dockerd:docker.io
  podman:podman
  ip:iproute2
  parallel-ssh:pssh
)

# sshd and dockerd live in /usr/sbin, which a user's PATH may lack. EDGEDECK_DEPS_PATH replaces the
# search path (the script's own test uses it).
have() {
  PATH="${EDGEDECK_DEPS_PATH:-$PATH:/usr/sbin:/sbin}" command -v "$1" >/dev/null 2>&1
}

missing=()
for pair in "${wanted[@]}"; do
  have "${pair%%:*}" || missing+=("${pair#*:}")
done

if [ "${1:-}" = "--list" ]; then
  echo "${missing[*]}"
  exit 0
fi

prepare_sshd() {
  # sshd refuses to start without its privilege-separation folder.
  [ -d /run/sshd ] || $1 mkdir -p /run/sshd 2>/dev/null || true
}

if [ "${#missing[@]}" -eq 0 ]; then
  if [ "$(id -u)" = 0 ]; then prepare_sshd ""; elif sudo -n true 2>/dev/null; then prepare_sshd "sudo -n"; fi
  exit 0
fi

command_line="apt-get update && apt-get install -y ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "edgedeck tests: missing ${missing[*]} (no apt-get here): install them with your system's package manager." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as=""
elif sudo -n true 2>/dev/null; then
  as="sudo -n"
else
  echo "edgedeck tests: missing system packages; run: sudo sh -c '$command_line'" >&2
  exit 1
fi

echo "edgedeck tests: installing ${missing[*]} (apt-get, ${as:-as root})…" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { $as env DEBIAN_FRONTEND=noninteractive apt-get update -qq && $as env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "edgedeck tests: apt-get install ${missing[*]} failed; run: sudo sh -c '$command_line' to see why." >&2
  exit 1
fi
prepare_sshd "$as"
exit 0
