/**
 * The data directory: one folder per video id, plus `.tmp/` for uploads in flight and folders being staged or
 * deleted. A video folder appears by renaming a complete staged folder (source + meta.json) into place and
 * disappears by renaming it back into `.tmp/` before removal, so a scan never sees half a video.
 *
 *   <id>/meta.json            state, settings, progress, published pieces (storage/meta.ts)
 *   <id>/source.<ext>         the upload, until the encode is done
 *   <id>/video.lirn           the encoded file
 *   <id>/lirn/init-<k>.mp4    chunk k's init segment (EXT-X-MAP)
 *   <id>/lirn/seg-<i>.m4s     latent segment i
 *   <id>/fallback/            H.264 HLS rendition (media.m3u8, init.mp4, seg-<n>.m4s)
 *   <id>/work/                resumable encoder state
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpError } from '../errors.js';
import { checkVideoId, isVideoId, newVideoId } from './ids.js';
import { type EncodeSettings, readMeta, type VideoMeta, writeMeta } from './meta.js';
import { isInside } from './safe-path.js';

export interface NewVideo {
  /** A file in `.tmp/` (from tempPath) holding the upload; it is moved into the video folder. */
  upload: string;
  kind: 'video' | 'lirn';
  format: string;
  bytes: number;
  name: string;
  settings: EncodeSettings;
}

export class Library {
  private readonly metas = new Map<string, VideoMeta>();
  private readonly writes = new Map<string, Promise<unknown>>();

  private constructor(readonly root: string) {}

  /** Opens (creating) a data directory; leftovers of a crash in `.tmp/` are removed. */
  static async open(dataDir: string): Promise<Library> {
    await mkdir(dataDir, { recursive: true });
    const root = await realpath(dataDir);
    await rm(join(root, '.tmp'), { recursive: true, force: true });
    await mkdir(join(root, '.tmp'));
    return new Library(root);
  }

  dir(id: string): string {
    return join(this.root, checkVideoId(id));
  }

  metaPath(id: string): string {
    return join(this.dir(id), 'meta.json');
  }

  /** A fresh path in `.tmp/` (nothing is created). */
  tempPath(prefix: string): string {
    return join(this.root, '.tmp', `${prefix}-${randomBytes(9).toString('base64url')}`);
  }

  async ids(): Promise<string[]> {
    const names = await readdir(this.root);
    return names.filter(isVideoId).sort();
  }

  /** The video's record, or null when no video has this id (a folder that resolves outside the root is a 403). */
  async get(id: string): Promise<VideoMeta | null> {
    checkVideoId(id);
    const cached = this.metas.get(id);
    if (cached) return cached;
    let real: string;
    try {
      real = await realpath(join(this.root, id));
    } catch {
      return null;
    }
    if (!isInside(this.root, real)) {
      throw new HttpError(403, 'outside-data-dir', `video folder ${id} resolves outside the data directory`);
    }
    const meta = await readMeta(join(real, 'meta.json'));
    if (!meta || meta.id !== id) return null;
    this.metas.set(id, meta);
    return meta;
  }

  async require(id: string): Promise<VideoMeta> {
    const meta = await this.get(id);
    if (!meta) throw new HttpError(404, 'unknown-video', `no video with id ${id}`);
    return meta;
  }

  async list(): Promise<VideoMeta[]> {
    const out: VideoMeta[] = [];
    for (const id of await this.ids()) {
      const meta = await this.get(id).catch(() => null);
      if (meta) out.push(meta);
    }
    return out;
  }

  /** Applies `change` to the record and writes it; writes of one video are serialised. */
  async update(id: string, change: (meta: VideoMeta) => void): Promise<VideoMeta> {
    const run = async () => {
      const current = await this.require(id);
      const next = structuredClone(current);
      change(next);
      next.updated = new Date().toISOString();
      await writeMeta(this.metaPath(id), next);
      this.metas.set(id, next);
      return next;
    };
    const previous = this.writes.get(id) ?? Promise.resolve();
    const result = previous.then(run, run);
    const settled = result.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return result;
  }

  /** Stages source + meta.json in `.tmp/` and renames the folder into place: the video appears complete or not at all. */
  async create(video: NewVideo): Promise<VideoMeta> {
    const id = newVideoId();
    const staging = this.tempPath(`new-${id}`);
    const sourceFile = `source.${video.format}`;
    const now = new Date().toISOString();
    const meta: VideoMeta = {
      id,
      state: 'queued',
      created: now,
      updated: now,
      name: video.name,
      source: { kind: video.kind, file: sourceFile, bytes: video.bytes, format: video.format },
      settings: video.settings,
      progress: { phase: 'queued', fraction: 0 },
      lirn: { chunks: null, initBytes: [], segments: [] },
    };
    try {
      await mkdir(staging);
      await rename(video.upload, join(staging, sourceFile));
      await writeMeta(join(staging, 'meta.json'), meta);
      await rename(staging, join(this.root, id));
    } catch (e) {
      await rm(staging, { recursive: true, force: true });
      throw e;
    }
    this.metas.set(id, meta);
    return meta;
  }

  /** Removes a video: the folder leaves the library at once (a rename), its files are deleted after. */
  async remove(id: string): Promise<void> {
    await this.require(id);
    await (this.writes.get(id) ?? Promise.resolve());
    const trash = this.tempPath(`deleted-${id}`);
    await rename(this.dir(id), trash);
    this.metas.delete(id);
    await rm(trash, { recursive: true, force: true });
  }

  /** Forgets the cached record so the next read comes from disk (after another process changed it). */
  invalidate(id: string): void {
    this.metas.delete(id);
  }
}
