/**
 * Quantize-then-freeze fine-tuning: at a set iteration the chosen parameter groups are snapped to the very
 * quantization grid the packer will use (quantize + normative dequantize), and from then on they keep those
 * values (learning rate 0) while the other groups train on and learn to compensate. Packing re-quantizes the
 * snapped values to the same symbols, so the frozen groups lose nothing more at pack time.
 */
import type { GroupRates } from '../engine/types.js';
import type { ModelConfig } from '../model/config.js';
import { type ParamGroup, type ParamSet, paramSpecs } from '../model/params.js';
import { dequantizeTensor, quantizeTensor } from '../quant/index.js';
import type { QuantMode } from '../quant/types.js';

export interface FreezeQuantized {
  /** Quantization of each group to snap and freeze, as the packer will quantize it. */
  groups: Partial<Record<ParamGroup, { bits: number; mode: QuantMode }>>;
  /** Share of the iterations run after the snap, in (0, 1). */
  fraction: number;
}

export function validateFreeze(f: FreezeQuantized): void {
  if (!(f.fraction > 0 && f.fraction < 1))
    throw new RangeError(`freezeQuantized.fraction must be in (0, 1), got ${f.fraction}`);
  for (const [group, q] of Object.entries(f.groups)) {
    if (group === 'latents')
      throw new RangeError(
        'freezeQuantized: the latents cannot be frozen (they are what the frames differ by)',
      );
    if (!q) continue;
    if (!Number.isInteger(q.bits) || q.bits < 1 || q.bits > 16)
      throw new RangeError(`freezeQuantized.groups.${group}.bits must be an integer in 1..16, got ${q.bits}`);
  }
}

/** The iteration at which the snap happens. */
export function freezeIteration(f: FreezeQuantized, iterations: number): number {
  return Math.min(iterations - 1, Math.max(1, Math.round(iterations * (1 - f.fraction))));
}

/** Snaps the frozen groups' tensors of `params` in place onto their quantization grids. */
export function snapToQuantized(
  config: ModelConfig,
  frames: number,
  params: ParamSet,
  f: FreezeQuantized,
): void {
  for (const spec of paramSpecs(config, frames)) {
    const q = f.groups[spec.group];
    if (!q) continue;
    const tensor = params.get(spec.name);
    if (!tensor) throw new Error(`snapToQuantized: tensor '${spec.name}' missing`);
    tensor.data.set(dequantizeTensor(quantizeTensor(tensor, q.bits, q.mode)).data);
  }
}

/** `rates` with the frozen groups at 0. */
export function frozenRates(rates: GroupRates, f: FreezeQuantized): GroupRates {
  const out = { ...rates };
  for (const group of Object.keys(f.groups) as ParamGroup[]) if (f.groups[group]) out[group] = 0;
  return out;
}
