/**
 * Base learning rate per parameter group (before the schedule's factor).
 *
 * The paper trains everything with Adam at 5e-4 (appendix A), on networks 4-8x wider than ours and for far longer.
 * Measured with the tfjs engine on 16-frame 32×32 clips (src/media/synthetic.ts, 2 shapes; 8-level hash grid,
 * width 64, rank 8, latent 16; batches of 8 frames × 512 pixels; cosine schedule), reference-decoder PSNR:
 *   MLPs / tables        σ_z = 0.05, 300 it    σ_z = 0.5, 300 it    σ_z = 0.5, 1000 it
 *   5e-4 / 5e-4 (paper)                        18.3 dB
 *   5e-4 / 1e-2                                18.8 dB
 *   5e-3 / 1e-2          26.3 dB
 *   5e-3 / 3e-2          27.0 dB                                   34.8 dB
 *   1e-2 / 1e-2          27.8 dB
 *   1e-2 / 3e-2          28.3 dB               29.2 dB              35.6 dB
 *   2e-2 / 3e-2                                30.1 dB              36.2 dB
 * so hash tables took 3e-2 (at 5e-4 they hardly leave their ±1e-4 start) and the rest 1e-2, a notch below the
 * best short-run value to leave headroom for wider (profile L) networks.
 * Re-measured on the real task (bunny 640×360×120, profile M with spatio-temporal levels and warp, native engine,
 * 5000 iterations, Adam β₂ = 0.99, bench/explore.ts --rates): tables at 1.5e-2 reach 27.51 dB against 27.46 at
 * 3e-2, in 3% fewer bits (smaller table values code shorter); 6e-2 loses 0.07 dB. The MLP and hypernetwork rates are
 * best at 1e-2 (5e-3: −0.19 dB, 2e-2: −0.41 dB), the latents' too (3e-2: −0.14 dB).
 */
import type { GroupRates } from '../engine/types.js';

export const DEFAULT_GROUP_RATES: GroupRates = {
  latents: 1e-2,
  encoding: 1.5e-2,
  base: 1e-2,
  hyper: 1e-2,
  patch: 1e-2,
};

/** The paper's single rate for every group (appendix A), for comparisons. */
export const PAPER_GROUP_RATES: GroupRates = {
  latents: 5e-4,
  encoding: 5e-4,
  base: 5e-4,
  hyper: 5e-4,
  patch: 5e-4,
};

export function resolveRates(overrides: Partial<GroupRates> = {}): GroupRates {
  const rates = { ...DEFAULT_GROUP_RATES, ...overrides };
  for (const [group, r] of Object.entries(rates)) {
    if (!Number.isFinite(r) || r < 0)
      throw new RangeError(`learning rate for '${group}' must be a finite non-negative number, got ${r}`);
  }
  return rates;
}

export function scaleRates(rates: GroupRates, factor: number): GroupRates {
  return {
    latents: rates.latents * factor,
    encoding: rates.encoding * factor,
    base: rates.base * factor,
    hyper: rates.hyper * factor,
    patch: rates.patch * factor,
  };
}
