/**
 * The line of a failed docker / podman / kubectl command that says why. These CLIs end their
 * error output with a usage hint (`Run 'docker run --help' for more information`, `See 'docker
 * run --help'.`), which names no cause; the cause is the error line before it, e.g.
 * `docker: Error response from daemon: pull access denied for portainer/agent …`. Pure; the
 * transcript keeps the whole output.
 */
const HINT = /^(Run '.+ --help' for more information\.?|See '.+ --help'\.?|Usage:.*)$/;

export function causeLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !HINT.test(l));
  const errorLine = [...lines].reverse().find((l) => /error|denied|not found|no such|unable|cannot|failed|refused|timeout|timed out/i.test(l));
  return errorLine ?? lines.at(-1) ?? '';
}

/** Whether an engine's error says the image is not there and could not be had (no such image, a pull refused or failing). */
export function isImageMissing(output: string): boolean {
  return /No such image|Unable to find image|pull access denied|manifest unknown|manifest for \S+ not found|repository does not exist|image not known|ErrImagePull|ImagePullBackOff/i.test(output);
}
