/**
 * Search over a library of aligned files built here (4 synthetic sources encoded with the built-in features):
 * queries are the features of unseen in-between pictures (t + 0.5) of each source; the stored latents must
 * retrieve the right video and segment about as well as the features themselves (paper Tables 3/4 protocol:
 * latents within 5 points of the features' recall@1/5/10), at frame, segment and video level, exact and HNSW.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinFeatures } from '../../src/codec/align/builtin.js';
import { readLirnFile } from '../../src/container/index.js';
import { recallAtK } from '../../src/search/evaluate.js';
import { Library } from '../../src/search/library.js';
import { levelVectors, videoVectors } from '../../src/search/vectors.js';
import { FRAMES, H, makeLibrary, SEEDS, scene, W } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await makeLibrary();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const segmentOf = (t: number) => Math.floor(t / 4);

/** Features of the pictures halfway between frames i and i + 1 of every source. */
function queries() {
  const vectors: Float32Array[] = [];
  const video: string[] = [];
  const segment: string[] = [];
  for (const seed of SEEDS) {
    const s = scene(seed);
    for (let i = 0; i + 1 < FRAMES; i++) {
      vectors.push(builtinFeatures(s.render(i + 0.5), W, H));
      video.push(`v${seed}`);
      segment.push(`v${seed}/${segmentOf(i + 0.5)}`);
    }
  }
  const data = new Float32Array(vectors.length * vectors[0].length);
  vectors.forEach((v, i) => {
    data.set(v, i * v.length);
  });
  return { dim: vectors[0].length, data, video, segment };
}

describe('library search', () => {
  it('loads the aligned files and says why the others are skipped', async () => {
    const lib = await Library.open(dir);
    expect(lib.videos.map((v) => v.file)).toEqual(['v1.lirn', 'v2.lirn', 'v3.lirn', 'v4.lirn']);
    expect(lib.spaces()).toEqual(new Map([['lirn-builtin-v1', 4]]));
    const reasons = new Map(lib.skipped.map((s) => [s.file, s.reason]));
    expect(reasons.get('plain.lirn')).toMatch(/no lirA/);
    expect(reasons.get('broken.lirn')).toBeDefined();
    // refresh() keeps unchanged files and picks up removals.
    await rm(join(dir, 'broken.lirn'));
    await lib.refresh();
    expect(lib.skipped.map((s) => s.file)).toEqual(['plain.lirn']);
  });

  it('finds the right video, segment and frame from an unseen picture, at every level, exact and HNSW', async () => {
    const lib = await Library.open(dir);
    const q = builtinFeatures(scene(3).render(9.5), W, H);
    const frames = lib.search(q, { level: 'frame', k: 3 });
    expect(frames[0].file).toBe('v3.lirn');
    expect(Math.abs(frames[0].firstFrame - 9.5)).toBeLessThanOrEqual(2.5);
    expect(frames[0].time).toBeCloseTo(frames[0].firstFrame / 4, 9);
    const segments = lib.search(q, { level: 'segment', k: 2 });
    expect(segments[0]).toMatchObject({ file: 'v3.lirn', firstFrame: 8, frameCount: 4 });
    const videos = lib.search(q, { level: 'video', k: 10 });
    expect(videos).toHaveLength(4);
    expect(videos[0]).toMatchObject({ file: 'v3.lirn', firstFrame: 0, frameCount: FRAMES });
    expect(videos.map((h) => h.score)).toEqual([...videos.map((h) => h.score)].sort((a, b) => b - a));
    const hnsw = lib.search(q, { level: 'frame', k: 3, index: 'hnsw' });
    expect(hnsw.map((h) => [h.file, h.firstFrame])).toEqual(frames.map((h) => [h.file, h.firstFrame]));
    hnsw.forEach((h, i) => {
      expect(h.score).toBeCloseTo(frames[i].score, 5);
    });
    // The HNSW graph was saved beside the library; a fresh Library loads it instead of building it.
    expect(lib.index('frame', { index: 'hnsw' }).loaded).toBe(false);
    const again = await Library.open(dir);
    expect(again.index('frame', { index: 'hnsw' }).loaded).toBe(true);
    expect(again.search(q, { level: 'frame', k: 3, index: 'hnsw' })).toEqual(hnsw);
    expect((await readdir(join(dir, '.lirn-index'))).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);
    expect(() => lib.search(q.subarray(0, 10))).toThrow(/10 values/);
    expect(() => lib.search(new Float32Array(q.length))).toThrow(/zero/);
  });

  it('latents retrieve within 5 points of the features themselves (recall@1/5/10, video and segment level)', async () => {
    const q = queries();
    const latentRows: Float32Array[] = [];
    const featureRows: Float32Array[] = [];
    const video: string[] = [];
    const segment: string[] = [];
    for (const seed of SEEDS) {
      const file = readLirnFile(new Uint8Array(await readFile(join(dir, `v${seed}.lirn`))));
      const v = videoVectors(file);
      latentRows.push(levelVectors(v, 'frame').vectors);
      const s = scene(seed);
      for (let t = 0; t < FRAMES; t++) {
        featureRows.push(builtinFeatures(s.render(t), W, H));
        video.push(`v${seed}`);
        segment.push(`v${seed}/${segmentOf(t)}`);
      }
    }
    const dim = q.dim;
    const latents = new Float32Array(latentRows.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of latentRows) {
      latents.set(r, at);
      at += r.length;
    }
    const features = new Float32Array(featureRows.length * dim);
    featureRows.forEach((r, i) => {
      features.set(r, i * dim);
    });
    const report: string[] = [];
    for (const [level, labels, qLabels] of [
      ['video', video, q.video],
      ['segment', segment, q.segment],
    ] as const) {
      const fromFeatures = recallAtK(
        { dim, vectors: features, labels },
        { dim, vectors: q.data, labels: qLabels },
      );
      const fromLatents = recallAtK(
        { dim, vectors: latents, labels },
        { dim, vectors: q.data, labels: qLabels },
      );
      report.push(
        `${level}: features ${fromFeatures.map((r) => r.toFixed(1))} latents ${fromLatents.map((r) => r.toFixed(1))}`,
      );
      fromLatents.forEach((r, i) => {
        expect(r).toBeGreaterThanOrEqual(fromFeatures[i] - 5);
      });
    }
    console.log(`recall@1/5/10 (%) on ${q.video.length} queries — ${report.join('; ')}`);
  });
});
