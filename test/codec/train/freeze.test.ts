/** Quantize-then-freeze fine-tuning: frozen groups sit on the packer's grid and stop moving; the rest trains on. */
import { describe, expect, it } from 'vitest';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import { type ParamSet, paramSpecs } from '../../../src/codec/model/params.js';
import { dequantizeTensor, quantizeTensor } from '../../../src/codec/quant/index.js';
import { freezeIteration, train } from '../../../src/codec/train/index.js';
import { blobClip, smallModel } from './clips.js';

const engine = tfjsEngineFactory({ backends: ['wasm', 'cpu'] });
const frames = blobClip({ width: 16, height: 12, frames: 6, sigma: 2, orbit: 4, period: 6, drift: 0.05 });
const config = smallModel(16);
const base = {
  frames,
  width: 16,
  height: 12,
  config,
  engine,
  framesPerBatch: 3,
  pixelsPerFrame: 64,
  seed: 9,
};
const freezeQuantized = { fraction: 0.25, groups: { encoding: { bits: 3, mode: 'tensor' as const } } };

function tensorsOf(params: ParamSet, group: string) {
  return paramSpecs(config, frames.length)
    .filter((s) => s.group === group)
    .map((s) => params.get(s.name)!);
}

describe('freezeQuantized', () => {
  it('snaps the frozen group onto its quantization grid at the set iteration and keeps it there', async () => {
    const iterations = 40;
    const at = freezeIteration(freezeQuantized, iterations);
    expect(at).toBe(30);
    const snaps: ParamSet[] = [];
    const result = await train({
      ...base,
      iterations,
      freezeQuantized,
      checkpoint: { every: 10, save: (c) => void snaps.push(c.params) },
    });
    const atFreeze = snaps[2]; // iteration 30: saved before the snap
    const last = result.params;
    for (const t of tensorsOf(last, 'encoding')) {
      // On the 3-bit grid: at most 8 distinct values, and re-quantizing changes nothing.
      expect(new Set(t.data).size).toBeLessThanOrEqual(8);
      const again = dequantizeTensor(quantizeTensor(t, 3, 'tensor')).data;
      for (let i = 0; i < t.data.length; i++) expect(Math.abs(again[i] - t.data[i])).toBeLessThan(1e-6);
    }
    // Before the snap the tables were not on a 3-bit grid.
    expect(Math.max(...tensorsOf(atFreeze, 'encoding').map((t) => new Set(t.data).size))).toBeGreaterThan(8);
    // The other groups kept training after the snap.
    const moved = (group: string) =>
      tensorsOf(last, group).some((t, k) =>
        t.data.some((v, i) => v !== tensorsOf(atFreeze, group)[k].data[i]),
      );
    expect(moved('base')).toBe(true);
    expect(moved('hyper')).toBe(true);
    expect(moved('latents')).toBe(true);
  });

  it('recovers quality that plain quantization of the tables loses', async () => {
    const iterations = 300;
    const plain = await train({ ...base, iterations });
    const frozen = await train({ ...base, iterations, freezeQuantized });
    // Fit error with the tables snapped to 3 bits, no fine-tuning: the plain run's tables quantized afterwards.
    const mse = async (params: ParamSet) => {
      const r = await train({ ...base, iterations: 1, initialParams: params, rates: zeroRates });
      return r.losses[0];
    };
    const snapped = new Map(plain.params);
    for (const t of tensorsOf(plain.params, 'encoding')) {
      const name = [...plain.params].find(([, v]) => v === t)![0];
      snapped.set(name, dequantizeTensor(quantizeTensor(t, 3, 'tensor')));
    }
    const plainLoss = await mse(snapped);
    const frozenLoss = await mse(frozen.params);
    expect(frozenLoss).toBeLessThan(plainLoss);
  });

  it('rejects a fraction outside (0, 1) and frozen latents', async () => {
    await expect(
      train({ ...base, iterations: 4, freezeQuantized: { ...freezeQuantized, fraction: 1 } }),
    ).rejects.toThrow(/fraction/);
    await expect(
      train({
        ...base,
        iterations: 4,
        freezeQuantized: { fraction: 0.5, groups: { latents: { bits: 4, mode: 'tensor' } } },
      }),
    ).rejects.toThrow(/latents/);
  });
});

const zeroRates = { latents: 0, encoding: 0, base: 0, hyper: 0, patch: 0 };
