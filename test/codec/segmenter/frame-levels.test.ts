import { describe, expect, it } from 'vitest';
import { chooseTrainEngine } from '../../../src/cli/engines.js';
import { referenceRendererFactory } from '../../../src/codec/decoder/stream-decoder.js';
import { withFrameLevels } from '../../../src/codec/model/config.js';
import {
  type FrameLevelProbeOptions,
  FrameLevelProbeStopped,
  probeFrameLevels,
} from '../../../src/codec/segmenter/frame-levels.js';
import { syntheticScene } from '../../../src/media/synthetic.js';
import { tinyConfig } from '../../fixtures/tiny-config.js';

const W = 48;
const H = 32;
const F = 24;
const config = tinyConfig(48);
const scene = syntheticScene({ width: W, height: H, frames: F, seed: 3 });

async function probe(frames: Uint8Array[], extra: Partial<FrameLevelProbeOptions> = {}) {
  return probeFrameLevels({
    frames,
    width: W,
    height: H,
    config,
    chunkFrames: F,
    engine: await chooseTrainEngine('auto', config),
    seed: 5,
    renderer: referenceRendererFactory,
    probeWidth: W,
    probeHeight: H,
    times: [2, 8, 14, 20],
    iterations: 150,
    ...extra,
  });
}

describe('probeFrameLevels', () => {
  it('keeps frame levels for shapes moving over a background', async () => {
    const verdict = await probe(Array.from({ length: F }, (_, t) => scene.render(t)));
    expect(verdict.costDb).toBeGreaterThan(0);
    expect(verdict.gainDb).toBeGreaterThan(verdict.costDb + 2);
    expect(verdict.keep).toBe(true);
    expect(verdict.config).toEqual(withFrameLevels(config, F));
  }, 60_000);

  it('leaves them out of a still clip, where they would only be more parameters', async () => {
    const still = scene.render(0);
    const verdict = await probe(Array.from({ length: F }, () => still));
    expect(verdict.gainDb).toBeLessThan(verdict.costDb);
    expect(verdict.keep).toBe(false);
    expect(verdict.config).toBe(config);
  }, 60_000);

  it("leaves them out when the probes run past their time limit, and stops on the caller's signal", async () => {
    const frames = Array.from({ length: F }, (_, t) => scene.render(t));
    const late = await probe(frames, { timeLimitMs: 0 });
    expect(late.timedOut).toBe(true);
    expect(late.keep).toBe(false);
    expect(late.gainDb).toBeNaN();
    expect(late.config).toBe(config);
    await expect(probe(frames, { train: { signal: AbortSignal.abort() } })).rejects.toBeInstanceOf(
      FrameLevelProbeStopped,
    );
  }, 60_000);
});
