/**
 * Quantization-aware training of chosen parameter groups, two ways.
 *
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
import { DEFAULT_GROUP_RATES } from './rates.js';

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

/**
 * Straight-through quantization-aware training: over the last `fraction` of the iterations every step computes
 * its forward and backward pass with each tensor of `groups` quantized min–max at its depth (one range per
 * tensor, the packer's 'tensor' mode, hence packing then meets exactly the grid the model was trained on), while
 * Adam updates the float values underneath, so values keep moving between grid points. Engines with
 * `setFakeQuant` do the swap inside the step; for the others the trainer swaps through getParams/setParams
 * (QuantAwareSwap).
 */
export interface QuantAware {
  groups: Partial<Record<ParamGroup, number>>;
  /** Share of the iterations, in (0, 1]; 1 = the whole training. */
  fraction: number;
}

export function validateQuantAware(q: QuantAware): void {
  if (!(q.fraction > 0 && q.fraction <= 1))
    throw new RangeError(`quantAware.fraction must be in (0, 1], got ${q.fraction}`);
  const entries = Object.entries(q.groups).filter(([, bits]) => bits !== undefined);
  if (entries.length === 0) throw new RangeError('quantAware.groups names no group');
  for (const [group, bits] of entries) {
    if (group === 'latents')
      throw new RangeError(
        'quantAware: the latents are coded per frame with their own predictor, not this way',
      );
    if (!(group in DEFAULT_GROUP_RATES)) throw new RangeError(`quantAware.groups: unknown group '${group}'`);
    if (!Number.isInteger(bits) || bits! < 1 || bits! > 16)
      throw new RangeError(`quantAware.groups.${group} must be an integer depth in 1..16, got ${bits}`);
  }
}

/** The iteration from which the steps see the quantized groups. */
export function quantAwareIteration(q: QuantAware, iterations: number): number {
  return Math.min(iterations - 1, Math.max(0, Math.round(iterations * (1 - q.fraction))));
}

/**
 * Straight-through quantization for engines without `setFakeQuant`: `enter` puts the quantized values of the
 * groups' tensors into the engine (keeping the float ones), the caller steps, and `leave` adds the step's change
 * to the float values and puts those back. Costs two parameter round trips per step.
 */
export class QuantAwareSwap {
  private floats = new Map<string, Float32Array>();
  private quantized = new Map<string, Float32Array>();
  private readonly names: Array<{ name: string; bits: number }>;

  constructor(config: ModelConfig, frames: number, q: QuantAware) {
    this.names = paramSpecs(config, frames)
      .filter((s) => q.groups[s.group] !== undefined)
      .map((s) => ({ name: s.name, bits: q.groups[s.group]! }));
  }

  async enter(engine: ParamsAccess): Promise<void> {
    const params = await engine.getParams();
    for (const { name, bits } of this.names) {
      const t = params.get(name)!;
      const q = dequantizeTensor(quantizeTensor(t, bits, 'tensor')).data;
      this.floats.set(name, t.data.slice());
      this.quantized.set(name, q);
      t.data.set(q);
    }
    await engine.setParams(params);
  }

  async leave(engine: ParamsAccess): Promise<void> {
    const params = await engine.getParams();
    for (const { name } of this.names) {
      const x = params.get(name)!.data;
      const f = this.floats.get(name)!;
      const q = this.quantized.get(name)!;
      for (let i = 0; i < x.length; i++) x[i] = f[i] + (x[i] - q[i]);
    }
    await engine.setParams(params);
  }
}

interface ParamsAccess {
  getParams(): Promise<ParamSet>;
  setParams(params: ParamSet): Promise<void>;
}
