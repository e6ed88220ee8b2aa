import { describe, expect, it } from 'vitest';
import { NativeEngine } from '../../../../src/codec/engine/native/engine.js';
import { profileConfig } from '../../../../src/codec/model/config.js';
import { initParams } from '../../../../src/codec/model/init.js';
import { createRng } from '../../../../src/codec/util/random.js';
import { ensureNative, randomBatch, tinyHashConfig } from './helpers.js';

const { skip } = ensureNative();
const rates = { latents: 1e-3, encoding: 1e-2, base: 1e-3, hyper: 1e-3, patch: 0 };

describe.skipIf(skip !== null)('native engine steps off the JS thread', () => {
  it('overlapping calls run in call order and equal the same calls awaited one by one', async () => {
    const config = tinyHashConfig([1]);
    const make = () => new NativeEngine({ config, frames: 3, params: initParams(config, 3, 4), threads: 2 });
    const rng = createRng(6);
    const batches = [0, 1, 2].map((i) => randomBatch(rng, [i, (i + 1) % 3], 200));

    const a = make();
    const before = a.getParams();
    const losses = batches.map((b) => a.step(b, rates));
    const mid = a.getParams();
    const last = a.step(batches[0], rates);
    const [p0, l, pm, ll] = await Promise.all([before, Promise.all(losses), mid, last]);

    const b = make();
    const p0b = await b.getParams();
    const lb: number[] = [];
    for (const batch of batches) lb.push(await b.step(batch, rates));
    const pmb = await b.getParams();
    expect(l).toEqual(lb);
    expect(ll).toBe(await b.step(batches[0], rates));
    expect([...p0.values()].map((t) => t.data)).toEqual([...p0b.values()].map((t) => t.data));
    expect([...pm.values()].map((t) => t.data)).toEqual([...pmb.values()].map((t) => t.data));
    a.dispose();
    b.dispose();
  });

  it('timers fire while a step runs, and dispose() during a step is safe', async () => {
    const config = profileConfig('S', 320, 180);
    const engine = new NativeEngine({ config, frames: 4, params: initParams(config, 4, 1), threads: 2 });
    const batch = randomBatch(createRng(2), [0, 1, 2, 3], 16384);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await engine.step(batch, rates);
    const ms = performance.now() - t0;
    clearInterval(timer);
    if (ms > 20) expect(ticks).toBeGreaterThan(0);

    // dispose() while the native step runs: the step completes, the state is freed afterwards.
    const running = engine.step(batch, rates);
    const queued = engine.step(batch, rates);
    await new Promise((resolve) => setImmediate(resolve));
    engine.dispose();
    expect(await running).toBeGreaterThan(0);
    // A call queued behind it never starts.
    await expect(queued).rejects.toThrow(/after dispose/);
    await expect(engine.step(batch, rates)).rejects.toThrow(/after dispose/);
  });
});
