/**
 * Paths from requests never reach the file system unchecked: routes accept only fixed file-name forms, and the
 * resolved path (symlinks followed) must still lie inside the data directory.
 *
 * realpath and stat run synchronously: on a local file system they are dentry-cache lookups of microseconds, while
 * two thread-pool round trips per request (libuv has 4 threads) cut the segment throughput under 200 connections by
 * about a third (bench/server-load.ts).
 */
import { realpathSync, type Stats, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { HttpError } from '../errors.js';

/** True when `path` is `root` or below it (both already resolved). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path and stat of `root/...parts` if it is a regular file inside `root` (a realpath); 404 when it does
 * not exist, 403 when a symlink leads outside.
 */
export function resolveFileInside(root: string, ...parts: string[]): { path: string; stat: Stats } {
  let real: string;
  try {
    real = realpathSync.native(join(root, ...parts));
  } catch {
    throw new HttpError(404, 'not-found', `${parts.join('/')} does not exist`);
  }
  if (!isInside(root, real)) {
    throw new HttpError(403, 'outside-data-dir', `${parts.join('/')} resolves outside the data directory`);
  }
  const stat = statSync(real, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new HttpError(404, 'not-found', `${parts.join('/')} is not a file`);
  return { path: real, stat };
}
