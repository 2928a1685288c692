import { invalidInput } from '../contract/errors';

/**
 * A comma-separated list of server ids ("1,2,3"), as the CLI and forms take Edge group, tag and
 * group ids. Each item is a whole number from 1; anything else names the field and the fix.
 */
export function parseIdList(text: string, field: string, what: string): number[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw invalidInput(field, `empty item in ${JSON.stringify(text)}; write ${what} ids separated by commas, e.g. 1,2.`);
  return items.map((s) => {
    if (!/^[1-9]\d{0,8}$/.test(s)) throw invalidInput(field, `${JSON.stringify(s)} is not a ${what} id; ids are whole numbers from 1 (see the server's list).`);
    return Number(s);
  });
}
