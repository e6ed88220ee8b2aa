/**
 * Straight-through quantization-aware training in the native engine (setFakeQuant) and in the trainer: steps see
 * the packer's grid, Adam moves the float values underneath, the JS fallback (QuantAwareSwap) agrees, and on a
 * real clip the tables survive coarse quantization far better.
 */
import { describe, expect, it } from 'vitest';
import { NativeEngine, nativeEngineFactory } from '../../../../src/codec/engine/native/engine.js';
import { psnr } from '../../../../src/codec/metrics/index.js';
import type { ModelConfig } from '../../../../src/codec/model/config.js';
import { initParams } from '../../../../src/codec/model/init.js';
import { type ParamSet, paramSpecs } from '../../../../src/codec/model/params.js';
import { dequantizeTensor, quantizeTensor } from '../../../../src/codec/quant/index.js';
import { renderFrame } from '../../../../src/codec/render/index.js';
import { train } from '../../../../src/codec/train/trainer.js';
import { createRng } from '../../../../src/codec/util/random.js';
import { blobClip, smallModel, toFloat } from '../../train/clips.js';
import { ensureNative, randomBatch, requiredMethodsOnly, tinyTemporalConfig } from './helpers.js';

const { skip } = ensureNative();
const rates = { latents: 1e-3, encoding: 1e-2, base: 1e-3, hyper: 1e-3, patch: 0 };
const FRAMES = 6;

/** The params with every tensor of `group` replaced by its packed-and-decoded value at `bits` ('tensor' mode). */
function onGrid(
  config: ModelConfig,
  frames: number,
  params: ParamSet,
  group: string,
  bits: number,
): ParamSet {
  const inGroup = new Set(
    paramSpecs(config, frames)
      .filter((s) => s.group === group)
      .map((s) => s.name),
  );
  const out: ParamSet = new Map();
  for (const [name, t] of params) {
    const data = inGroup.has(name)
      ? dequantizeTensor(quantizeTensor(t, bits, 'tensor')).data
      : t.data.slice();
    out.set(name, { shape: [...t.shape], data });
  }
  return out;
}

