/**
 * The lirA box: identity and linear projections survive writing and reading a whole file (the projection within
 * its 10-bit quantization), and malformed boxes are refused with a ContainerError naming the box.
 */
import { describe, expect, it } from 'vitest';
import { alignmentBox, chunkAlignment, withAlignmentBox } from '../../../src/codec/align/box.js';
import { cosine } from '../../../src/codec/align/cosine.js';
import { initProjection, projectRows } from '../../../src/codec/align/projection.js';
import { packChunk } from '../../../src/codec/encoder/pack.js';
import { initParams } from '../../../src/codec/model/init.js';
import { createRng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';
import {
  DEFAULT_COMPATIBLE_BRANDS,
  LIRN_BRAND,
  type LirnFile,
  readLirnFile,
  writeLirnFile,
} from '../../../src/container/index.js';
import { config } from '../../search/fixtures.js';

const FRAMES = 4;

function fileWith(extra: (chunk: LirnFile['chunks'][0]) => LirnFile['chunks'][0]): LirnFile {
  const packed = packChunk(config, initParams(config, FRAMES, 1), {
    width: 16,
    height: 12,
    firstFrame: 0,
    frameCount: FRAMES,
  });
  return {
    majorBrand: LIRN_BRAND,
    minorVersion: 0,
    compatibleBrands: [...DEFAULT_COMPATIBLE_BRANDS],
    timescale: 4,
    sampleDuration: 1,
    frameCount: FRAMES,
    displayWidth: 16,
    displayHeight: 12,
    chunks: [extra(packed.chunk)],
    segments: [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples: packed.samples }],
  };
}

function trained(featureDim: number, latentDim: number) {
  const p = initProjection(featureDim, latentDim, 'linear', 3);
  const rng = createRng(5);
  for (let i = 0; i < p.bias.length; i++) p.bias[i] = 0.1 * rng.normal();
  return p;
}

describe('lirA box', () => {
  it('carries a linear projection through a file within its 6-bit quantization', () => {
    const D = config.latent.dim;
    const projection = trained(40, D);
    const bytes = writeLirnFile(
      fileWith((c) => withAlignmentBox(c, { featureSpace: 'clip:test/model ü', lambda: 0.01, projection })),
    );
    const back = chunkAlignment(readLirnFile(bytes).chunks[0])!;
    expect(back.featureSpace).toBe('clip:test/model ü');
    expect(back.lambda).toBeCloseTo(0.01, 8);
    expect(back.projection.identity).toBe(false);
    expect(back.projection.featureDim).toBe(40);
    let worst = 0;
    for (let i = 0; i < projection.weight.length; i++)
      worst = Math.max(worst, Math.abs(back.projection.weight[i] - projection.weight[i]));
    const range = Math.max(...projection.weight) - Math.min(...projection.weight);
    // 6-bit symbols over the tensor's range: at most half a step off.
    expect(worst).toBeLessThanOrEqual((0.5 + 1e-4) * (range / (2 ** 6 - 1)));
    // What matters for search: projected latents point the same way.
    const rng = createRng(9);
    const z = new Float32Array(20 * D).map(() => rng.normal());
    const a = projectRows(projection, z, 20);
    const b = projectRows(back.projection, z, 20);
    for (let r = 0; r < 20; r++) expect(cosine(a, r * 40, b, r * 40, 40)).toBeGreaterThan(0.999);
    // Re-writing what was read gives the same bytes.
    expect(writeLirnFile(readLirnFile(bytes))).toEqual(bytes);
  });

  it('flags an identity projection without coding any tensor', () => {
    const D = config.latent.dim;
    const projection = initProjection(D, D, 'auto', 0);
    const box = alignmentBox({ featureSpace: 'x', lambda: 0.5, projection });
    expect(box.flags).toBe(1);
    expect(box.projection).toBeUndefined();
    const bytes = writeLirnFile(fileWith((c) => ({ ...c, extraBoxes: [box] })));
    const back = chunkAlignment(readLirnFile(bytes).chunks[0])!;
    expect(back.projection.identity).toBe(true);
    expect(back.projection.featureDim).toBe(D);
    const twice = readLirnFile(writeLirnFile(fileWith((c) => ({ ...c, extraBoxes: [box, box] }))));
    expect(() => chunkAlignment(twice.chunks[0])).toThrow(/2 lirA boxes/);
  });

  it('refuses malformed boxes with the box path and offset', () => {
    const D = config.latent.dim;
    const good = alignmentBox({ featureSpace: 'space', lambda: 0.01, projection: trained(8, D) });
    const bytes = writeLirnFile(fileWith((c) => ({ ...c, extraBoxes: [good] })));
    const at = findFourcc(bytes, 'lirA');
    const mutate = (offset: number, value: number) => {
      const b = bytes.slice();
      b[at + offset] = value;
      return b;
    };
    const expectError = (b: Uint8Array, message: RegExp) => {
      try {
        readLirnFile(b);
        expect.unreachable('the file was accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(ContainerError);
        expect((e as ContainerError).box).toMatch(/lirn\/lirA/);
        expect((e as Error).message).toMatch(message);
      }
    };
    // Field offsets after the fourcc: version (4), flags (5..7), feature_dim (8..9), latent_dim (10..11).
    expectError(mutate(7, 0x02), /reserved flags/);
    expectError(mutate(7, 0x01), /identity projection with feature_dim 8 ≠ latent_dim/);
    expectError(mutate(9, 0), /feature_dim and latent_dim must be ≥ 1/);
    expectError(
      mutate(9, 9),
      /projection tensor 0 is 'align.proj.weight' \[8,16\], expected 'align.proj.weight' \[9,16\]/,
    );
    expectError(mutate(4, 1), /version 1/);
    // The tensors must match latent_dim, and latent_dim must match the model (checked when the box is used).
    expectError(mutate(11, D + 1), /expected 'align.proj.weight' \[8,17\]/);
    const identity = alignmentBox({
      featureSpace: 's',
      lambda: 0,
      projection: initProjection(D + 1, D + 1, 'identity', 0),
    });
    const wrongDim = readLirnFile(writeLirnFile(fileWith((c) => ({ ...c, extraBoxes: [identity] }))));
    expect(() => chunkAlignment(wrongDim.chunks[0])).toThrow(/latent_dim 17 ≠ the model's latent dim 16/);
  });
});

function findFourcc(bytes: Uint8Array, type: string): number {
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if ([...type].every((ch, k) => bytes[i + k] === ch.charCodeAt(0))) return i;
  }
  throw new Error(`${type} not found`);
}
