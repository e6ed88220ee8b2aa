/**
 * Deterministic synthetic clips for tests and benches, made in code (no node-av, no Node APIs): a drifting colour
 * gradient with textured discs and boxes moving along straight lines and bouncing off the borders. Edges are
 * anti-aliased by area coverage, so sub-pixel motion changes pixels smoothly and `render(t)` at a fractional t is
 * the true in-between picture (ground truth for frame interpolation).
 */
import { createRng } from '../codec/util/random.js';

export interface SyntheticOptions {
  width: number;
  height: number;
  /** Number of frames `syntheticClip` renders (t = 0, 1, …, frames − 1). */
  frames: number;
  /** Same seed → identical bytes. Default 1. */
  seed?: number;
  /** Moving objects. Default 3. */
  shapes?: number;
  /** Object speed in pixels per frame, scaled by min(width, height)/48. Default 1.5. */
  speed?: number;
}

interface Shape {
  kind: 'disc' | 'box';
  /** Centre at t = 0 and velocity, in pixels and pixels per frame. */
  x0: number;
  y0: number;
  vx: number;
  vy: number;
  /** Radius (disc) or half side (box). */
  size: number;
  colour: [number, number, number];
  /** Stripe frequency of the texture carried with the object. */
  stripes: number;
}

export interface SyntheticScene {
  width: number;
  height: number;
  /** Frame at time t (in frames, fractional allowed): packed RGB24, width·height·3 bytes. */
  render(t: number): Uint8Array;
}

export function syntheticScene(options: SyntheticOptions): SyntheticScene {
  const { width, height } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['frames', options.frames],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 8192) {
      throw new RangeError(`syntheticScene: ${name} must be an integer in 1..8192, got ${value}`);
    }
  }
  const rng = createRng(options.seed ?? 1);
  const scale = Math.min(width, height) / 48;
  const speed = (options.speed ?? 1.5) * scale;
  const shapes: Shape[] = [];
  for (let i = 0; i < (options.shapes ?? 3); i++) {
    const angle = rng.uniform(0, 2 * Math.PI);
    const v = speed * rng.uniform(0.6, 1.4);
    shapes.push({
      kind: i % 2 === 0 ? 'disc' : 'box',
      x0: rng.uniform(0, width),
      y0: rng.uniform(0, height),
      vx: v * Math.cos(angle),
      vy: v * Math.sin(angle),
      size: Math.max(1.5, scale * rng.uniform(5, 10)),
      colour: [rng.int(256), rng.int(256), rng.int(256)],
      stripes: rng.uniform(0.06, 0.15) / Math.max(1, scale),
    });
  }
  const phase = [rng.uniform(0, 6.28), rng.uniform(0, 6.28), rng.uniform(0, 6.28)];
  return { width, height, render: (t) => renderScene(width, height, shapes, phase, t) };
}

/** The clip's frames t = 0..frames−1. */
export function syntheticClip(options: SyntheticOptions): Uint8Array[] {
  const scene = syntheticScene(options);
  return Array.from({ length: options.frames }, (_, t) => scene.render(t));
}

function renderScene(width: number, height: number, shapes: Shape[], phase: number[], t: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const rgb = new Float64Array(3);
  const placed = shapes.map((s) => ({
    ...s,
    cx: bounce(s.x0 + s.vx * t, width),
    cy: bounce(s.y0 + s.vy * t, height),
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      rgb[0] = 128 + 90 * Math.sin(2 * Math.PI * (u * 0.9 + t * 0.011) + phase[0]);
      rgb[1] = 128 + 90 * Math.sin(2 * Math.PI * (v * 0.8 - t * 0.007) + phase[1]);
      rgb[2] = 128 + 90 * Math.sin(2 * Math.PI * ((u + v) * 0.6 + t * 0.005) + phase[2]);
      for (const s of placed) {
        const dx = x + 0.5 - s.cx;
        const dy = y + 0.5 - s.cy;
        // Signed distance to the edge (negative inside); coverage of a unit pixel ≈ clamp(0.5 − d).
        const d =
          s.kind === 'disc' ? Math.hypot(dx, dy) - s.size : Math.max(Math.abs(dx), Math.abs(dy)) - s.size;
        const cover = Math.min(1, Math.max(0, 0.5 - d));
        if (cover === 0) continue;
        const texture = 0.75 + 0.25 * Math.sin(2 * Math.PI * s.stripes * (dx + 0.5 * dy));
        for (let c = 0; c < 3; c++) rgb[c] += cover * (s.colour[c] * texture - rgb[c]);
      }
      const o = (y * width + x) * 3;
      out[o] = clampByte(rgb[0]);
      out[o + 1] = clampByte(rgb[1]);
      out[o + 2] = clampByte(rgb[2]);
    }
  }
  return out;
}

/** Position bouncing between 0 and `extent` (a triangle wave), so objects stay in view forever. */
function bounce(p: number, extent: number): number {
  const period = 2 * extent;
  const m = ((p % period) + period) % period;
  return m <= extent ? m : period - m;
}

function clampByte(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}
