import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initParams } from '../../../src/codec/model/init.js';
import { cloneParamSet } from '../../../src/codec/model/params.js';
import { loadCheckpoint, saveCheckpoint } from '../../../src/codec/train/checkpoint.js';
import {
  CheckpointError,
  DEFAULT_GROUP_RATES,
  DEFAULT_SCHEDULE,
  decodeCheckpoint,
  encodeCheckpoint,
  TRAIN_ADAM,
  type TrainCheckpoint,
} from '../../../src/codec/train/index.js';
import { tinyHashConfig } from '../engine/fixtures.js';

function sample(): TrainCheckpoint {
  const config = tinyHashConfig();
  const params = initParams(config, 3, 4);
  return {
    iteration: 2,
    seed: 4,
    config,
    frames: 3,
    setup: {
      width: 8,
      height: 8,
      holdOut: 1,
      framesPerBatch: 2,
      pixelsPerFrame: 16,
      iterations: 10,
      schedule: DEFAULT_SCHEDULE,
      rates: DEFAULT_GROUP_RATES,
      adam: TRAIN_ADAM,
    },
    params,
    optimizer: { step: 2, m: cloneParamSet(params), v: cloneParamSet(params) },
    losses: Float32Array.from([0.5, 0.25]),
  };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('round-trip every tensor bit for bit through a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lirn-ckpt-'));
    dirs.push(dir);
    const c = sample();
    await saveCheckpoint(join(dir, 'a.ckpt'), c);
    const back = await loadCheckpoint(join(dir, 'a.ckpt'));
    expect(back.config).toEqual(c.config);
    expect(back.setup).toEqual(c.setup);
    expect(back.iteration).toBe(2);
    for (const [name, t] of c.params) {
      expect(back.params.get(name)!.shape).toEqual(t.shape);
      expect(Array.from(back.params.get(name)!.data)).toEqual(Array.from(t.data));
      expect(Array.from(back.optimizer.v.get(name)!.data)).toEqual(Array.from(t.data));
    }
  });

  it('carry the importance sampler state (error map and pending errors) bit for bit', () => {
    const c = sample();
    c.sampler = {
      values: Float32Array.from([-1, 0.25, 3e-7]),
      pending: {
        frameIndex: Int32Array.of(2, 0),
        cells: Uint32Array.of(1, 2, 0, 1),
        errors: Float32Array.of(0.5, 0, 1e-9, 2),
      },
    };
    const back = decodeCheckpoint(encodeCheckpoint(c));
    expect(back.sampler).toEqual(c.sampler);
    expect(decodeCheckpoint(encodeCheckpoint(sample())).sampler).toBeUndefined();
    c.sampler.pending!.errors = Float32Array.of(1);
    expect(() => decodeCheckpoint(encodeCheckpoint(c))).toThrow(/sampler.pending: 4 cells, 1 errors for 2 frames/);
    c.sampler = { values: [1, 2] as unknown as Float32Array, pending: null };
    expect(() => decodeCheckpoint(encodeCheckpoint(c))).toThrow(/sampler.values: expected a Float32Array/);
  });

  it('reject damaged or foreign bytes with a CheckpointError saying where', async () => {
    const bytes = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 10))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello'))).toThrow(CheckpointError);
    const wrongLosses = sample();
    wrongLosses.losses = new Float32Array(5);
    expect(() => decodeCheckpoint(encodeCheckpoint(wrongLosses))).toThrow(
      /losses: 5 losses for 2 iterations/,
    );
    const badShape = sample();
    badShape.params.set('latents', { shape: [3, 99], data: new Float32Array(15) });
    expect(() => decodeCheckpoint(encodeCheckpoint(badShape))).toThrow(
      /params\[0\]\.data: 15 values for shape \[3,99\]/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'lirn-ckpt-'));
    dirs.push(dir);
    await writeFile(join(dir, 'junk'), new Uint8Array([0xc1]));
    await expect(loadCheckpoint(join(dir, 'junk'))).rejects.toThrow(/junk/);
    await expect(loadCheckpoint(join(dir, 'missing'))).rejects.toThrow(/cannot be read/);
  });
});
