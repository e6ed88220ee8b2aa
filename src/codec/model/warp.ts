/**
 * Per-frame coordinate warp (spec §4.3.2.1): the first latent components of a frame move the sampling position of
 * every pixel before the encoding reads it, so one grid can hold content that the camera pans or tilts across.
 * The warp parameters are latent components, not extra data: a held-out or interpolated frame gets the
 * interpolated warp, and the latent stays the only per-frame data. Platform-neutral.
 *
 * For frame latent z and scale s (config.warp.scale):
 *   u = s·z[0], v = s·z[1], and for 'Affine' also a = s·z[2], b = s·z[3], c = s·z[4], d = s·z[5] (else 0);
 *   x' = fround(clamp(x + u + a·(x − ½) + b·(y − ½), 0, 1)),  y' = fround(clamp(y + v + c·(x − ½) + d·(y − ½), 0, 1)).
 */
import type { ModelConfig, WarpConfig } from './config.js';

export const WARP_OTYPES = ['Translation', 'Affine'] as const;

/** Latent components a warp reads: 2 (translation) or 6 (affine); 0 without a warp. */
export function warpLatentDims(warp: WarpConfig | null | undefined): number {
  if (!warp) return 0;
  return warp.otype === 'Affine' ? 6 : 2;
}

/** [u, v, a, b, c, d] of latent `z`, or null when the config has no warp. */
export function warpParams(config: ModelConfig, z: ArrayLike<number>): Float64Array | null {
  const warp = config.warp;
  if (!warp) return null;
  const p = new Float64Array(6);
  const dims = warpLatentDims(warp);
  for (let k = 0; k < dims; k++) p[k] = warp.scale * z[k];
  return p;
}

/** Warped copies of `n` interleaved (x, y) coordinates into `out` (float32, clamped to [0, 1]). */
export function warpCoords(
  p: Float64Array,
  coords: Float32Array,
  n: number,
  out: Float32Array,
): Float32Array {
  const [u, v, a, b, c, d] = p;
  for (let k = 0; k < n; k++) {
    const x = coords[2 * k] - 0.5;
    const y = coords[2 * k + 1] - 0.5;
    out[2 * k] = clamp01(coords[2 * k] + u + a * x + b * y);
    out[2 * k + 1] = clamp01(coords[2 * k + 1] + v + c * x + d * y);
  }
  return out;
}

function clamp01(x: number): number {
  return x >= 0 ? (x <= 1 ? x : 1) : 0;
}

/** Zeroes the warp's latent components of every row of `latents` ([frames, dim]): training starts unwarped. */
export function zeroWarpLatents(config: ModelConfig, latents: Float32Array): void {
  const dims = warpLatentDims(config.warp);
  const dim = config.latent.dim;
  for (let row = 0; row + dim <= latents.length; row += dim) latents.fill(0, row, row + dims);
}
