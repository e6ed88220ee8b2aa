import { describe, expect, it } from 'vitest';
import { MIN_CHANNEL_ROW_ELEMENTS } from '../../../src/codec/coding/index.js';
import { StreamDecoder } from '../../../src/codec/decoder/stream-decoder.js';
import { DEFAULT_BIT_ALLOCATION } from '../../../src/codec/encoder/bit-allocation.js';
import { packChunk } from '../../../src/codec/encoder/pack.js';
import { hashGrid, type ModelConfig } from '../../../src/codec/model/config.js';
import { initParams } from '../../../src/codec/model/init.js';
import { cloneParamSet, type ParamSet, paramSpecs, tensorSize } from '../../../src/codec/model/params.js';
import { dequantizeTensor, quantizeTensor } from '../../../src/codec/quant/index.js';
import { renderFrame } from '../../../src/codec/render/index.js';
import { readLirnFile, writeLirnFile } from '../../../src/container/index.js';
import type { LirnFile } from '../../../src/container/lirn-file.js';

const config: ModelConfig = {
  version: 1,
  encoding: hashGrid(4, 2, 8, 4, 32),
  base: {
    otype: 'ModulatedMLP',
    n_neurons: 16,
    n_hidden_layers: 2,
    activation: 'ReLU',
    output_activation: 'None',
  },
  modulation: { layers: [1], rank: 3, hyper_hidden: [8], activation: 'Tanh' },
  latent: { dim: 8, init_std: 0.5 },
  patch: null,
};

/** What the decoder must reproduce: every tensor through the same quantizer, then normative dequantization. */
function expectedDequantized(params: ParamSet, frames: number): ParamSet {
  const out = cloneParamSet(params);
  for (const spec of paramSpecs(config, frames)) {
    const q = DEFAULT_BIT_ALLOCATION[spec.group];
    const t = out.get(spec.name)!;
    if (spec.group === 'latents') continue; // per latent dimension, checked against the source below
    let mode = q.mode;
    if (spec.shape.length < 2 || tensorSize(spec.shape) / spec.shape[0] < MIN_CHANNEL_ROW_ELEMENTS)
      mode = 'tensor';
    t.data = dequantizeTensor(quantizeTensor(t, q.bits, mode)).data;
  }
  return out;
}

describe('StreamDecoder', () => {
  const chunkFrames = [6, 4];
  const models = chunkFrames.map((n, k) => initParams(config, n, 100 + k));
  let first = 0;
  const file: LirnFile = {
    majorBrand: 'lirn',
    minorVersion: 0,
    compatibleBrands: ['lirn', 'iso6'],
    timescale: 24000,
    sampleDuration: 1000,
    frameCount: 10,
    displayWidth: 24,
    displayHeight: 16,
    chunks: [],
    segments: [],
  };
  chunkFrames.forEach((n, k) => {
    const { chunk, samples } = packChunk(config, models[k], {
      width: 24,
      height: 16,
      firstFrame: first,
      frameCount: n,
    });
    file.chunks.push(chunk);
    for (let s = 0; s < n; s += 3) {
      const count = Math.min(3, n - s);
      file.segments.push({
        chunkIndex: k,
        firstFrame: first + s,
        baseMediaDecodeTime: (first + s) * 1000,
        samples: samples.slice(s, s + count),
      });
    }
    first += n;
  });
  const bytes = writeLirnFile(file);
  const decoder = new StreamDecoder(readLirnFile(bytes));

  it('decodes weights bit-exactly and latents within half a quantization step', () => {
    const expected = expectedDequantized(models[0], 6);
    const decoded = decoder.chunkModel(0).params;
    for (const [name, t] of expected) {
      const got = decoded.get(name)!.data;
      if (name === 'latents') {
        let maxErr = 0;
        for (let i = 0; i < got.length; i++)
          maxErr = Math.max(maxErr, Math.abs(got[i] - models[0].get('latents')!.data[i]));
        expect(maxErr).toBeLessThan(0.01);
      } else {
        expect(
          Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(
            Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
          ),
          name,
        ).toBe(true);
      }
    }
  });

  it('renders integer, fractional and cross-chunk times at any size', () => {
    const m0 = decoder.chunkModel(0);
    const m1 = decoder.chunkModel(1);
    expect(decoder.renderFrame(2, 24, 16)).toEqual(renderFrame(m0, 2, 24, 16));
    expect(decoder.renderFrame(2.25, 48, 32)).toEqual(renderFrame(m0, 2.25, 48, 32));
    expect(decoder.renderFrame(7, 12, 8)).toEqual(renderFrame(m1, 1, 12, 8));
    const a = renderFrame(m0, 5, 24, 16);
    const b = renderFrame(m1, 0, 24, 16);
    const mid = decoder.renderFrame(5.5, 24, 16);
    for (let i = 0; i < mid.length; i += 97) expect(mid[i]).toBeCloseTo(0.5 * a[i] + 0.5 * b[i], 6);
    expect(() => decoder.renderFrame(9.5)).toThrow(/outside/);
  });
});
