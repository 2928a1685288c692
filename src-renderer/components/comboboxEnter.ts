import type { KeyboardEvent } from 'react';

/**
 * For a form's onKeyDown: Enter in a combobox (a group or tag picker) picks or creates its value,
 * and must never submit the form around it, half filled. The combobox handles the key first
 * (this runs as the event bubbles to the form); only the browser's implicit submit is stopped.
 */
export function keepEnterInComboboxes(e: KeyboardEvent<HTMLFormElement>): void {
  const t = e.target;
  if (e.key === 'Enter' && t instanceof HTMLInputElement && t.getAttribute('aria-haspopup') === 'listbox') e.preventDefault();
}
