/**
 * Paths from requests never reach the file system unchecked: routes accept only fixed file-name forms, and the
 * resolved path (symlinks followed) must still lie inside the data directory.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { HttpError } from '../errors.js';

/** True when `path` is `root` or below it (both already resolved). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `root/...parts` if it is a regular file inside `root` (a realpath); 404 when it does not exist,
 * 403 when a symlink leads outside.
 */
export async function resolveFileInside(root: string, ...parts: string[]): Promise<string> {
  let real: string;
  try {
    real = await realpath(join(root, ...parts));
  } catch {
    throw new HttpError(404, 'not-found', `${parts.join('/')} does not exist`);
  }
  if (!isInside(root, real)) {
    throw new HttpError(403, 'outside-data-dir', `${parts.join('/')} resolves outside the data directory`);
  }
  const s = await stat(real).catch(() => null);
  if (!s?.isFile()) throw new HttpError(404, 'not-found', `${parts.join('/')} is not a file`);
  return real;
}
