import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useCapabilities } from '../capabilities';
import { errorMessage, notifyError } from './notify';

export type CopyOutcome = { ok: true } | { ok: false; message: string };

/**
 * Every copy button's one way to the clipboard. The desktop app copies through main
 * (`clipboard:write`: Electron's clipboard, read back), because the window's session refuses the
 * page every permission, the clipboard's included; the browser on `edgedeck serve` uses
 * navigator.clipboard. Either way the answer says whether the text is really there.
 */
export async function copyText(text: string): Promise<CopyOutcome> {
  await useCapabilities.getState().load();
  if (useCapabilities.getState().caps?.clipboard) {
    try {
      await api.clipboard.write({ text });
      return { ok: true };
    } catch (err) {
      return { ok: false, message: errorMessage(err) };
    }
  }
  const clipboard = globalThis.navigator?.clipboard;
  if (!clipboard?.writeText) {
    return { ok: false, message: 'This page has no clipboard access (browsers give it on https and localhost addresses only): select the text and copy it with Ctrl+C.' };
  }
  try {
    await clipboard.writeText(text);
    return { ok: true };
  } catch (err) {
    const name = err instanceof Error && err.name ? ` (${err.name})` : '';
    return { ok: false, message: `The browser refused the copy${name}: allow clipboard access for this page in the browser's site settings, or select the text and copy it with Ctrl+C.` };
  }
}

/**
 * A copy button's state: "copied" for `timeoutMs` only after copyText succeeded; a failure shows
 * a notification saying why and what to do, and `failed` for a while.
 * `copy` takes the text, or a function that fetches it (a secret fetched only on the user's copy;
 * undefined: nothing to copy, and nothing is shown).
 */
export function useCopy(timeoutMs = 1500) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback(
    async (text: string | (() => Promise<string | undefined>)): Promise<boolean> => {
      const value = typeof text === 'string' ? text : await text();
      if (value === undefined || value === '') return false;
      const outcome = await copyText(value);
      clearTimeout(timer.current);
      setState(outcome.ok ? 'copied' : 'failed');
      if (!outcome.ok) notifyError('Could not copy', new Error(outcome.message));
      timer.current = setTimeout(() => setState('idle'), outcome.ok ? timeoutMs : 4000);
      return outcome.ok;
    },
    [timeoutMs],
  );
  return { copied: state === 'copied', failed: state === 'failed', copy };
}
