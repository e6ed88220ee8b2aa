import { describe, expect, it } from 'vitest';
import { chooseTrainEngine } from '../../../src/cli/engines.js';
import {
  type RendererFactory,
  referenceRendererFactory,
  StreamDecoder,
} from '../../../src/codec/decoder/stream-decoder.js';
import { uniformBitAllocation } from '../../../src/codec/encoder/bit-allocation.js';
import { PsnrMeter } from '../../../src/codec/metrics/index.js';
import { withFrameLevels, withScenes } from '../../../src/codec/model/config.js';
import { initParams } from '../../../src/codec/model/init.js';
import { toRgb8 } from '../../../src/codec/render/output.js';
import {
  chunkTimeBudgets,
  EncodeAborted,
  type EncodeEvent,
  type EncodeOptions,
  encodeChunked,
  memoryStore,
  PROBE_SCALE,
  warmStartParams,
} from '../../../src/codec/segmenter/encode.js';
import { writeLirnFile } from '../../../src/container/index.js';
import { memorySource } from '../../../src/media/source.js';
import { syntheticScene } from '../../../src/media/synthetic.js';
import { tinyConfig } from '../../fixtures/tiny-config.js';

const W = 48;
const H = 32;
const config = tinyConfig(48);
const scene = syntheticScene({ width: W, height: H, frames: 36, seed: 3 });
const frames = Array.from({ length: 36 }, (_, t) => scene.render(t));
const source = memorySource(frames, W, H, { num: 12, den: 1 });

async function options(extra: Partial<EncodeOptions> = {}): Promise<EncodeOptions> {
  return {
    source,
    config,
    iterations: 120,
    segmentSeconds: 1,
    segmentsPerChunk: 1,
    sceneCuts: false,
    engine: await chooseTrainEngine('auto', config),
    seed: 11,
    checkpointEvery: 25,
    ...extra,
  };
}

/** Runs an encode into `store` and stops it at the first event `killWhen` picks (it must reject as aborted). */
async function killedEncode(
  store: EncodeOptions['store'],
  killWhen: (e: EncodeEvent) => boolean,
): Promise<void> {
  const controller = new AbortController();
  const run = encodeChunked(
    await options({
      store,
      signal: controller.signal,
      onEvent: (e) => {
        if (killWhen(e)) controller.abort();
      },
    }),
  );
  await expect(run).rejects.toBeInstanceOf(EncodeAborted);
}

