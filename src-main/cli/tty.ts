import type { TtyAsker } from './io';

/** The terminal on standard input: raw mode, no echo, the prompt on standard error. */
export function stdinTty(): TtyAsker {
  return {
    ask: (prompt) =>
      new Promise((resolve) => {
        const stdin = process.stdin;
        process.stderr.write(prompt);
        let buf = '';
        const done = (v: string | undefined) => {
          stdin.off('data', onData);
          stdin.setRawMode?.(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(v);
        };
        const onData = (chunk: Buffer | string) => {
          for (const ch of chunk.toString()) {
            if (ch === '\r' || ch === '\n') return done(buf);
            if (ch === '\u0003' || ch === '\u0004') return done(undefined);
            if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
            else buf += ch;
          }
        };
        stdin.setRawMode?.(true);
        stdin.resume();
        stdin.on('data', onData);
      }),
  };
}
