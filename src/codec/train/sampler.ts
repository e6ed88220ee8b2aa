/**
 * Training batches: a random set of distinct training frames, then uniform random pixels of each (per-pixel
 * models) or the frame's whole centroid grid (patch models, so the 3×3 conv sees the same neighbours and zero
 * padding as when the full frame is rendered). Pure function of the RNG it is given.
 */
import type { PixelBatch } from '../engine/types.js';
import type { ModelConfig } from '../model/config.js';
import type { Rng } from '../util/random.js';

export type FrameData = Float32Array | Uint8Array;

export interface Clip {
  frames: readonly FrameData[];
  width: number;
  height: number;
}

export function validateClip(clip: Clip): void {
  const { width, height, frames } = clip;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new RangeError(`clip size must be positive integers, got ${width}×${height}`);
  }
  if (frames.length < 1) throw new RangeError('clip has no frames');
  const size = width * height * 3;
  frames.forEach((f, i) => {
    if (!(f instanceof Float32Array || f instanceof Uint8Array))
      throw new TypeError(`frame ${i} must be a Float32Array or Uint8Array`);
    if (f.length !== size)
      throw new RangeError(`frame ${i} has ${f.length} values, expected ${width}×${height}×3 = ${size}`);
  });
}

/** Value of channel c of pixel (x, y) in [0, 1]. */
function pixel(frame: FrameData, width: number, x: number, y: number, c: number): number {
  const v = frame[(y * width + x) * 3 + c];
  return frame instanceof Uint8Array ? v / 255 : v;
}

/** `count` distinct entries of `pool` in random order (partial Fisher–Yates). */
export function pickFrames(pool: readonly number[], count: number, rng: Rng): number[] {
  const a = [...pool];
  const n = Math.min(count, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

export function sampleBatch(
  config: ModelConfig,
  clip: Clip,
  trainedFrames: readonly number[],
  framesPerBatch: number,
  pixelsPerFrame: number,
  rng: Rng,
): PixelBatch {
  const frames = pickFrames(trainedFrames, framesPerBatch, rng);
  return config.patch
    ? patchBatch(config.patch.size, clip, frames)
    : pixelBatch(clip, frames, pixelsPerFrame, rng);
}

function pixelBatch(clip: Clip, frames: number[], perFrame: number, rng: Rng): PixelBatch {
  const { width, height } = clip;
  const coords = new Float32Array(frames.length * perFrame * 2);
  const target = new Float32Array(frames.length * perFrame * 3);
  const picks = new Uint32Array(perFrame);
  let n = 0;
  for (const f of frames) {
    rng.fillInts(width * height, picks);
    const data = clip.frames[f];
    // One loop per element type keeps each monomorphic (a mixed loop is ~5x slower in V8).
    if (data instanceof Uint8Array) fillPixels(data, 255, picks, width, height, coords, target, n);
    else fillPixels(data, 1, picks, width, height, coords, target, n);
    n += perFrame;
  }
  return { frameIndex: Int32Array.from(frames), pixelsPerFrame: perFrame, coords, target };
}

/** Coordinates and RGB targets (value / divisor) of the picked pixels, written from sample `n` on. */
function fillPixels(
  data: Uint8Array | Float32Array,
  divisor: number,
  picks: Uint32Array,
  width: number,
  height: number,
  coords: Float32Array,
  target: Float32Array,
  n: number,
): void {
  for (let s = 0; s < picks.length; s++, n++) {
    const p = picks[s];
    const x = p % width;
    const y = (p - x) / width;
    coords[2 * n] = (x + 0.5) / width;
    coords[2 * n + 1] = (y + 0.5) / height;
    const at = 3 * p;
    target[3 * n] = data[at] / divisor;
    target[3 * n + 1] = data[at + 1] / divisor;
    target[3 * n + 2] = data[at + 2] / divisor;
  }
}

/**
 * Whole-frame tiles of ceil(W/p) × ceil(H/p) centroids. The target of each centroid is its p×p block in the conv's
 * channel order (c·p² + dy·p + dx, spec §4.3.7); pixels past the right/bottom edge repeat the edge pixel, since
 * the decoder crops them away.
 */
function patchBatch(p: number, clip: Clip, frames: number[]): PixelBatch {
  const { width, height } = clip;
  const gw = Math.ceil(width / p);
  const gh = Math.ceil(height / p);
  const perFrame = gw * gh;
  const coords = new Float32Array(frames.length * perFrame * 2);
  const target = new Float32Array(frames.length * perFrame * 3 * p * p);
  let n = 0;
  for (const f of frames) {
    const data = clip.frames[f];
    for (let j = 0; j < gh; j++) {
      for (let i = 0; i < gw; i++, n++) {
        coords[2 * n] = (i + 0.5) / gw;
        coords[2 * n + 1] = (j + 0.5) / gh;
        const base = n * 3 * p * p;
        for (let dy = 0; dy < p; dy++) {
          const y = Math.min(j * p + dy, height - 1);
          for (let dx = 0; dx < p; dx++) {
            const x = Math.min(i * p + dx, width - 1);
            for (let c = 0; c < 3; c++) target[base + c * p * p + dy * p + dx] = pixel(data, width, x, y, c);
          }
        }
      }
    }
  }
  return {
    frameIndex: Int32Array.from(frames),
    pixelsPerFrame: perFrame,
    coords,
    target,
    tileWidth: gw,
    tileHeight: gh,
  };
}
