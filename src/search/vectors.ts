/**
 * A `.lirn` file → its searchable vectors: every chunk's latents (entropy-decoded and dequantized from the media
 * segments, no frame rendered) mapped into feature space by the chunk's `lirA` projection, unit length per
 * frame; segment and whole-video vectors are means of those, renormalized (paper appendix C). Platform-neutral.
 */
import { chunkAlignment } from '../codec/align/box.js';
import { normalizeRows } from '../codec/align/cosine.js';
import { AlignError } from '../codec/align/errors.js';
import { projectRows } from '../codec/align/projection.js';
import { decodeSegmentLatents } from '../codec/decoder/chunk-model.js';
import type { LirnFile } from '../container/lirn-file.js';

export type SearchLevel = 'frame' | 'segment' | 'video';
export const SEARCH_LEVELS: readonly SearchLevel[] = ['frame', 'segment', 'video'];

export interface Span {
  firstFrame: number;
  frameCount: number;
}

export interface VideoVectors {
  featureSpace: string;
  dim: number;
  frameCount: number;
  fps: number;
  /** One unit-length vector per frame, frameCount × dim. */
  frames: Float32Array;
  /** The file's media segments (HLS segments), in frame order. */
  segments: Span[];
}

export function videoVectors(file: LirnFile): VideoVectors {
  const alignments = file.chunks.map((c) => chunkAlignment(c));
  const missing = alignments.findIndex((a) => !a);
  if (missing >= 0)
    throw new AlignError(`chunk ${missing} has no lirA box (the file was encoded without --align…)`);
  const space = alignments[0]!.featureSpace;
  const dim = alignments[0]!.projection.featureDim;
  for (const a of alignments) {
    if (a!.featureSpace !== space || a!.projection.featureDim !== dim)
      throw new AlignError(
        `chunks are aligned with different feature spaces ('${space}', '${a!.featureSpace}')`,
      );
  }
  const frames = new Float32Array(file.frameCount * dim);
  const covered = new Uint8Array(file.frameCount);
  file.chunks.forEach((chunk, k) => {
    const D = chunk.config.latent.dim;
    const latents = new Float32Array(chunk.frameCount * D);
    for (const seg of file.segments) {
      if (seg.chunkIndex !== k) continue;
      decodeSegmentLatents(chunk, seg, latents);
      covered.fill(1, seg.firstFrame, seg.firstFrame + seg.samples.length);
    }
    frames.set(projectRows(alignments[k]!.projection, latents, chunk.frameCount), chunk.firstFrame * dim);
  });
  const gap = covered.indexOf(0);
  if (gap >= 0) throw new AlignError(`no media segment carries the latent of frame ${gap}`);
  normalizeRows(frames, file.frameCount, dim);
  return {
    featureSpace: space,
    dim,
    frameCount: file.frameCount,
    fps: file.timescale / file.sampleDuration,
    frames,
    segments: file.segments.map((s) => ({ firstFrame: s.firstFrame, frameCount: s.samples.length })),
  };
}

/** Mean of rows [first, first + count) of unit vectors, renormalized (a zero mean stays zero). */
export function meanPool(vectors: Float32Array, dim: number, first: number, count: number): Float32Array {
  const out = new Float32Array(dim);
  const acc = new Float64Array(dim);
  for (let r = first; r < first + count; r++) for (let i = 0; i < dim; i++) acc[i] += vectors[r * dim + i];
  let n = 0;
  for (let i = 0; i < dim; i++) n += acc[i] * acc[i];
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < dim; i++) out[i] = acc[i] / n;
  return out;
}

/** The vectors of one level with the frame span each stands for. */
export function levelVectors(v: VideoVectors, level: SearchLevel): { spans: Span[]; vectors: Float32Array } {
  const spans: Span[] =
    level === 'frame'
      ? Array.from({ length: v.frameCount }, (_, t) => ({ firstFrame: t, frameCount: 1 }))
      : level === 'segment'
        ? v.segments
        : [{ firstFrame: 0, frameCount: v.frameCount }];
  if (level === 'frame') return { spans, vectors: v.frames };
  const vectors = new Float32Array(spans.length * v.dim);
  spans.forEach((s, i) => {
    vectors.set(meanPool(v.frames, v.dim, s.firstFrame, s.frameCount), i * v.dim);
  });
  return { spans, vectors };
}
