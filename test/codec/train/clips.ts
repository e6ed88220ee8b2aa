/** Small clips made in code for the trainer tests, and the model the quality tests train. */
import { hashGrid, type ModelConfig } from '../../../src/codec/model/config.js';

export interface BlobClipOptions {
  width: number;
  height: number;
  frames: number;
  /** Gaussian radius of the blob in pixels. */
  sigma: number;
  /** Radius of the blob's circular path in pixels. */
  orbit: number;
  /** Frames per revolution. */
  period: number;
  /** Background gradient drift in cycles per frame. */
  drift: number;
}

/**
 * A yellow Gaussian blob circling over a drifting colour gradient, RGB24. The blob moves 2π·orbit/period pixels a
 * frame, so blending two neighbours leaves two half-strength blobs where the true frame has one in between.
 */
export function blobClip(o: BlobClipOptions): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = 0; t < o.frames; t++) {
    const frame = new Uint8Array(o.width * o.height * 3);
    const cx = o.width / 2 + o.orbit * Math.cos((2 * Math.PI * t) / o.period);
    const cy = o.height / 2 + o.orbit * Math.sin((2 * Math.PI * t) / o.period);
    for (let y = 0; y < o.height; y++) {
      for (let x = 0; x < o.width; x++) {
        const u = (x + 0.5) / o.width;
        const v = (y + 0.5) / o.height;
        const a = Math.exp(-((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) / (2 * o.sigma ** 2));
        const bg = [
          0.45 + 0.25 * Math.sin(2 * Math.PI * (u + o.drift * t)),
          0.45 + 0.25 * Math.sin(2 * Math.PI * (0.8 * v - o.drift * t) + 1),
          0.4 + 0.15 * Math.cos(2 * Math.PI * 0.5 * (u + v)),
        ];
        const blob = [0.95, 0.85, 0.1];
        for (let c = 0; c < 3; c++)
          frame[(y * o.width + x) * 3 + c] = Math.round(255 * (bg[c] * (1 - a) + blob[c] * a));
      }
    }
    out.push(frame);
  }
  return out;
}

/** 8-level hash grid up to the frame size, width 64, rank 8 on layer 1, 16-d latents. */
export function smallModel(finest: number, latentStd = 0.5): ModelConfig {
  return {
    version: 1,
    encoding: hashGrid(8, 2, 12, 4, finest),
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 64,
      n_hidden_layers: 2,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [1], rank: 8, hyper_hidden: [32], activation: 'Tanh' },
    latent: { dim: 16, init_std: latentStd },
    patch: null,
  };
}

export function toFloat(frame: Uint8Array): Float32Array {
  return Float32Array.from(frame, (v) => v / 255);
}

/**
 * A camera pan over a fixed textured picture (sums of sines, RGB24): frame t shows the picture moved by
 * (dx(t), dy(t)) pixels — content at (x, y) in frame 0 sits at (x + dx(t), y + dy(t)) in frame t — sampled exactly
 * at sub-pixel positions, so a true global motion is known.
 */
export function panClip(
  width: number,
  height: number,
  frames: number,
  path: (t: number) => [number, number],
): Uint8Array[] {
  const picture = (x: number, y: number, c: number) =>
    0.5 +
    0.18 * Math.sin(0.31 * x + 0.17 * y + c) +
    0.12 * Math.sin(0.07 * x - 0.23 * y + 2 * c) +
    0.1 * Math.cos(0.13 * x * (1 + 0.1 * c) + 0.41 * y);
  return Array.from({ length: frames }, (_, t) => {
    const [dx, dy] = path(t);
    const frame = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < 3; c++)
          frame[(y * width + x) * 3 + c] = Math.round(255 * picture(x - dx, y - dy, c));
    return frame;
  });
}
