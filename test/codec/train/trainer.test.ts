/** The training loop's contracts: determinism, bit-identical resume, held-out rows, progress, stopping. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import { initParams } from '../../../src/codec/model/init.js';
import type { ParamSet } from '../../../src/codec/model/params.js';
import { loadCheckpoint, saveCheckpoint } from '../../../src/codec/train/checkpoint.js';
import {
  CheckpointError,
  type TrainCheckpoint,
  type TrainProgress,
  train,
} from '../../../src/codec/train/index.js';
import { tinyPatchConfig } from '../engine/fixtures.js';
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
  seed: 5,
};
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function expectSameParams(a: ParamSet, b: ParamSet) {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, t] of a)
    expect(Buffer.from(b.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
}

describe('train()', () => {
  it('same seed gives the same loss curve and parameters; another seed does not', async () => {
    await tf.ready();
    const tensorsBefore = tf.memory().numTensors;
    const a = await train({ ...base, iterations: 6 });
    expect(tf.memory().numTensors).toBe(tensorsBefore); // nothing leaks per step or after dispose
    const b = await train({ ...base, iterations: 6 });
    const c = await train({ ...base, iterations: 6, seed: 6 });
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
    expectSameParams(a.params, b.params);
    expect(Array.from(c.losses)).not.toEqual(Array.from(a.losses));
    expect(a.engine).toMatch(/^tfjs on tfjs-/);
  });

  it('N steps straight equal N/2 + checkpoint file + resume + N/2, bit for bit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lirn-ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'run.ckpt');
    const straight = await train({
      ...base,
      iterations: 8,
      schedule: { kind: 'cosine', warmup: 2, minFactor: 0.1 },
    });
    const first = await train({
      ...base,
      iterations: 8,
      schedule: { kind: 'cosine', warmup: 2, minFactor: 0.1 },
      stopAt: 4,
      checkpoint: { every: 100, save: (c) => saveCheckpoint(path, c) },
    });
    expect(first.completed).toBe(false);
    expect(first.iteration).toBe(4);
    expect(await readdir(dir)).toEqual(['run.ckpt']); // the temporary file was renamed away
    const checkpoint = await loadCheckpoint(path);
    expect(checkpoint.iteration).toBe(4);
    expect(checkpoint.optimizer.step).toBe(4);
    const resumed = await train({
      ...base,
      iterations: 8,
      schedule: { kind: 'cosine', warmup: 2, minFactor: 0.1 },
      resume: checkpoint,
    });
    expect(resumed.completed).toBe(true);
    expect(Array.from(resumed.losses)).toEqual(Array.from(straight.losses));
    expectSameParams(resumed.params, straight.params);
  });

  it('importance sampling: resumes bit for bit through a checkpoint file (error map included)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lirn-ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'run.ckpt');
    const importance = { cell: 4, uniform: 0.4 };
    const uniform = await train({ ...base, iterations: 8 });
    const straight = await train({ ...base, iterations: 8, importance });
    // Batches 0 and 1 see an empty map (errors of steps ≤ i − 2), so they equal the uniform run's draws only in
    // their frames; from step 2 on the pixels follow the errors and the curve departs.
    expect(Array.from(straight.losses.subarray(2))).not.toEqual(Array.from(uniform.losses.subarray(2)));
    const first = await train({
      ...base,
      iterations: 8,
      importance,
      stopAt: 5,
      checkpoint: { every: 100, save: (c) => saveCheckpoint(path, c) },
    });
    expect(first.iteration).toBe(5);
    const checkpoint = await loadCheckpoint(path);
    expect(checkpoint.setup.importance).toMatchObject(importance);
    expect(checkpoint.sampler?.pending?.errors.length).toBe(base.framesPerBatch * base.pixelsPerFrame);
    expect(Math.max(...checkpoint.sampler!.values)).toBeGreaterThan(0);
    const resumed = await train({ ...base, iterations: 8, importance, resume: checkpoint });
    expect(Array.from(resumed.losses)).toEqual(Array.from(straight.losses));
    expectSameParams(resumed.params, straight.params);
    const { sampler: _, ...withoutMap } = checkpoint;
    await expect(train({ ...base, iterations: 8, importance, resume: withoutMap })).rejects.toThrow(
      /no error map/,
    );
    await expect(train({ ...base, iterations: 8, resume: checkpoint })).rejects.toThrow(/setup.*importance/);
  });

  it('refuses to resume a checkpoint under different settings', async () => {
    const saved: TrainCheckpoint[] = [];
    await train({
      ...base,
      iterations: 4,
      stopAt: 2,
      checkpoint: { every: 1, save: (c) => void saved.push(c) },
    });
    expect(saved.map((c) => c.iteration)).toEqual([1, 2]);
    await expect(train({ ...base, iterations: 4, pixelsPerFrame: 32, resume: saved[1] })).rejects.toThrow(
      /setup.*pixelsPerFrame/,
    );
    await expect(train({ ...base, iterations: 4, seed: 9, resume: saved[1] })).rejects.toBeInstanceOf(
      CheckpointError,
    );
  });

  it('never trains held-out latent rows and fills them by interpolation at the end', async () => {
    const saved: TrainCheckpoint[] = [];
    const result = await train({
      ...base,
      iterations: 5,
      holdOut: 2,
      checkpoint: { every: 5, save: (c) => void saved.push(c) },
    });
    const dim = config.latent.dim;
    const init = initParams(config, frames.length, base.seed).get('latents')!.data;
    const during = saved[0].params.get('latents')!.data;
    const after = result.params.get('latents')!.data;
    expect(result.trainedFrames).toEqual([0, 2, 4]);
    for (let k = 0; k < frames.length; k++) {
      const rowInit = init.subarray(k * dim, (k + 1) * dim);
      const rowDuring = during.subarray(k * dim, (k + 1) * dim);
      if (k % 2 === 1)
        expect(Array.from(rowDuring)).toEqual(Array.from(rowInit)); // no gradient, Adam left it
      else expect(Array.from(rowDuring)).not.toEqual(Array.from(rowInit));
    }
    for (let d = 0; d < dim; d++) {
      expect(after[1 * dim + d]).toBeCloseTo((after[0 * dim + d] + after[2 * dim + d]) / 2, 6);
      expect(after[3 * dim + d]).toBeCloseTo((after[2 * dim + d] + after[4 * dim + d]) / 2, 6);
      expect(after[5 * dim + d]).toBe(after[4 * dim + d]); // past the last trained frame: copied
    }
  });

  it('reports progress with loss, PSNR estimate, elapsed time and ETA, and stops on abort', async () => {
    const seen: TrainProgress[] = [];
    const controller = new AbortController();
    const result = await train({
      ...base,
      iterations: 20,
      progressEvery: 2,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.iteration === 6) controller.abort();
      },
    });
    expect(seen.map((p) => p.iteration)).toEqual([2, 4, 6]);
    for (const p of seen) {
      expect(p.iterations).toBe(20);
      expect(p.psnr).toBeCloseTo(-10 * Math.log10(p.loss), -1); // an average of nearby losses
      expect(p.elapsedMs).toBeGreaterThan(0);
      expect(p.etaMs).toBeGreaterThan(0);
    }
    expect(seen[0].lrFactor).toBeLessThan(seen[2].lrFactor); // still warming up
    expect(result.iteration).toBe(6);
    expect(result.completed).toBe(false);
  });

  it('trains a patch model on whole-frame centroid tiles', async () => {
    const patch = tinyPatchConfig();
    const result = await train({
      ...base,
      config: patch,
      iterations: 30,
      schedule: { kind: 'constant', warmup: 0 },
    });
    expect(result.losses[29]).toBeLessThan(result.losses[0] / 2);
  });

  it('rejects malformed input with messages naming the problem', async () => {
    await expect(
      train({ ...base, iterations: 2, frames: [frames[0], frames[1].subarray(3)] }),
    ).rejects.toThrow(/frame 1 has 573 values, expected 16×12×3 = 576/);
    await expect(train({ ...base, iterations: 0 })).rejects.toThrow(/iterations must be a positive integer/);
    await expect(train({ ...base, iterations: 2, holdOut: 0 })).rejects.toThrow(/holdOut/);
    await expect(train({ ...base, iterations: 2, rates: { base: Number.NaN } })).rejects.toThrow(/'base'/);
  });
});