describe.skipIf(skip !== null)('native straight-through quantization (setFakeQuant)', () => {
  const config = tinyTemporalConfig([1]);
  const params = initParams(config, FRAMES, 2);
  // Spread the tables so that 3 bits is a coarse grid for them; every third value sits within a few ulps of a
  // midpoint between two grid points (the ties where float rounding decides, which the packer's quantizer settles by
  // comparing the two dequantized values).
  for (const s of paramSpecs(config, FRAMES)) {
    if (s.group !== 'encoding') continue;
    const d = params.get(s.name)!.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.sin(i * 1.7) * 0.8;
    d[0] = -0.9137;
    d[1] = 0.8611 + s.name.length * 0.0137;
    const scale = Math.fround((d[1] - d[0]) / 7);
    const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
    for (let i = 2; i < d.length; i += 3) {
      d[i] = d[0] + ((i % 7) + 0.5) * scale;
      bits[i] += ((i / 3) % 5) - 2; // a few ulps either side
    }
  }

  it('computes the gradient at the packer’s grid, bit for bit, and keeps the float values', async () => {
    const batch = randomBatch(createRng(5), [0, 2, 4], 2000);
    const quantAware = new NativeEngine({ config, frames: FRAMES, params, threads: 2 });
    await quantAware.setFakeQuant({ encoding: 3 });
    const reference = new NativeEngine({
      config,
      frames: FRAMES,
      params: onGrid(config, FRAMES, params, 'encoding', 3),
      threads: 2,
    });
    const a = await quantAware.gradients(batch);
    const b = await reference.gradients(batch);
    expect(a.loss).toBe(b.loss);
    for (const [name, g] of a.grads) expect(g.data, name).toEqual(b.grads.get(name)!.data);
    const after = await quantAware.getParams();
    for (const [name, t] of params) expect(after.get(name)!.data, name).toEqual(t.data);
    // Off again: the gradient is the float model's.
    await quantAware.setFakeQuant({});
    const plain = new NativeEngine({ config, frames: FRAMES, params, threads: 2 });
    expect((await quantAware.gradients(batch)).loss).toBe((await plain.gradients(batch)).loss);
    expect((await plain.gradients(batch)).loss).not.toBe(b.loss);
    for (const e of [quantAware, reference, plain]) e.dispose();
  });

  it('applies the step to the float values (the update is the one taken on the grid)', async () => {
    const batch = randomBatch(createRng(6), [1, 3, 5], 40);
    const floats = new NativeEngine({ config, frames: FRAMES, params, threads: 2 });
    await floats.setFakeQuant({ encoding: 3 });
    const gridParams = onGrid(config, FRAMES, params, 'encoding', 3);
    const grid = new NativeEngine({ config, frames: FRAMES, params: gridParams, threads: 2 });
    await floats.step(batch, rates);
    await grid.step(batch, rates);
    const a = await floats.getParams();
    const b = await grid.getParams();
    let moved = 0;
    for (const s of paramSpecs(config, FRAMES)) {
      const x0 = params.get(s.name)!.data;
      const q0 = gridParams.get(s.name)!.data;
      const x1 = a.get(s.name)!.data;
      const q1 = b.get(s.name)!.data;
      for (let i = 0; i < x0.length; i++) {
        const dx = x1[i] - x0[i];
        const dq = q1[i] - q0[i];
        expect(Math.abs(dx - dq), `${s.name}[${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(x0[i])));
        if (s.group === 'encoding' && dx !== 0) moved++;
      }
    }
    expect(moved).toBeGreaterThan(10);
    // The float tables are off the grid (they keep learning between its points).
    const table = a.get(paramSpecs(config, FRAMES).find((s) => s.group === 'encoding')!.name)!;
    expect(new Set(table.data).size).toBeGreaterThan(8);
    floats.dispose();
    grid.dispose();
  });

  it('refuses malformed depths', async () => {
    const e = new NativeEngine({ config, frames: FRAMES, params, threads: 1 });
    await expect(e.setFakeQuant({ encoding: 17 })).rejects.toThrow(/depth of group 1 must be an integer/);
    await expect(e.setFakeQuant({ hyper: 2.5 })).rejects.toThrow(/depth of group 3 must be an integer/);
    e.dispose();
  });
});

describe.skipIf(skip !== null)('trainer: quantAware', () => {
  const W = 24;
  const H = 20;
  const frames = blobClip({ width: W, height: H, frames: 8, sigma: 2.5, orbit: 6, period: 8, drift: 0.03 });
  const config = smallModel(24);
  const base = {
    frames,
    width: W,
    height: H,
    config,
    framesPerBatch: 4,
    pixelsPerFrame: 128,
    seed: 3,
  };
  const factory = nativeEngineFactory({ threads: 2 });
  const quantAware = { groups: { encoding: 3 }, fraction: 0.5 };

  it('trains the same through the engine’s swap and the trainer’s (engines without setFakeQuant)', async () => {
    const native = await train({ ...base, iterations: 30, engine: factory, quantAware });
    const swapped = await train({
      ...base,
      iterations: 30,
      engine: requiredMethodsOnly(factory),
      quantAware,
    });
    const plain = await train({ ...base, iterations: 30, engine: factory });
    // The first half is plain training in all three runs.
    expect(native.losses.slice(0, 15)).toEqual(plain.losses.slice(0, 15));
    expect(native.losses[15]).not.toBe(plain.losses[15]);
    for (let i = 15; i < 30; i++)
      expect(Math.abs(native.losses[i] - swapped.losses[i])).toBeLessThan(1e-4 * native.losses[i]);
    for (const [name, t] of native.params) {
      const other = swapped.params.get(name)!.data;
      for (let i = 0; i < t.data.length; i++)
        expect(Math.abs(t.data[i] - other[i]), `${name}[${i}]`).toBeLessThan(1e-3);
    }
  });

  it('resumes a quantization-aware run exactly, and refuses a checkpoint of another setup', async () => {
    const whole = await train({ ...base, iterations: 20, engine: factory, quantAware });
    let saved: Parameters<typeof train>[0]['resume'];
    await train({
      ...base,
      iterations: 20,
      engine: factory,
      quantAware,
      stopAt: 14,
      checkpoint: {
        every: 100,
        save: (c) => {
          saved = c;
        },
      },
    });
    const resumed = await train({ ...base, iterations: 20, engine: factory, quantAware, resume: saved });
    expect(resumed.losses).toEqual(whole.losses);
    for (const [name, t] of whole.params) expect(resumed.params.get(name)!.data, name).toEqual(t.data);
    await expect(train({ ...base, iterations: 20, engine: factory, resume: saved })).rejects.toThrow(
      /quantAware/,
    );
  });

  it('refuses bad settings, naming them', async () => {
    const run = (q: unknown) =>
      train({ ...base, iterations: 4, engine: factory, quantAware: q as typeof quantAware });
    await expect(run({ groups: { encoding: 3 }, fraction: 0 })).rejects.toThrow(/quantAware.fraction/);
    await expect(run({ groups: { encoding: 3 }, fraction: 1.5 })).rejects.toThrow(/quantAware.fraction/);
    await expect(run({ groups: { latents: 4 }, fraction: 1 })).rejects.toThrow(/latents/);
    await expect(run({ groups: { encoding: 0 }, fraction: 1 })).rejects.toThrow(/quantAware.groups.encoding/);
    await expect(run({ groups: {}, fraction: 1 })).rejects.toThrow(/names no group/);
  });

  it('decodes 2-bit tables far better than training without it', async () => {
    const clip = { ...base, iterations: 300, framesPerBatch: 8, pixelsPerFrame: 256, engine: factory };
    const quantized = async (q?: typeof quantAware) => {
      const result = await train({ ...clip, quantAware: q });
      const params = onGrid(config, frames.length, result.params, 'encoding', 2);
      const scores = frames.map((f, t) => psnr(renderFrame({ config, params }, t, W, H), toFloat(f)));
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    };
    const plain = await quantized();
    const aware = await quantized({ groups: { encoding: 2 }, fraction: 1 });
    expect(aware).toBeGreaterThan(plain + 1);
  });
});