describe('warmStartParams', () => {
  it("keeps the previous chunk's weights and starts every frame's warp where its last frame ended", () => {
    const warped = { ...tinyConfig(48), warp: { otype: 'Affine' as const, scale: 0.02 } };
    const D = warped.latent.dim;
    const previous = initParams(warped, 5, 1);
    const rows = previous.get('latents')!.data;
    for (let k = 0; k < 6; k++) rows[4 * D + k] = 0.5 + k;
    const next = warmStartParams(previous, warped, warped, 7, 2);
    expect(next.get('base.0.weight')!.data).toEqual(previous.get('base.0.weight')!.data);
    const latents = next.get('latents')!;
    expect(latents.shape).toEqual([7, D]);
    const fresh = initParams(warped, 7, 2).get('latents')!.data;
    for (let r = 0; r < 7; r++) {
      expect([...latents.data.subarray(r * D, r * D + 6)]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
      expect(latents.data.subarray(r * D + 6, (r + 1) * D)).toEqual(fresh.subarray(r * D + 6, (r + 1) * D));
    }
  });
});

describe('warmStartParams with the chunk motion', () => {
  const warped = { ...tinyConfig(48), warp: { otype: 'Affine' as const, scale: 0.02 } };
  const D = warped.latent.dim;
  const previous = initParams(warped, 5, 1);
  // The previous chunk ended shrunk by 0.8 in y and 0.04 down the grid.
  previous.get('latents')!.data.set([0, 2, 0, 0, 0, -10], 4 * D);
  const warpOf = (p: ReturnType<typeof initParams>, r: number) =>
    [...p.get('latents')!.data.subarray(r * D, r * D + 6)].map((z) => 0.02 * z);

  it('carries a tilt on from the previous last warp while it stays on the grid', () => {
    const motion = { dx: new Float64Array(4), dy: Float64Array.of(0, -0.5, -1, -1.5) };
    const next = warmStartParams(previous, warped, warped, 4, 2, { motion, width: W, height: H });
    expect(warpOf(next, 0)[1]).toBeCloseTo(0.04, 6);
    expect(warpOf(next, 3)[1]).toBeCloseTo(0.04 + (0.8 * 1.5) / H, 6);
    expect(warpOf(next, 3)[5]).toBeCloseTo(-0.2, 6);
  });

  it('starts from its own centred path where carrying on would leave the grid', () => {
    const motion = { dx: new Float64Array(4), dy: Float64Array.of(0, 2, 4, 6) };
    const next = warmStartParams(previous, warped, warped, 4, 2, { motion, width: W, height: H });
    const s = 1 / (1 + 6 / H);
    expect(warpOf(next, 0)[1]).toBeCloseTo(s * (3 / H), 6);
    expect(warpOf(next, 3)[1]).toBeCloseTo(-s * (3 / H), 6);
    expect(warpOf(next, 0)[5]).toBeCloseTo(s - 1, 6);
  });

  it('keeps the previous last warp on every frame when the camera stands still', () => {
    const motion = { dx: Float64Array.of(0, 0.2, 0.1, 0), dy: new Float64Array(4) };
    const next = warmStartParams(previous, warped, warped, 4, 2, { motion, width: W, height: H });
    for (let r = 0; r < 4; r++) expect(warpOf(next, r)).toEqual(warpOf(previous, 4));
  });
});

describe('warmStartParams with frame levels', () => {
  it("starts the frame levels fresh (they hold the previous chunk's frames) and keeps every other table", () => {
    const c = withFrameLevels(tinyConfig(48), 6);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    const levels = c.encoding.n_levels;
    const previous = initParams(c, 6, 1);
    for (let l = 0; l < levels; l++) previous.get(`encoding.level${l}`)!.data.fill(0.5);
    const next = warmStartParams(previous, c, c, 7, 2);
    const fresh = initParams(c, 7, 2);
    for (let l = 0; l < levels; l++) {
      const table = next.get(`encoding.level${l}`)!.data;
      if (l < levels - 4) expect(table.every((v) => v === 0.5)).toBe(true);
      else expect(table).toEqual(fresh.get(`encoding.level${l}`)!.data);
    }
    expect(next.get('base.0.weight')!.data).toEqual(previous.get('base.0.weight')!.data);
  });
});

describe('warmStartParams with scenes', () => {
  const scened = (starts: number[]) => withScenes(tinyConfig(48), starts);

  it("starts each scene slice of a static level from the previous chunk's last scene", () => {
    const before = scened([3]);
    const after = scened([2, 4]);
    const previous = initParams(before, 6, 1);
    const dense = previous.get('encoding.level0')!; // 5×5 vertices, two scenes: 50 rows
    expect(dense.shape[0]).toBe(50);
    dense.data.fill(1, 0, 50);
    dense.data.fill(2, 50, 100); // scene 1, the previous chunk's last
    previous.get('encoding.level5')!.data.fill(3); // hashed (49×49 vertices in 1024 rows)
    const next = warmStartParams(previous, before, after, 7, 2);
    const level0 = next.get('encoding.level0')!;
    expect(level0.shape[0]).toBe(75);
    expect(level0.data.every((v) => v === 2)).toBe(true);
    // Every row some vertex of some scene lands on holds the mean of 3s; the others keep their fresh values.
    const hashed = next.get('encoding.level5')!.data;
    const fresh = initParams(after, 7, 2).get('encoding.level5')!.data;
    expect(hashed.every((v, i) => v === 3 || v === fresh[i])).toBe(true);
    expect(hashed.filter((v) => v === 3).length).toBeGreaterThan(0.9 * hashed.length);
    // Without scenes on either side the tables are carried over as they are.
    const plain = tinyConfig(48);
    const plainPrevious = initParams(plain, 6, 1);
    plainPrevious.get('encoding.level0')!.data.fill(0.5);
    const toScenes = warmStartParams(plainPrevious, plain, scened([3]), 7, 2);
    expect(toScenes.get('encoding.level0')!.data.every((v) => v === 0.5)).toBe(true);
    expect(toScenes.get('encoding.level0')!.shape[0]).toBe(50);
  });

  it('starts a level fresh where its time structure changed (spatio-temporal before, static with scenes after)', () => {
    const temporal = tinyConfig(48);
    if (temporal.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    temporal.encoding.level_time_resolutions = [1, 0, 0, 0, 0, 0];
    const previous = initParams(temporal, 6, 1);
    previous.get('encoding.level0')!.data.fill(0.5);
    previous.get('encoding.level1')!.data.fill(0.5);
    const after = scened([3]);
    const next = warmStartParams(previous, temporal, after, 7, 2);
    expect(next.get('encoding.level0')!.data).toEqual(initParams(after, 7, 2).get('encoding.level0')!.data);
    expect(next.get('encoding.level1')!.data.every((v) => v === 0.5)).toBe(true);
  });
});

describe('encodeChunked', () => {
  it("probes the rd allocation through a given renderer at PROBE_SCALE of the source's size", async () => {
    const sizes = new Set<string>();
    const renderer: RendererFactory = (model) => {
      const inner = referenceRendererFactory(model);
      return {
        renderFrame: (t, w, h) => {
          sizes.add(`${w}x${h}`);
          return inner.renderFrame(t, w, h);
        },
      };
    };
    const withProbe = await encodeChunked(await options({ iterations: 40, renderer }));
    const expected = `${Math.round(source.width * PROBE_SCALE)}x${Math.round(source.height * PROBE_SCALE)}`;
    expect([...sizes]).toEqual([expected]);
    expect(PROBE_SCALE).toBeLessThan(1);
    expect(withProbe.file.chunks).toHaveLength(3);
  });

  it('encodes a 3-chunk clip that decodes close to the source', async () => {
    const result = await encodeChunked(await options());
    expect(result.plan.chunks).toHaveLength(3);
    expect(result.file.segments).toHaveLength(3);
    const decoder = new StreamDecoder(result.file);
    const meter = new PsnrMeter();
    frames.forEach((f, t) => {
      meter.add(toRgb8(decoder.renderFrame(t)), f);
    });
    expect(meter.summary().average).toBeGreaterThan(18);
  });

  it('puts a scene cut inside a chunk as a scene of its model, each scene decoding close to its source', async () => {
    const first = syntheticScene({ width: W, height: H, frames: 20, seed: 3 });
    const second = syntheticScene({ width: W, height: H, frames: 16, seed: 29 });
    const cutFrames = [
      ...Array.from({ length: 20 }, (_, t) => first.render(t)),
      ...Array.from({ length: 16 }, (_, t) => second.render(t)),
    ];
    const result = await encodeChunked(
      await options({
        source: memorySource(cutFrames, W, H, { num: 12, den: 1 }),
        segmentsPerChunk: 4,
        sceneCuts: true,
        iterations: 300,
      }),
    );
    expect(result.plan.segments.map((s) => s.firstFrame)).toEqual([0, 12, 20]);
    expect(result.plan.chunks.map((c) => c.sceneStarts)).toEqual([[20]]);
    const coded = result.file.chunks[0].config.encoding;
    if (coded.otype !== 'HashGrid') throw new Error('hash grid');
    expect(coded.scene_starts).toEqual([20]);
    const decoder = new StreamDecoder(result.file);
    for (const range of [
      [0, 20],
      [20, 36],
    ]) {
      const meter = new PsnrMeter();
      for (let t = range[0]; t < range[1]; t++) meter.add(toRgb8(decoder.renderFrame(t)), cutFrames[t]);
      expect(meter.summary().average, `frames ${range}`).toBeGreaterThan(18);
    }
  });

  it('resumes after a kill (after the first chunk, and in the middle of one) to the same bytes', async () => {
    const straight = writeLirnFile((await encodeChunked(await options())).file);
    for (const killAt of ['chunk-done', 'mid-chunk'] as const) {
      const store = memoryStore();
      await killedEncode(store, (e) =>
        killAt === 'chunk-done'
          ? e.phase === 'chunk-done' && e.chunk === 0
          : e.phase === 'train' && e.chunk === 1 && e.iteration >= 30,
      );
      expect(store.checkpoints.get(0)?.iteration).toBe(120);
      const resumed = await encodeChunked(await options({ store }));
      expect(Buffer.from(writeLirnFile(resumed.file)).equals(Buffer.from(straight)), killAt).toBe(true);
    }
  });

  it('on a time budget trains each chunk for its share, and a finished encode restores from its store', async () => {
    const store = memoryStore();
    const budget = 1200;
    const result = await encodeChunked(await options({ iterations: 1_000_000, timeBudgetMs: budget, store }));
    // A cold chunk counts twice a warm one (iterations vs warmIterations = half).
    const shares = chunkTimeBudgets(budget, [1_000_000, 500_000, 500_000]);
    expect(shares).toEqual([600, 300, 300]);
    for (let k = 0; k < 3; k++) {
      const c = store.checkpoints.get(k)!;
      expect(c.setup.timeBudgetMs).toBe(shares[k]);
      expect(c.trainedMs!).toBeGreaterThanOrEqual(shares[k]);
      expect(c.iteration).toBeGreaterThan(0);
      expect(c.iteration).toBeLessThan(1_000_000);
      expect(result.losses[k].length).toBe(c.iteration);
    }
    const again = await encodeChunked(await options({ iterations: 1_000_000, timeBudgetMs: budget, store }));
    expect(again.iterationsRun).toBe(0);
    expect(Buffer.from(writeLirnFile(again.file)).equals(Buffer.from(writeLirnFile(result.file)))).toBe(true);
    // Another budget is another run: its checkpoints are refused, not silently reused.
    await expect(
      encodeChunked(await options({ iterations: 1_000_000, timeBudgetMs: 2 * budget, store })),
    ).rejects.toThrow(/timeBudgetMs/);
    expect(() => chunkTimeBudgets(0, [1])).toThrow(/positive number/);
  });

  it("on a time budget, 'auto' sets 5% aside for its probes, and a re-pack from the store trains nothing", async () => {
    const store = memoryStore();
    const budget = 1200;
    const timed = { iterations: 1_000_000, timeBudgetMs: budget, store, frameLevels: 'auto' as const };
    const events: EncodeEvent[] = [];
    const first = await encodeChunked(await options({ ...timed, onEvent: (e) => events.push(e) }));
    const verdict = events.find((e) => e.phase === 'frame-levels');
    if (verdict?.phase !== 'frame-levels') throw new Error('no frame-levels event');
    expect(verdict.keep).toBe(verdict.gainDb >= verdict.costDb);
    const shares = chunkTimeBudgets(0.95 * budget, [1_000_000, 500_000, 500_000]);
    for (let k = 0; k < 3; k++) expect(store.checkpoints.get(k)!.setup.timeBudgetMs).toBe(shares[k]);
    const repack = await encodeChunked(await options({ ...timed, bits: uniformBitAllocation(5) }));
    expect(repack.iterationsRun).toBe(0);
    expect(repack.file.chunks[0].config).toEqual(first.file.chunks[0].config);
  }, 60_000);

  it('warm-started chunks reach the target PSNR in fewer iterations than cold-started ones', async () => {
    const target = 20;
    const firstAbove = (losses: Float32Array) => {
      let ema = losses[0];
      for (let i = 0; i < losses.length; i++) {
        ema = i === 0 ? losses[0] : 0.9 * ema + 0.1 * losses[i];
        if (-10 * Math.log10(ema) >= target) return i + 1;
      }
      return Number.POSITIVE_INFINITY;
    };
    const warm = await encodeChunked(await options({ iterations: 300, warmIterations: 300 }));
    const cold = await encodeChunked(await options({ iterations: 300, warmStart: false }));
    for (const k of [1, 2]) {
      expect(firstAbove(warm.losses[k])).toBeLessThan(firstAbove(cold.losses[k]));
    }
  });

  it('trains low-bit tables quantization-aware by default, which decodes better than without', async () => {
    const decodedPsnr = async (extra: Partial<EncodeOptions>) => {
      const result = await encodeChunked(
        await options({ iterations: 200, segmentsPerChunk: 3, bits: uniformBitAllocation(2), ...extra }),
      );
      const decoder = new StreamDecoder(result.file);
      const meter = new PsnrMeter();
      frames.forEach((f, t) => {
        meter.add(toRgb8(decoder.renderFrame(t)), f);
      });
      return meter.summary().average;
    };
    const byDefault = await decodedPsnr({});
    const without = await decodedPsnr({ quantAware: 0 });
    expect(byDefault).toBeGreaterThan(without + 0.5);
  });

  it("starts every chunk from startFrom's weights and returns each chunk's trained weights", async () => {
    expect((await encodeChunked(await options({ iterations: 5 }))).params).toBeUndefined();
    const first = await encodeChunked(await options({ iterations: 40, keepParams: true }));
    expect(first.params).toHaveLength(first.file.chunks.length);
    const still = { latents: 0, encoding: 0, base: 0, hyper: 0, patch: 0 };
    // At rate 0 nothing moves: the weights, and so the coded chunks, are the first encode's.
    const again = await encodeChunked(
      await options({ iterations: 5, startFrom: first.params, rates: still, keepParams: true }),
    );
    expect(again.params).toEqual(first.params);
    expect(writeLirnFile(again.file)).toEqual(writeLirnFile(first.file));
    const cold = await encodeChunked(await options({ iterations: 5, rates: still }));
    expect(writeLirnFile(cold.file)).not.toEqual(writeLirnFile(first.file));
  });

  it('names what does not fit in startFrom', async () => {
    const first = await encodeChunked(await options({ iterations: 5, keepParams: true }));
    const params = first.params!;
    await expect(encodeChunked(await options({ startFrom: params.slice(1) }))).rejects.toThrow(
      /startFrom has weights for 2 chunk\(s\) where this encode plans 3/,
    );
    const wide = params.map((p) => new Map(p));
    wide[1].set('latents', { shape: [1, 1], data: new Float32Array(1) });
    await expect(encodeChunked(await options({ startFrom: wide }))).rejects.toThrow(
      /startFrom: chunk 1 needs latents \[\d+,\d+\], got \[1,1\]/,
    );
  });

  it("adds frame levels with 'on', and with 'auto' where its probe finds they pay (moving shapes)", async () => {
    const on = await encodeChunked(await options({ iterations: 20, frameLevels: 'on' }));
    const withLevels = withFrameLevels(config, 12);
    for (const chunk of on.file.chunks) expect(chunk.config).toEqual(withLevels);
    const events: EncodeEvent[] = [];
    const reads: number[] = [];
    const counted = {
      ...source,
      read: (first: number, count: number) => {
        reads.push(first);
        return source.read(first, count);
      },
    };
    const auto = await encodeChunked(
      await options({ source: counted, iterations: 20, frameLevels: 'auto', onEvent: (e) => events.push(e) }),
    );
    // The probes' frames are the first chunk's: it trains from them without reading them again.
    expect(reads).toEqual([0, 12, 24]);
    const verdict = events.find((e) => e.phase === 'frame-levels');
    if (verdict?.phase !== 'frame-levels') throw new Error('no frame-levels event');
    expect(events.findIndex((e) => e.phase === 'frame-levels-probe')).toBeLessThan(events.indexOf(verdict));
    expect(verdict.keep).toBe(verdict.gainDb >= verdict.costDb);
    expect(verdict.keep).toBe(true);
    for (const chunk of auto.file.chunks) expect(chunk.config).toEqual(withLevels);
    // Decodes as the 'on' encode's config does (the same frame levels, read by the decoder).
    expect(new StreamDecoder(auto.file, referenceRendererFactory).renderFrame(5)).toHaveLength(W * H * 3);
    const off = await encodeChunked(await options({ iterations: 20 }));
    for (const chunk of off.file.chunks) expect(chunk.config).toEqual(config);
  }, 120_000);

  it("an 'auto' encode stopped during its probes stops as any stopped encode does", async () => {
    await expect(
      encodeChunked(await options({ frameLevels: 'auto', signal: AbortSignal.abort() })),
    ).rejects.toBeInstanceOf(EncodeAborted);
  });

  it('refuses to reuse a finished chunk trained with another config, naming the chunk', async () => {
    const store = memoryStore();
    await killedEncode(store, (e) => e.phase === 'chunk-done' && e.chunk === 0);
    expect(store.checkpoints.get(0)?.iteration).toBe(120);
    const other = { ...config, latent: { ...config.latent, dim: config.latent.dim + 2 } };
    const again = encodeChunked(
      await options({ store, config: other, engine: await chooseTrainEngine('auto', other) }),
    );
    await expect(again).rejects.toThrow(/chunk 0: .*another model config/);
    // An 'auto' encode finds it before spending time on the frame-level probes.
    const phases: string[] = [];
    const auto = encodeChunked(
      await options({
        store,
        config: other,
        engine: await chooseTrainEngine('auto', other),
        frameLevels: 'auto',
        onEvent: (e) => phases.push(e.phase),
      }),
    );
    await expect(auto).rejects.toThrow(/chunk 0: .*another model config/);
    expect(phases).not.toContain('frame-levels-probe');
  });

  it("a resumed 'auto' encode goes on with its first checkpoint's choice instead of probing again", async () => {
    const store = memoryStore();
    const first = await encodeChunked(await options({ iterations: 20, frameLevels: 'auto', store }));
    const events: EncodeEvent[] = [];
    const again = await encodeChunked(
      await options({ iterations: 20, frameLevels: 'auto', store, onEvent: (e) => events.push(e) }),
    );
    expect(events.some((e) => e.phase === 'frame-levels-probe' || e.phase === 'frame-levels')).toBe(false);
    expect(writeLirnFile(again.file)).toEqual(writeLirnFile(first.file));
  }, 120_000);
});
