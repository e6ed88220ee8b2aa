import { describe, expect, it } from 'vitest';
import { NativeEngine, nativeEngineFactory } from '../../../../src/codec/engine/native/engine.js';
import type { EngineFactory } from '../../../../src/codec/engine/types.js';
import { initParams } from '../../../../src/codec/model/init.js';
import { iterationRng } from '../../../../src/codec/train/index.js';
import { pickFrames, sampleBatch } from '../../../../src/codec/train/sampler.js';
import { train } from '../../../../src/codec/train/trainer.js';
import { createRng } from '../../../../src/codec/util/random.js';
import { ensureNative, requiredMethodsOnly, tinyTemporalConfig } from './helpers.js';

const { skip } = ensureNative();
const rates = { latents: 1e-3, encoding: 1e-2, base: 1e-3, hyper: 1e-3, patch: 0 };
// An odd size, so pixel indices need the modulo (and the float division of the coordinates) to match exactly.
const W = 37;
const H = 23;

function randomFrames(count: number, seed: number): Uint8Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const f = new Uint8Array(W * H * 3);
    for (let i = 0; i < f.length; i++) f[i] = rng.int(256);
    return f;
  });
}

describe.skipIf(skip !== null)('native engine draws the trainer’s pixel batches', () => {
  const config = tinyTemporalConfig([1]);
  const frames = randomFrames(6, 3);
  const clip = { frames, width: W, height: H };
  const trained = [0, 1, 2, 3, 4, 5];

  it('fills coords and targets exactly as sampleBatch does from the same Rng', async () => {
    const engine = new NativeEngine({ config, frames: 6, params: initParams(config, 6, 1), threads: 2 });
    engine.attachFrames(frames, W, H);
    for (let i = 0; i < 5; i++) {
      const expected = sampleBatch(config, clip, trained, 4, 300, iterationRng(11, i));
      const rng = iterationRng(11, i);
      const picked = pickFrames(trained, 4, rng);
      const batch = {
        frameIndex: Int32Array.from(picked),
        pixelsPerFrame: 300,
        coords: new Float32Array(4 * 300 * 2),
        target: new Float32Array(4 * 300 * 3),
      };
      const loss = await engine.stepDrawing(batch, rng.state(), rates);
      expect(Number.isFinite(loss)).toBe(true);
      expect(batch.frameIndex).toEqual(expected.frameIndex);
      expect(batch.coords).toEqual(expected.coords);
      expect(batch.target).toEqual(expected.target);
    }
    engine.dispose();
  });

  it('trains to the same parameters as drawing in JS, bit for bit', async () => {
    const options = {
      frames,
      width: W,
      height: H,
      config,
      iterations: 12,
      framesPerBatch: 3,
      pixelsPerFrame: 200,
      seed: 4,
    };
    const factory = nativeEngineFactory({ threads: 2 });
    let drawingSteps = 0;
    const counting: EngineFactory = {
      ...factory,
      async create(o) {
        const e = (await factory.create(o)) as NativeEngine;
        const stepDrawing = e.stepDrawing.bind(e);
        e.stepDrawing = (...args) => {
          drawingSteps++;
          return stepDrawing(...args);
        };
        return e;
      },
    };
    const drawn = await train({ ...options, engine: counting });
    const plain = await train({ ...options, engine: requiredMethodsOnly(factory) });
    expect(drawingSteps).toBe(12);
    expect(drawn.losses).toEqual(plain.losses);
    for (const [name, t] of drawn.params) expect(t.data, name).toEqual(plain.params.get(name)!.data);
  });

  it('refuses to draw before frames are attached, and frames outside the attached clip', async () => {
    const engine = new NativeEngine({ config, frames: 6, params: initParams(config, 6, 1), threads: 1 });
    const batch = (rows: number[]) => ({
      frameIndex: Int32Array.from(rows),
      pixelsPerFrame: 10,
      coords: new Float32Array(rows.length * 20),
      target: new Float32Array(rows.length * 30),
    });
    const state = createRng(1).state();
    await expect(engine.stepDrawing(batch([0]), state, rates)).rejects.toThrow(/no frames are attached/);
    engine.attachFrames(frames.slice(0, 2), W, H);
    await expect(engine.stepDrawing(batch([0, 4]), state, rates)).rejects.toThrow(
      /frameIndex\[1\] is outside the attached frames/,
    );
    expect(() => engine.attachFrames([new Uint8Array(5)], W, H)).toThrow(
      /frame 0 must hold width \* height \* 3/,
    );
    engine.dispose();
  });
});
