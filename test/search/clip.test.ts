/**
 * CLIP through @huggingface/transformers on a tiny CLIP-shaped model written here (tiny-clip.ts): images and text
 * are embedded through the real loading and inference path (local files only), a library aligned with it is
 * searched by text, and a missing package, directory or config gives a clear error.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseTrainEngine } from '../../src/cli/engines.js';
import { cosine } from '../../src/codec/align/cosine.js';
import { encodeChunked } from '../../src/codec/segmenter/encode.js';
import { createRng } from '../../src/codec/util/random.js';
import { writeLirnFile } from '../../src/container/index.js';
import { memorySource } from '../../src/media/source.js';
import { clipProvider, clipSpace, clipTextEmbedding } from '../../src/search/clip.js';
import { Library } from '../../src/search/library.js';
import { textQuery } from '../../src/search/query.js';
import { config, FPS, FRAMES, H, scene, W } from './fixtures.js';
import { TINY_CLIP_DIM, writeTinyClip } from './tiny-clip.js';

let dir = '';
let model = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lirn-clip-'));
  model = await writeTinyClip(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

describe('CLIP through transformers.js (local files only)', () => {
  it('embeds a flat colour exactly as the model graph says, and text in the same space', async () => {
    const provider = await clipProvider(model);
    expect(provider.space).toBe('clip:lirn-test/tiny-clip');
    expect(provider.dim).toBe(TINY_CLIP_DIM);
    const colour = [200, 40, 90];
    // At the model's 224×224 nothing is resized (smaller pictures get dark resampling borders).
    const rgb = new Uint8Array(224 * 224 * 3).map((_, i) => colour[i % 3]);
    const { data } = await provider.frameFeatures([rgb], 0, 224, 224);
    // A flat picture stays flat: every pooled cell of channel c is (c/255 − mean) / std, so the
    // embedding is Σ_c v_c · Σ_cell W[c·16 + cell, :] with the graph's weights (tiny-clip.ts: seed 1, ×0.5).
    const rng = createRng(1);
    const w = new Float32Array(48 * TINY_CLIP_DIM).map(() => rng.normal() * 0.5);
    const expected = new Float64Array(TINY_CLIP_DIM);
    for (let c = 0; c < 3; c++) {
      const v = (colour[c] / 255 - MEAN[c]) / STD[c];
      for (let cell = 0; cell < 16; cell++)
        for (let e = 0; e < TINY_CLIP_DIM; e++) expected[e] += v * w[(c * 16 + cell) * TINY_CLIP_DIM + e];
    }
    for (let e = 0; e < TINY_CLIP_DIM; e++) expect(data[e]).toBeCloseTo(expected[e], 3);
    const text = await clipTextEmbedding(model, 'a red moving disc');
    expect(text.space).toBe(provider.space);
    expect(text.vector).toHaveLength(TINY_CLIP_DIM);
    const other = await clipTextEmbedding(model, 'a blue box');
    expect(cosine(text.vector, 0, other.vector, 0, TINY_CLIP_DIM)).toBeLessThan(0.999);
  });

  it('aligns a video with CLIP features and finds its frames by text', async () => {
    const provider = await clipProvider(model);
    const library = join(dir, 'library');
    await mkdir(library);
    for (const seed of [1, 2]) {
      const s = scene(seed);
      const frames = Array.from({ length: FRAMES }, (_, t) => s.render(t));
      const result = await encodeChunked({
        source: memorySource(frames, W, H, { num: FPS, den: 1 }),
        config,
        iterations: 60,
        segmentSeconds: 1,
        segmentsPerChunk: 4,
        sceneCuts: false,
        engine: await chooseTrainEngine('auto', config),
        seed,
        framesPerBatch: 8,
        pixelsPerFrame: 256,
        alignment: { provider, lambda: 0.05 },
      });
      await writeFile(join(library, `c${seed}.lirn`), writeLirnFile(result.file));
    }
    const lib = await Library.open(library);
    expect(lib.spaces()).toEqual(new Map([[provider.space, 2]]));
    const query = await textQuery('a green box', provider.space, model);
    const hits = lib.search(query.vector, { k: 3 });
    // The best score is the largest cosine between the query and any stored frame vector.
    let best = -1;
    for (const v of lib.videos)
      for (let t = 0; t < v.frameCount; t++)
        best = Math.max(best, cosine(query.vector, 0, v.frames, t * v.dim, v.dim));
    expect(hits[0].score).toBeCloseTo(best, 5);
    await expect(textQuery('x', provider.space)).rejects.toThrow(/--clip-model DIR/);
    await expect(textQuery('x', 'clip:another/model', model)).rejects.toThrow(
      /embeds into 'clip:lirn-test\/tiny-clip'/,
    );
  });

  it('names what is missing', async () => {
    expect(() => clipSpace(join(dir, 'nowhere'))).toThrow(/does not exist/);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expect(() => clipSpace(empty)).toThrow(/no config\.json/);
    await writeFile(join(empty, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    expect(() => clipSpace(empty)).toThrow(/model_type 'bert' is not 'clip'/);
    await writeFile(join(empty, 'config.json'), JSON.stringify({ model_type: 'clip' }));
    await expect(clipProvider(empty)).rejects.toThrow(/cannot load the CLIP vision model/);
  });
});
