import { describe, expect, it } from 'vitest';
import { NativeEngine } from '../../../../src/codec/engine/native/engine.js';
import { DEFAULT_ADAM, type GroupRates } from '../../../../src/codec/engine/types.js';
import { initParams } from '../../../../src/codec/model/init.js';
import type { ParamSet } from '../../../../src/codec/model/params.js';
import { createRng } from '../../../../src/codec/util/random.js';
import { ensureNative, randomBatch, randomParams, tinyHashConfig } from './helpers.js';

const { skip } = ensureNative();

const rates: GroupRates = { latents: 1e-3, encoding: 1e-2, base: 5e-3, hyper: 2e-3, patch: 0 };

function flat(p: ParamSet): Float32Array[] {
  return [...p.values()].map((t) => t.data);
}

describe.skipIf(skip !== null)('native engine Adam and determinism', () => {
  it('three steps equal a plain TS Adam (PyTorch form) applied to the native gradients', async () => {
    const config = tinyHashConfig([1, 2]);
    const frames = 4;
    const engine = new NativeEngine({ config, frames, params: randomParams(config, frames, 3), threads: 2 });
    const rng = createRng(9);
    const { beta1, beta2, epsilon } = DEFAULT_ADAM;
    const m = new Map<string, Float64Array>();
    const v = new Map<string, Float64Array>();
    // m's size without cancellation (β1·|m| + (1−β1)·|g|): fp32 rounding is relative to this, not to m.
    const mScale = new Map<string, Float64Array>();
    try {
      for (let step = 1; step <= 3; step++) {
        const batch = randomBatch(rng, [step % frames, 3], 100);
        const before = await engine.getParams();
        const { grads, loss: gradLoss } = await engine.gradients(batch);
        const loss = await engine.step(batch, rates);
        expect(loss).toBe(gradLoss);
        const after = await engine.getParams();
        let worst = 0;
        for (const [name, p] of before) {
          const g = grads.get(name)!.data;
          const mm = m.get(name) ?? new Float64Array(g.length);
          const vv = v.get(name) ?? new Float64Array(g.length);
          const ms = mScale.get(name) ?? new Float64Array(g.length);
          m.set(name, mm);
          v.set(name, vv);
          mScale.set(name, ms);
          const lr = rates[name.split('.')[0] as keyof GroupRates];
          for (let i = 0; i < g.length; i++) {
            mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
            ms[i] = beta1 * ms[i] + (1 - beta1) * Math.abs(g[i]);
            vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
            const expected =
              p.data[i] -
              (lr / (1 - beta1 ** step)) *
                (mm[i] / (Math.sqrt(vv[i]) / Math.sqrt(1 - beta2 ** step) + epsilon));
            worst = Math.max(worst, Math.abs(after.get(name)!.data[i] - expected));
          }
        }
        expect(worst, `step ${step}`).toBeLessThan(2e-7);
      }
      const state = await engine.getOptimizerState();
      expect(state.step).toBe(3);
      for (const [name, mm] of m) {
        const got = state.m.get(name)!.data;
        const gotV = state.v.get(name)!.data;
        const vv = v.get(name)!;
        const ms = mScale.get(name)!;
        for (let i = 0; i < mm.length; i++) {
          expect(Math.abs(got[i] - mm[i])).toBeLessThanOrEqual(1e-6 * ms[i] + 1e-15);
          expect(Math.abs(gotV[i] - vv[i])).toBeLessThanOrEqual(1e-6 * Math.abs(vv[i]) + 1e-15);
        }
      }
    } finally {
      engine.dispose();
    }
  });

  it('the same seed and batches give bit-identical parameters; restored state continues identically', async () => {
    const config = tinyHashConfig([1]);
    const frames = 3;
    const run = async (steps: number, engine?: NativeEngine) => {
      const e =
        engine ?? new NativeEngine({ config, frames, params: initParams(config, frames, 42), threads: 2 });
      const rng = createRng(5);
      for (let s = 0; s < steps; s++)
        await e.step(randomBatch(rng, [s % frames, (s + 1) % frames], 300), rates);
      return e;
    };
    const a = await run(6);
    const b = await run(6);
    expect(flat(await a.getParams())).toEqual(flat(await b.getParams()));

    // Restore a's parameters and optimizer state into a fresh engine: the next step matches a's exactly.
    const c = new NativeEngine({ config, frames, params: await a.getParams(), threads: 2 });
    await c.setOptimizerState(await a.getOptimizerState());
    const batch = randomBatch(createRng(77), [0, 2], 200);
    expect(await c.step(batch, rates)).toBe(await a.step(batch, rates));
    expect(flat(await c.getParams())).toEqual(flat(await a.getParams()));
    for (const e of [a, b, c]) e.dispose();
  });

  it('a learning rate of 0 freezes a group but still decays its moments (dense Adam)', async () => {
    const config = tinyHashConfig([1]);
    const params = randomParams(config, 2, 8);
    const engine = new NativeEngine({ config, frames: 2, params, threads: 1 });
    const rng = createRng(1);
    await engine.step(randomBatch(rng, [0, 1], 50), { ...rates, base: 0 });
    const m1 = (await engine.getOptimizerState()).m.get('base.0.weight')!.data.slice();
    await engine.step(randomBatch(rng, [0, 1], 50), { ...rates, base: 0 });
    const after = await engine.getParams();
    expect(after.get('base.0.weight')!.data).toEqual(params.get('base.0.weight')!.data);
    expect(after.get('hyper.1.0.weight')!.data).not.toEqual(params.get('hyper.1.0.weight')!.data);
    expect((await engine.getOptimizerState()).m.get('base.0.weight')!.data).not.toEqual(m1);
    engine.dispose();
  });
});
