/**
 * Served files with their validators. Small files (segments, inits, playlists) are kept in memory with a strong
 * ETag from a SHA-256 of their bytes, so identical pieces have identical tags wherever and whenever they are
 * written; the entry is keyed by inode, size and mtime, so a file replaced by rename is read again. Files above
 * `maxEntryBytes` are streamed from disk with the tag `size-mtime-inode`, which is strong here too because nothing
 * in the data directory is modified in place (every write is a temp file renamed over the target).
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { EntityTag } from '../http/etag.js';

export interface ServedFile {
  path: string;
  size: number;
  /** The bytes when the file is small enough to be cached; null means stream it from `path`. */
  body: Buffer | null;
  etag: EntityTag;
  lastModified: number;
}

interface Entry extends ServedFile {
  key: string;
}

export class FileCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private bytes = 0;

  constructor(
    readonly maxBytes = 64 * 1024 * 1024,
    readonly maxEntryBytes = 8 * 1024 * 1024,
  ) {}

  /** `path` must already be a checked real path and `s` its stat (see resolveFileInside). */
  async get(path: string, s: Stats): Promise<ServedFile> {
    const key = `${s.ino}:${s.size}:${s.mtimeMs}`;
    const hit = this.entries.get(path);
    if (hit && hit.key === key) {
      this.entries.delete(path);
      this.entries.set(path, hit);
      return hit;
    }
    if (s.size > this.maxEntryBytes) {
      return {
        path,
        size: s.size,
        body: null,
        etag: {
          weak: false,
          opaque: `${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}-${s.ino.toString(16)}`,
        },
        lastModified: s.mtimeMs,
      };
    }
    const pending = this.loading.get(`${path}\0${key}`);
    if (pending) return pending;
    const load = this.load(path, key, s.mtimeMs).finally(() => this.loading.delete(`${path}\0${key}`));
    this.loading.set(`${path}\0${key}`, load);
    return load;
  }

  private async load(path: string, key: string, mtimeMs: number): Promise<Entry> {
    const body = await readFile(path);
    const entry: Entry = {
      key,
      path,
      size: body.length,
      body,
      etag: { weak: false, opaque: createHash('sha256').update(body).digest('base64url').slice(0, 27) },
      lastModified: mtimeMs,
    };
    const old = this.entries.get(path);
    if (old) {
      this.entries.delete(path);
      this.bytes -= old.size;
    }
    this.entries.set(path, entry);
    this.bytes += body.length;
    for (const [p, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(p);
      this.bytes -= e.size;
    }
    return entry;
  }

  /** Drops a file (and, with a trailing separator, everything under a folder) from the cache. */
  forget(pathOrPrefix: string): void {
    for (const [p, e] of this.entries) {
      if (p === pathOrPrefix || (pathOrPrefix.endsWith('/') && p.startsWith(pathOrPrefix))) {
        this.entries.delete(p);
        this.bytes -= e.size;
      }
    }
  }
}
