import { readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { contentTypeOf, rendererPath } from '../services/shell/rendererFiles';

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Hashed build assets never change; index.html always may. */
  immutable: boolean;
}

/**
 * Resolves a URL path inside `root` (never outside it: rendererPath's rule, the same as the desktop
 * app's `app://` protocol); unknown paths fall back to index.html.
 */
export async function loadStatic(root: string, urlPath: string): Promise<StaticFile | undefined> {
  const resolved = rendererPath(root, urlPath.split('?')[0] ?? '/');
  if (!resolved.ok) return undefined;
  const file = (await isFile(resolved.path)) ? resolved.path : join(root, 'index.html');
  if (!(await isFile(file))) return undefined;
  return {
    body: await readFile(file),
    type: contentTypeOf(file),
    immutable: file.includes(`${sep}assets${sep}`),
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
