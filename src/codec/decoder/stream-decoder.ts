/**
 * Frames of a whole `.lirn` stream at any time and size. Frame time `t` is global (0 … frameCount − 1, fractional
 * allowed); inside a chunk fractional times interpolate latents (spec §4.3.1); between the last frame of one
 * chunk and the first of the next (two different models) the two rendered frames are blended linearly
 * (spec §4.4).
 */
import { ContainerError } from '../../container/errors.js';
import type { LirnFile } from '../../container/lirn-file.js';
import type { Model } from '../model/model.js';
import { createRenderer } from '../render/renderer.js';
import { decodeChunkModel } from './chunk-model.js';

/** What renders one chunk's model; the reference renderer by default, the native one where it loads. */
export interface FrameRenderer {
  renderFrame(t: number, width: number, height: number): Float32Array;
}
export type RendererFactory = (model: Model) => FrameRenderer;

export const referenceRendererFactory: RendererFactory = (model) => createRenderer(model);

export class StreamDecoder {
  readonly frameCount: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  private readonly models: Array<Model | null>;
  private readonly renderers: Array<FrameRenderer | null>;

  constructor(
    private readonly file: LirnFile,
    private readonly rendererFactory: RendererFactory = referenceRendererFactory,
  ) {
    this.frameCount = file.frameCount;
    this.fps = file.timescale / file.sampleDuration;
    this.width = file.displayWidth;
    this.height = file.displayHeight;
    this.models = file.chunks.map(() => null);
    this.renderers = file.chunks.map(() => null);
    let next = 0;
    for (const chunk of file.chunks) {
      if (chunk.firstFrame !== next) {
        throw new ContainerError(
          'bad-value',
          'stsd',
          0,
          `chunk starting at frame ${chunk.firstFrame} leaves frames ${next}.. uncovered`,
        );
      }
      next += chunk.frameCount;
    }
    if (next !== file.frameCount) {
      throw new ContainerError(
        'bad-value',
        'stsd',
        0,
        `chunks cover ${next} frames, the track has ${file.frameCount}`,
      );
    }
  }

  /** Index of the chunk that holds integer frame `frame`. */
  chunkOf(frame: number): number {
    const chunks = this.file.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (chunks[mid].firstFrame <= frame) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The dequantized model of chunk `k` (decoded once, kept until `release`). */
  chunkModel(k: number): Model {
    if (!Number.isInteger(k) || k < 0 || k >= this.file.chunks.length) throw new RangeError(`no chunk ${k}`);
    let m = this.models[k];
    if (!m) {
      const segments = this.file.segments.filter((s) => s.chunkIndex === k);
      m = decodeChunkModel(this.file.chunks[k], segments);
      this.models[k] = m;
    }
    return m;
  }

  private renderer(k: number): FrameRenderer {
    let r = this.renderers[k];
    if (!r) {
      r = this.rendererFactory(this.chunkModel(k));
      this.renderers[k] = r;
    }
    return r;
  }

  /** Frees decoded models of chunks other than `keep` (bounded memory when decoding long videos in order). */
  release(keep: readonly number[] = []): void {
    this.renderers.forEach((_, k) => {
      if (keep.includes(k)) return;
      this.renderers[k] = null;
      this.models[k] = null;
    });
  }

  renderFrame(t: number, width = this.width, height = this.height): Float32Array {
    if (!Number.isFinite(t) || t < 0 || t > this.frameCount - 1) {
      throw new RangeError(`frame time ${t} is outside 0..${this.frameCount - 1}`);
    }
    const k = this.chunkOf(Math.floor(t));
    const chunk = this.file.chunks[k];
    const local = t - chunk.firstFrame;
    if (local <= chunk.frameCount - 1 || k + 1 >= this.file.chunks.length) {
      return this.renderer(k).renderFrame(Math.min(local, chunk.frameCount - 1), width, height);
    }
    // Between two models: blend the last frame of chunk k with the first of chunk k + 1.
    const beta = local - (chunk.frameCount - 1);
    const a = this.renderer(k).renderFrame(chunk.frameCount - 1, width, height);
    const b = this.renderer(k + 1).renderFrame(0, width, height);
    for (let i = 0; i < a.length; i++) a[i] = (1 - beta) * a[i] + beta * b[i];
    return a;
  }
}
