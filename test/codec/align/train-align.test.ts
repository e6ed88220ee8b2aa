/**
 * Alignment through the trainer and the chunked encoder on a tiny synthetic clip with the built-in extractor:
 * the projected latents end up aligned with the frames' features, an aligned run resumed from a checkpoint
 * continues bit-identically, and every chunk of an aligned encode carries a `lirA` box whose projection (read
 * back from the file's bytes) maps the stored latents onto the features.
 */
import { describe, expect, it } from 'vitest';
import { chooseTrainEngine } from '../../../src/cli/engines.js';
import { chunkAlignment } from '../../../src/codec/align/box.js';
import { cosine } from '../../../src/codec/align/cosine.js';
import { projectRows } from '../../../src/codec/align/projection.js';
import { builtinProvider } from '../../../src/codec/align/provider.js';
import { decodeSegmentLatents } from '../../../src/codec/decoder/chunk-model.js';
import { encodeChunked, memoryStore } from '../../../src/codec/segmenter/encode.js';
import type { TrainCheckpoint } from '../../../src/codec/train/checkpoint-format.js';
import { train } from '../../../src/codec/train/trainer.js';
import { readLirnFile, writeLirnFile } from '../../../src/container/index.js';
import { memorySource } from '../../../src/media/source.js';
import { syntheticClip } from '../../../src/media/synthetic.js';
import { tinyConfig } from '../../fixtures/tiny-config.js';

const W = 32;
const H = 24;
const config = tinyConfig(32);
const frames = syntheticClip({ width: W, height: H, frames: 12, seed: 5, speed: 3 });

function meanCosine(
  latents: Float32Array,
  rows: number,
  projection: Parameters<typeof projectRows>[0],
  features: Float32Array,
) {
  const y = projectRows(projection, latents, rows);
  const F = projection.featureDim;
  let s = 0;
  for (let r = 0; r < rows; r++) s += cosine(y, r * F, features, r * F, F);
  return s / rows;
}

describe('training with feature alignment', () => {
  it('aligns the projected latents with the frame features, and resumes bit-identically', async () => {
    const engine = await chooseTrainEngine('auto', config);
    const features = await builtinProvider().frameFeatures(frames, 0, W, H);
    const base = {
      frames,
      width: W,
      height: H,
      config,
      iterations: 60,
      engine,
      seed: 4,
      framesPerBatch: 6,
      pixelsPerFrame: 256,
      alignment: { features, lambda: 0.1 },
    };
    const full = await train(base);
    const projection = full.alignment!.projection;
    expect(projection.identity).toBe(false);
    const latents = full.params.get('latents')!.data;
    const aligned = meanCosine(latents, frames.length, projection, features.data);
    expect(aligned).toBeGreaterThan(0.9);
    const losses = full.alignment!.losses;
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 3);

    let saved: TrainCheckpoint | undefined;
    const first = await train({
      ...base,
      stopAt: 25,
      checkpoint: {
        every: 100,
        save: (c) => {
          saved = c;
        },
      },
    });
    expect(first.completed).toBe(false);
    expect(saved!.params.has('align.proj.weight')).toBe(true);
    const resumed = await train({ ...base, resume: saved });
    expect(resumed.params.get('latents')!.data).toEqual(latents);
    expect(resumed.alignment!.projection.weight).toEqual(projection.weight);
    expect(resumed.alignment!.projection.bias).toEqual(projection.bias);
    // A checkpoint of an aligned run does not resume a run without alignment.
    await expect(train({ ...base, alignment: undefined, resume: saved })).rejects.toThrow(/alignment/);
  });

  it('writes a lirA box per chunk whose projection maps the stored latents onto the features', async () => {
    const engine = await chooseTrainEngine('auto', config);
    const source = memorySource(frames, W, H, { num: 6, den: 1 });
    const store = memoryStore();
    const options = {
      source,
      config,
      iterations: 60,
      segmentSeconds: 1,
      segmentsPerChunk: 1,
      sceneCuts: false,
      engine,
      seed: 2,
      framesPerBatch: 6,
      pixelsPerFrame: 256,
      store,
      alignment: { provider: builtinProvider(), lambda: 0.1 },
    };
    const result = await encodeChunked(options);
    const bytes = writeLirnFile(result.file);
    const file = readLirnFile(bytes);
    expect(file.chunks).toHaveLength(2);
    const features = await builtinProvider().frameFeatures(frames, 0, W, H);
    for (const chunk of file.chunks) {
      const a = chunkAlignment(chunk)!;
      expect(a.featureSpace).toBe('lirn-builtin-v1');
      expect(a.lambda).toBeCloseTo(0.1, 6);
      const latents = new Float32Array(chunk.frameCount * chunk.config.latent.dim);
      for (const seg of file.segments.filter((s) => file.chunks[s.chunkIndex] === chunk))
        decodeSegmentLatents(chunk, seg, latents);
      const f = features.data.subarray(chunk.firstFrame * 160, (chunk.firstFrame + chunk.frameCount) * 160);
      expect(meanCosine(latents, chunk.frameCount, a.projection, f)).toBeGreaterThan(0.85);
    }
    // Every chunk restored from its finished checkpoint: the same bytes, lirA included.
    const again = await encodeChunked(options);
    expect(again.iterationsRun).toBe(0);
    expect(writeLirnFile(again.file)).toEqual(bytes);
  });
});
