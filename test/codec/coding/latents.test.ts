import { describe, expect, it } from 'vitest';
import {
  decodeLatentSample,
  encodeLatents,
  type LatentCoding,
  latentCodingSyntax,
} from '../../../src/codec/coding/index.js';
import { dequantizeValue } from '../../../src/codec/quant/index.js';
import { createRng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';
import { ReadSyntax, WriteSyntax } from '../../../src/container/syntax.js';

function latentTable(seed: number, frames: number, dim: number): Float32Array {
  const rng = createRng(seed);
  const z = new Float32Array(frames * dim);
  // slowly drifting latents with a per-dimension offset and spread, as a trained latent table looks
  for (let d = 0; d < dim; d++) {
    let v = rng.normal();
    const spread = 0.01 + rng.next();
    for (let f = 0; f < frames; f++) {
      v += 0.1 * rng.normal();
      z[f * dim + d] = spread * v;
    }
  }
  return z;
}

function writeCoding(c: LatentCoding): Uint8Array {
  const w = new WriteSyntax();
  latentCodingSyntax(w, c);
  return w.finish();
}

function readCoding(bytes: Uint8Array): LatentCoding {
  const r = new ReadSyntax(bytes);
  const c = latentCodingSyntax(r, {} as LatentCoding);
  if (r.remaining() !== 0) throw new Error('bytes left after lirL');
  return c;
}

describe('latent coding (lirL payload and latent samples)', () => {
  const frames = 24;
  const dim = 64;
  const data = latentTable(21, frames, dim);

  for (const mode of ['channel', 'tensor'] as const) {
    it(`round-trips and decodes each frame to exactly the dequantized symbols (${mode})`, () => {
      const { coding, samples } = encodeLatents({ shape: [frames, dim], data }, 8, mode);
      expect(samples.length).toBe(frames);
      const bytes = writeCoding(coding);
      const parsed = readCoding(bytes);
      expect(writeCoding(parsed)).toEqual(bytes);
      const channels = mode === 'channel' ? dim : 1;
      expect(parsed.mins.length).toBe(channels);
      for (let f = 0; f < frames; f++) {
        const z = decodeLatentSample(parsed, samples[f]);
        expect(z.length).toBe(dim);
        for (let d = 0; d < dim; d++) {
          const c = mode === 'channel' ? d : 0;
          const x = data[f * dim + d];
          expect(Math.abs(z[d] - x)).toBeLessThanOrEqual(parsed.scales[c] / 2 + 2 ** -20 * Math.abs(x));
          // the decoded value is one of the channel's quantization levels
          const q = Math.round((z[d] - parsed.mins[c]) / parsed.scales[c]);
          expect(z[d]).toBe(dequantizeValue(q, parsed.mins[c], parsed.scales[c]));
        }
      }
      if (mode === 'channel') {
        // one range per latent dimension (axis 1): each dimension's min is its smallest value over the frames
        for (let d = 0; d < dim; d++) {
          let lo = Number.POSITIVE_INFINITY;
          for (let f = 0; f < frames; f++) lo = Math.min(lo, data[f * dim + d]);
          expect(parsed.mins[d]).toBe(lo);
        }
      }
    });
  }

  it('rejects unknown predictors and bad samples with ContainerErrors', () => {
    const { coding, samples } = encodeLatents({ shape: [frames, dim], data }, 6, 'channel');
    const bytes = writeCoding(coding);
    const badPredictor = bytes.slice();
    badPredictor[4] = 1; // latent_dim (2), quant_bits, quant_mode, latent_predictor
    expect(() => readCoding(badPredictor)).toThrow(/latent_predictor = 1/);
    const outcomes = { ok: 0, error: 0 };
    const rng = createRng(22);
    for (const sample of samples) {
      for (let n = 0; n < sample.length; n++) {
        expect(() =>
          decodeLatentSample(coding, sample.subarray(0, n), { box: 'mdat', offset: 1000 }),
        ).toThrow(ContainerError);
      }
      expect(() => decodeLatentSample(coding, new Uint8Array([...sample, 0]))).toThrow(/follow/);
      for (let k = 0; k < 50; k++) {
        const flipped = sample.slice();
        flipped[rng.int(flipped.length)] ^= 1 << rng.int(8);
        try {
          decodeLatentSample(coding, flipped);
          outcomes.ok++;
        } catch (e) {
          expect(e).toBeInstanceOf(ContainerError);
          outcomes.error++;
        }
      }
    }
    expect(outcomes.error).toBeGreaterThan(0);
  });

  it('truncated lirL payloads give ContainerErrors', () => {
    const { coding } = encodeLatents({ shape: [frames, dim], data }, 8, 'channel');
    const bytes = writeCoding(coding);
    for (let n = 0; n < bytes.length; n++)
      expect(() => readCoding(bytes.subarray(0, n))).toThrow(ContainerError);
  });

  it('rejects latents that are not a [frames, D] table', () => {
    expect(() => encodeLatents({ shape: [4], data: new Float32Array(4) }, 8, 'tensor')).toThrow(
      /shape \[frames, D\]/,
    );
  });
});
