import { describe, expect, it } from 'vitest';
import { decodeChunkWeights } from '../../../src/codec/decoder/chunk-model.js';
import { DEFAULT_BIT_ALLOCATION } from '../../../src/codec/encoder/bit-allocation.js';
import { packChunk, SEPARATE_TABLE_MIN_ELEMENTS } from '../../../src/codec/encoder/pack.js';
import { initParams } from '../../../src/codec/model/init.js';
import { paramSpecs, tensorSize } from '../../../src/codec/model/params.js';
import { createRng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';
import { tinyConfig } from '../../fixtures/tiny-config.js';

const config = tinyConfig(48);
const FRAMES = 4;
const frame = { width: 48, height: 32, firstFrame: 0, frameCount: FRAMES };

function trainedLooking() {
  const params = initParams(config, FRAMES, 2);
  const rng = createRng(9);
  for (const [name, t] of params)
    if (name.startsWith('encoding.')) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * 0.3;
  return params;
}

describe('packChunk table sharing', () => {
  const params = trainedLooking();

  it("'group' writes one coded group per parameter group", () => {
    const { chunk } = packChunk(config, params, frame);
    expect(chunk.weights.map((g) => g.group)).toEqual(['encoding', 'base', 'hyper']);
  });

  it("'tensor' gives every large tensor its own table and decodes to the same values", () => {
    const grouped = packChunk(config, params, frame);
    const split = packChunk(config, params, frame, DEFAULT_BIT_ALLOCATION, { tables: 'tensor' });
    const large = paramSpecs(config, FRAMES).filter(
      (s) => s.group !== 'latents' && tensorSize(s.shape) >= SEPARATE_TABLE_MIN_ELEMENTS,
    );
    expect(large.length).toBeGreaterThan(1);
    for (const spec of large) {
      const alone = split.chunk.weights.filter((g) => g.tensors.some((t) => t.name === spec.name));
      expect(alone).toHaveLength(1);
      expect(alone[0].tensors).toHaveLength(1);
    }
    const a = decodeChunkWeights(grouped.chunk);
    const b = decodeChunkWeights(split.chunk);
    for (const [name, t] of a) expect(b.get(name)!.data, name).toEqual(t.data);
    // Tables of their own code these Gaussian-like levels no worse than one shared table.
    const payload = (c: typeof grouped.chunk) => c.weights.reduce((n, g) => n + g.payload.length, 0);
    expect(payload(split.chunk)).toBeLessThanOrEqual(payload(grouped.chunk));
  });

  it('rejects a chunk that codes a parameter twice', () => {
    const { chunk } = packChunk(config, params, frame, DEFAULT_BIT_ALLOCATION, { tables: 'tensor' });
    const twice = { ...chunk, weights: [...chunk.weights, chunk.weights[0]] };
    expect(() => decodeChunkWeights(twice)).toThrow(ContainerError);
    expect(() => decodeChunkWeights(twice)).toThrow(/coded twice/);
  });
});
