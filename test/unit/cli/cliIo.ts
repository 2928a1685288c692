import type { CliIo } from '../../../src-main/cli/io';

/** A CliIo that collects output, for running commands in-process. */
export function fakeIo(stdin = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: async () => stdin,
    stopSignal: new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}
