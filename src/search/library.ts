/**
 * A library: every `.lirn` file under a directory, searchable by the vectors of videoVectors (frame, segment or
 * whole-video level) with one index per (feature space, level), built on first use. Files without a `lirA` box,
 * or that do not parse, are listed in `skipped` with the reason. A server can keep a Library open and call
 * `refresh()` to pick up new or changed files. HNSW graphs are saved in `<root>/.lirn-index/`, named by a hash of
 * the feature space, level and every file's path, size and modification time, so they are rebuilt only when the
 * library changes.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AlignError } from '../codec/align/errors.js';
import { readLirnFile } from '../container/read-file.js';
import { buildIndex, type IndexMode, type VectorIndex } from './vector-index.js';
import { levelVectors, type SearchLevel, type Span, type VideoVectors, videoVectors } from './vectors.js';

export interface LibraryVideo extends VideoVectors {
  /** Path relative to the library root. */
  file: string;
  mtimeMs: number;
  size: number;
}

export interface SearchHit {
  file: string;
  level: SearchLevel;
  firstFrame: number;
  frameCount: number;
  /** Seconds from the start of the video to the first frame. */
  time: number;
  score: number;
}

export interface SearchOptions {
  level?: SearchLevel;
  k?: number;
  /** Feature space of the query; default: the only one in the library (an error when there are several). */
  space?: string;
  index?: IndexMode;
}

interface LevelIndex {
  index: VectorIndex;
  owners: Array<{ video: LibraryVideo; span: Span }>;
}

/** Largest .lirn file a library loads (bounds memory on a hostile directory). */
export const MAX_LIBRARY_FILE_BYTES = 2 ** 31;

async function listLirn(dir: string, depth = 0): Promise<string[]> {
  if (depth > 8) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listLirn(p, depth + 1)));
    else if (e.isFile() && e.name.endsWith('.lirn')) out.push(p);
  }
  return out.sort();
}

export class Library {
  readonly videos: LibraryVideo[] = [];
  readonly skipped: Array<{ file: string; reason: string }> = [];
  private indexes = new Map<string, LevelIndex>();

  private constructor(
    readonly root: string,
    /** Where HNSW graphs are cached; null: never written. */
    readonly indexDir: string | null,
  ) {}

  static async open(root: string, options: { indexDir?: string | null } = {}): Promise<Library> {
    const lib = new Library(
      root,
      options.indexDir === undefined ? join(root, '.lirn-index') : options.indexDir,
    );
    await lib.refresh();
    return lib;
  }

  /** Feature spaces present, with how many videos each. */
  spaces(): Map<string, number> {
    const m = new Map<string, number>();
    for (const v of this.videos) m.set(v.featureSpace, (m.get(v.featureSpace) ?? 0) + 1);
    return m;
  }

  /** Re-reads the directory: new and changed files are loaded, removed ones dropped. */
  async refresh(): Promise<void> {
    const info = await stat(this.root).catch(() => null);
    if (!info?.isDirectory()) throw new AlignError(`library '${this.root}' is not a directory`);
    const known = new Map(this.videos.map((v) => [v.file, v]));
    const next: LibraryVideo[] = [];
    this.skipped.length = 0;
    for (const path of await listLirn(this.root)) {
      const file = relative(this.root, path);
      try {
        const st = await stat(path);
        const old = known.get(file);
        if (old && old.mtimeMs === st.mtimeMs && old.size === st.size) {
          next.push(old);
          continue;
        }
        if (st.size > MAX_LIBRARY_FILE_BYTES)
          throw new AlignError(`larger than ${MAX_LIBRARY_FILE_BYTES} bytes`);
        const vectors = videoVectors(readLirnFile(new Uint8Array(await readFile(path))));
        next.push({ ...vectors, file, mtimeMs: st.mtimeMs, size: st.size });
      } catch (e) {
        this.skipped.push({ file, reason: (e as Error).message });
      }
    }
    this.videos.splice(0, this.videos.length, ...next);
    this.indexes.clear();
  }

  /** Nearest frames / segments / videos to a query vector (cosine similarity), best first. */
  search(query: Float32Array, options: SearchOptions = {}): SearchHit[] {
    const level = options.level ?? 'frame';
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new AlignError(`k must be a positive integer, got ${k}`);
    const space = options.space ?? this.onlySpace();
    const li = this.levelIndex(space, level, options.index ?? 'auto');
    if (query.length !== li.index.dim)
      throw new AlignError(`the query has ${query.length} values, space '${space}' has ${li.index.dim}`);
    const q = unit(query);
    return li.index.search(q, k).map(({ key, score }) => {
      const { video, span } = li.owners[key];
      return {
        file: video.file,
        level,
        firstFrame: span.firstFrame,
        frameCount: span.frameCount,
        time: span.firstFrame / video.fps,
        score,
      };
    });
  }

  /** The index a search at `level` uses (built or loaded on first use), e.g. for a server's statistics. */
  index(level: SearchLevel, options: { space?: string; index?: IndexMode } = {}): VectorIndex {
    return this.levelIndex(options.space ?? this.onlySpace(), level, options.index ?? 'auto').index;
  }

  private onlySpace(): string {
    const spaces = [...this.spaces().keys()];
    if (spaces.length === 0)
      throw new AlignError(
        `library '${this.root}' holds no aligned .lirn file${this.skipped.length ? ` (${this.skipped.length} skipped)` : ''}`,
      );
    if (spaces.length > 1)
      throw new AlignError(`library '${this.root}' mixes feature spaces (${spaces.join(', ')}); name one`);
    return spaces[0];
  }

  private levelIndex(space: string, level: SearchLevel, mode: IndexMode): LevelIndex {
    const key = `${space}\u0000${level}\u0000${mode}`;
    const cached = this.indexes.get(key);
    if (cached) return cached;
    const videos = this.videos.filter((v) => v.featureSpace === space);
    if (videos.length === 0) throw new AlignError(`no video in the library is aligned with '${space}'`);
    const dim = videos[0].dim;
    const owners: LevelIndex['owners'] = [];
    const parts: Float32Array[] = [];
    for (const video of videos) {
      const { spans, vectors } = levelVectors(video, level);
      parts.push(vectors);
      for (const span of spans) owners.push({ video, span });
    }
    const all = new Float32Array(owners.length * dim);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([space, level, dim, videos.map((v) => [v.file, v.size, v.mtimeMs])]))
      .digest('hex')
      .slice(0, 32);
    const cache = this.indexDir ? join(this.indexDir, `${fingerprint}.usearch`) : undefined;
    const built = { index: buildIndex(all, dim, mode, cache), owners };
    this.indexes.set(key, built);
    return built;
  }
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (!(n > 0) || !Number.isFinite(n)) throw new AlignError('the query vector is zero or not finite');
  return v.map((x) => x / n);
}
