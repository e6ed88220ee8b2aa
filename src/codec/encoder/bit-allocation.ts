/**
 * Bits per parameter group. The paper (appendix B.2) keeps latents and the base network at higher precision
 * than the rest: they are few parameters and every frame depends on them.
 */

import type { ParamGroup } from '../model/params.js';
import type { QuantMode } from '../quant/index.js';

export interface GroupQuantization {
  bits: number;
  mode: QuantMode;
}

export type BitAllocation = Record<ParamGroup, GroupQuantization>;

/** The allocation before 6-bit became the default (still a valid choice: `--bits 8`); conformance vectors use it. */
export const EIGHT_BIT_ALLOCATION: BitAllocation = {
  latents: { bits: 10, mode: 'channel' },
  encoding: { bits: 8, mode: 'tensor' },
  base: { bits: 10, mode: 'channel' },
  hyper: { bits: 8, mode: 'channel' },
  patch: { bits: 8, mode: 'channel' },
};

/**
 * The encoder's default: 6-bit tables and hypernetworks, 8-bit latents and base. Measured on bunny 640×360×120
 * (profile M): 26% fewer bits than EIGHT_BIT_ALLOCATION for −0.05 dB (bench/components.ts), the best trade of
 * the depths tried; 4 bits costs 0.8 dB more.
 */
export const DEFAULT_BIT_ALLOCATION: BitAllocation = {
  latents: { bits: 8, mode: 'channel' },
  encoding: { bits: 6, mode: 'tensor' },
  base: { bits: 8, mode: 'channel' },
  hyper: { bits: 6, mode: 'channel' },
  patch: { bits: 6, mode: 'channel' },
};

/** Same depth for every group but latents/base kept 2 bits above it (e.g. `--bits 6`). */
export function uniformBitAllocation(bits: number): BitAllocation {
  if (!Number.isInteger(bits) || bits < 2 || bits > 14)
    throw new RangeError(`bits must be an integer in 2..14, got ${bits}`);
  return {
    latents: { bits: bits + 2, mode: 'channel' },
    encoding: { bits, mode: 'tensor' },
    base: { bits: bits + 2, mode: 'channel' },
    hyper: { bits, mode: 'channel' },
    patch: { bits, mode: 'channel' },
  };
}
