import { describe, expect, it } from 'vitest';
import { NativeEngine, nativeEngineFactory } from '../../../../src/codec/engine/native/engine.js';
import { profileConfig } from '../../../../src/codec/model/config.js';
import { initParams } from '../../../../src/codec/model/init.js';
import { createRng } from '../../../../src/codec/util/random.js';
import { ensureNative, randomBatch, tinyHashConfig } from './helpers.js';

const { skip } = ensureNative();

const rates = { latents: 1e-3, encoding: 1e-2, base: 1e-3, hyper: 1e-3, patch: 0 };

describe.skipIf(skip !== null)('native engine factory and bad input', () => {
  it('is available here and names its backend', async () => {
    const factory = nativeEngineFactory({ threads: 2 });
    expect(await factory.available()).toEqual({ ok: true });
    const config = profileConfig('S', 64, 48);
    const engine = await factory.create({ config, frames: 2, params: initParams(config, 2, 1) });
    expect(engine.name).toBe('native');
    expect(engine.backend).toMatch(/^native (avx512|avx2\+fma|sse2|scalar) x2 threads$/);
    const loss = await engine.step(randomBatch(createRng(2), [0, 1], 256), rates);
    expect(loss).toBeGreaterThan(0);
    engine.dispose();
  });

  it('rejects patch models, mismatched params and unknown tensors with messages naming them', async () => {
    const config = tinyHashConfig([1]);
    const factory = nativeEngineFactory();
    await expect(
      factory.create({
        config: { ...config, patch: { size: 2, channels: 4 } },
        frames: 2,
        params: new Map(),
      }),
    ).rejects.toThrow(/patch models are not supported/);
    const params = initParams(config, 2, 1);
    params.get('base.1.weight')!.shape = [12, 13];
    expect(() => new NativeEngine({ config, frames: 2, params })).toThrow(
      /'base.1.weight' has shape \[12,13\]/,
    );
    const extra = initParams(config, 2, 1);
    extra.set('bogus', { shape: [1], data: new Float32Array(1) });
    expect(() => new NativeEngine({ config, frames: 2, params: extra })).toThrow(/'bogus'/);
  });

  it('rejects malformed batches before any kernel runs', async () => {
    const config = tinyHashConfig([1]);
    const engine = new NativeEngine({ config, frames: 2, params: initParams(config, 2, 1), threads: 2 });
    const good = randomBatch(createRng(3), [0, 1], 10);
    await expect(engine.step({ ...good, frameIndex: Int32Array.of(0, 2) }, rates)).rejects.toThrow(
      /frameIndex\[1\] = 2 is outside the latent table/,
    );
    await expect(engine.step({ ...good, coords: good.coords.subarray(1) }, rates)).rejects.toThrow(
      /coords length/,
    );
    await expect(engine.step({ ...good, target: new Float32Array(3) }, rates)).rejects.toThrow(
      /target length/,
    );
    await expect(engine.step({ ...good, pixelsPerFrame: 0 }, rates)).rejects.toThrow(/pixelsPerFrame/);
    await expect(engine.step({ ...good, frameIndex: new Int32Array(0) }, rates)).rejects.toThrow(
      /frameIndex/,
    );
    await expect(engine.step(good, { ...rates, base: Number.NaN })).rejects.toThrow(
      /learning rate for 'base'/,
    );
    // Out-of-range and NaN coordinates are clamped into the grid, never read outside it.
    const far = { ...good, coords: good.coords.map((_, i) => (i % 2 === 0 ? -5 : 1e9)) };
    expect(Number.isFinite(await engine.step(far, rates))).toBe(true);
    const nan = { ...good, coords: good.coords.map(() => Number.NaN) };
    expect(typeof (await engine.step(nan, rates))).toBe('number');
    engine.dispose();
    await expect(engine.step(good, rates)).rejects.toThrow(/after dispose/);
  });
});
