import { describe, expect, it } from 'vitest';
import { planSegments, typicalChunkFrames } from '../../../src/codec/segmenter/plan.js';
import { detectSceneCuts, histogramDistance, lumaHistogram } from '../../../src/codec/segmenter/scene.js';

function coverage(plan: ReturnType<typeof planSegments>, frames: number): void {
  let next = 0;
  for (const s of plan.segments) {
    expect(s.firstFrame).toBe(next);
    expect(s.frameCount).toBeGreaterThan(0);
    next += s.frameCount;
  }
  expect(next).toBe(frames);
  for (const c of plan.chunks) {
    const segs = c.segments.map((i) => plan.segments[i]);
    expect(segs[0].firstFrame).toBe(c.firstFrame);
    expect(segs.reduce((n, s) => n + s.frameCount, 0)).toBe(c.frameCount);
    for (const s of segs) expect(s.chunk).toBe(c.index);
  }
}

describe('planSegments', () => {
  it('cuts 2 s segments and groups them into chunks', () => {
    const plan = planSegments({ frameCount: 300, fps: 24, segmentSeconds: 2, segmentsPerChunk: 2 });
    coverage(plan, 300);
    expect(plan.segments.map((s) => s.frameCount)).toEqual([48, 48, 48, 48, 48, 60]);
    expect(plan.chunks.map((c) => c.segments.length)).toEqual([2, 2, 2]);
  });

  it('starts a new segment at every scene cut; a chunk goes on across it with a scene of its model', () => {
    const plan = planSegments({
      frameCount: 200,
      fps: 25,
      segmentSeconds: 2,
      segmentsPerChunk: 8,
      sceneCuts: [70, 70, 130, 0, 500],
    });
    coverage(plan, 200);
    // Each scene's 20- and 10-frame tails join its segment before them.
    expect(plan.segments.map((s) => [s.firstFrame, s.frameCount])).toEqual([
      [0, 70],
      [70, 60],
      [130, 70],
    ]);
    expect(plan.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart, c.sceneStarts])).toEqual([
      [0, 200, false, [70, 130]],
    ]);
  });

  it('joins a short last chunk (at most half the segments) to the one before it', () => {
    // 12 s at 10 fps: 4 + 2 segments would make a second model for 4 s.
    const vtest = planSegments({ frameCount: 120, fps: 10 });
    coverage(vtest, 120);
    expect(vtest.chunks.map((c) => c.segments.length)).toEqual([6]);
    expect(vtest.segments.every((s) => s.chunk === 0)).toBe(true);
    expect(typicalChunkFrames(120, 10)).toBe(120);
    // 3 of 4 segments left: a chunk of its own.
    const longer = planSegments({ frameCount: 140, fps: 10 });
    coverage(longer, 140);
    expect(longer.chunks.map((c) => c.segments.length)).toEqual([4, 3]);
    expect(typicalChunkFrames(140, 10)).toBe(80);
    // 30 s at 30 fps: 4 + 4 + 4 + 3 segments.
    expect(planSegments({ frameCount: 900, fps: 30 }).chunks.map((c) => c.frameCount)).toEqual([
      240, 240, 240, 180,
    ]);
  });

  it('records the scenes of a chunk, a joined short last chunk included; a chunk that begins at a cut starts cold', () => {
    const plan = planSegments({ frameCount: 200, fps: 10, sceneCuts: [100] });
    coverage(plan, 200);
    // 10 segments of 20 frames: 4 + 4 + 2, the last two joining the second chunk, whose scene starts at 100.
    expect(plan.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart, c.sceneStarts])).toEqual([
      [0, 80, false, []],
      [80, 120, false, [20]],
    ]);
    const short = planSegments({ frameCount: 120, fps: 10, sceneCuts: [80] });
    coverage(short, 120);
    expect(short.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart, c.sceneStarts])).toEqual([
      [0, 120, false, [80]],
    ]);
    // The second chunk begins at the cut at 80; its joined tail brings the cut at 180.
    const atCut = planSegments({ frameCount: 200, fps: 10, sceneCuts: [80, 180] });
    coverage(atCut, 200);
    expect(atCut.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart, c.sceneStarts])).toEqual([
      [0, 80, false, []],
      [80, 120, true, [100]],
    ]);
  });

  it('handles videos shorter than one segment', () => {
    const plan = planSegments({ frameCount: 5, fps: 30 });
    coverage(plan, 5);
    expect(plan.segments).toHaveLength(1);
    expect(plan.chunks).toHaveLength(1);
  });

  it('rejects nonsense', () => {
    expect(() => planSegments({ frameCount: 0, fps: 24 })).toThrow(/frameCount/);
    expect(() => planSegments({ frameCount: 10, fps: 0 })).toThrow(/fps/);
    expect(() => planSegments({ frameCount: 10, fps: 24, segmentsPerChunk: 0 })).toThrow(/segmentsPerChunk/);
  });
});

describe('detectSceneCuts', () => {
  function frame(w: number, h: number, shade: (x: number, y: number) => number): Uint8Array {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out.fill(shade(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
    return out;
  }

  it('finds a hard cut between two moving scenes and ignores the motion', () => {
    const w = 64;
    const h = 48;
    const hists = [];
    for (let t = 0; t < 30; t++) {
      const f =
        t < 17
          ? frame(w, h, (x) => ((x + 2 * t) % w) * 2) // dark panning ramp
          : frame(w, h, (x, y) => 160 + ((x + y + 3 * t) % 64)); // bright moving texture
      hists.push(lumaHistogram(f, w, h));
    }
    expect(detectSceneCuts(hists)).toEqual([17]);
  });

  it("finds a cut between two pictures of much the same brightness (a distance of 0.25; the bunny clip's is 0.35)", () => {
    const w = 64;
    const h = 48;
    const hists = [];
    for (let t = 0; t < 30; t++) {
      const offset = t < 12 ? 0 : 40; // the same panning ramp, 40 levels brighter after the cut
      hists.push(
        lumaHistogram(
          frame(w, h, (x) => offset + ((x + 2 * t) % w) * 2.5),
          w,
          h,
        ),
      );
    }
    const distance = histogramDistance(hists[11], hists[12]);
    expect(distance).toBeGreaterThan(0.2);
    expect(distance).toBeLessThan(0.35);
    expect(detectSceneCuts(hists)).toEqual([12]);
    expect(detectSceneCuts(hists, { threshold: 0.35 })).toEqual([]);
  });
});
