/**
 * The latent map (paper §4.4, Fig. 9): a file's per-frame latents projected to 2-D with UMAP. Aligned files are
 * mapped in feature space (each chunk's lirA projection makes chunks comparable); otherwise the raw latents are
 * used, which is only meaningful within one chunk (each chunk trains its own latent space).
 */
import { UMAP } from 'umap-js';
import { AlignError } from '../codec/align/errors.js';
import { decodeSegmentLatents } from '../codec/decoder/chunk-model.js';
import { createRng } from '../codec/util/random.js';
import type { LirnFile } from '../container/lirn-file.js';
import { videoVectors } from './vectors.js';

export type MapSpace = 'auto' | 'latent' | 'feature';

export interface MapInput {
  rows: number;
  dim: number;
  vectors: Float32Array;
  /** What the vectors are: 'feature' (projected, unit length) or 'latent' (raw z_t). */
  space: 'feature' | 'latent';
  /** Chunk (model) of each frame. */
  chunkOf: Int32Array;
  fps: number;
}

export function mapInput(file: LirnFile, space: MapSpace = 'auto'): MapInput {
  const aligned = file.chunks.every((c) => c.extraBoxes?.some((b) => b.type === 'lirA'));
  const chunkOf = new Int32Array(file.frameCount);
  file.chunks.forEach((c, k) => {
    chunkOf.fill(k, c.firstFrame, c.firstFrame + c.frameCount);
  });
  const fps = file.timescale / file.sampleDuration;
  if (space === 'feature' || (space === 'auto' && aligned)) {
    if (!aligned) throw new AlignError('the file has no lirA box: map its raw latents (--space latent)');
    const v = videoVectors(file);
    return { rows: v.frameCount, dim: v.dim, vectors: v.frames, space: 'feature', chunkOf, fps };
  }
  const dim = file.chunks[0].config.latent.dim;
  if (file.chunks.some((c) => c.config.latent.dim !== dim))
    throw new AlignError('chunks have latents of different sizes; map them one file per chunk');
  const vectors = new Float32Array(file.frameCount * dim);
  file.chunks.forEach((chunk, k) => {
    const latents = new Float32Array(chunk.frameCount * dim);
    for (const seg of file.segments) if (seg.chunkIndex === k) decodeSegmentLatents(chunk, seg, latents);
    vectors.set(latents, chunk.firstFrame * dim);
  });
  return { rows: file.frameCount, dim, vectors, space: 'latent', chunkOf, fps };
}

export interface UmapOptions {
  /** UMAP's n_neighbors (default 15, capped at rows − 1). */
  neighbors?: number;
  minDist?: number;
  seed?: number;
}

/** rows × 2 coordinates; deterministic for a seed. Fewer than 3 rows are placed on a line. */
export function umap2d(input: MapInput, options: UmapOptions = {}): Float64Array {
  const { rows, dim, vectors } = input;
  const out = new Float64Array(rows * 2);
  if (rows < 3) {
    for (let r = 0; r < rows; r++) out[2 * r] = r;
    return out;
  }
  const data: number[][] = [];
  for (let r = 0; r < rows; r++) data.push(Array.from(vectors.subarray(r * dim, (r + 1) * dim)));
  const rng = createRng(options.seed ?? 0);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(options.neighbors ?? 15, rows - 1)),
    minDist: options.minDist ?? 0.1,
    random: () => rng.next(),
  });
  const embedding = umap.fit(data);
  embedding.forEach(([x, y], r) => {
    out[2 * r] = x;
    out[2 * r + 1] = y;
  });
  return out;
}
