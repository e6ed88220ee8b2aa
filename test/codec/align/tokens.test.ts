/**
 * The chat path's alignment target (paper appendix D): a token sequence for the whole video, spread over the
 * frames in order. With as many feature values as latent values the projection is the identity, so the stored
 * latents themselves become the tokens: each frame's latent points at its stretch's token.
 */
import { describe, expect, it } from 'vitest';
import { chooseTrainEngine } from '../../../src/cli/engines.js';
import { chunkAlignment } from '../../../src/codec/align/box.js';
import { expandTokens, tokenProvider } from '../../../src/codec/align/provider.js';
import { encodeChunked } from '../../../src/codec/segmenter/encode.js';
import { createRng } from '../../../src/codec/util/random.js';
import { readLirnFile, writeLirnFile } from '../../../src/container/index.js';
import { memorySource } from '../../../src/media/source.js';
import { videoVectors } from '../../../src/search/vectors.js';
import { config, FPS, FRAMES, H, scene, W } from '../../search/fixtures.js';

describe('token-sequence alignment', () => {
  it('spreads K tokens over T frames in order', async () => {
    const tokens = { rows: 3, dim: 2, data: Float32Array.of(1, 0, 0, 1, -1, 0) };
    const rows = expandTokens(tokens, 7);
    const which = Array.from({ length: 7 }, (_, t) => [...rows.data.subarray(2 * t, 2 * t + 2)]);
    expect(which).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
      [-1, 0],
      [-1, 0],
    ]);
    await expect(tokenProvider(tokens).frameFeatures([], 0, 1, 1)).rejects.toThrow(
      /bound to the source length/,
    );
  });

  it('trains latents that are the tokens themselves (identity projection)', async () => {
    const D = config.latent.dim;
    const K = 4;
    const rng = createRng(3);
    const tokens = { rows: K, dim: D, data: new Float32Array(K * D).map(() => rng.normal()) };
    const s = scene(2);
    const frames = Array.from({ length: FRAMES }, (_, t) => s.render(t));
    const result = await encodeChunked({
      source: memorySource(frames, W, H, { num: FPS, den: 1 }),
      config,
      iterations: 80,
      segmentSeconds: 1,
      segmentsPerChunk: 4,
      sceneCuts: false,
      engine: await chooseTrainEngine('auto', config),
      framesPerBatch: 8,
      pixelsPerFrame: 256,
      alignment: { provider: tokenProvider(tokens, 'tokens:test'), lambda: 0.2 },
    });
    const file = readLirnFile(writeLirnFile(result.file));
    const a = chunkAlignment(file.chunks[0])!;
    expect(a.projection.identity).toBe(true);
    expect(a.featureSpace).toBe('tokens:test');
    const v = videoVectors(file);
    const unitTokens = tokens.data.slice();
    for (let k = 0; k < K; k++) {
      let n = 0;
      for (let i = 0; i < D; i++) n += unitTokens[k * D + i] ** 2;
      for (let i = 0; i < D; i++) unitTokens[k * D + i] /= Math.sqrt(n);
    }
    // Every frame's latent is nearest to its own stretch's token.
    for (let t = 0; t < FRAMES; t++) {
      const scores = Array.from({ length: K }, (_, k) => {
        let s = 0;
        for (let i = 0; i < D; i++) s += v.frames[t * D + i] * unitTokens[k * D + i];
        return s;
      });
      expect(scores.indexOf(Math.max(...scores))).toBe(Math.floor((t * K) / FRAMES));
    }
  });
});
