import { describe, expect, it } from 'vitest';
import { planSegments, typicalChunkFrames } from '../../../src/codec/segmenter/plan.js';
import { detectSceneCuts, lumaHistogram } from '../../../src/codec/segmenter/scene.js';

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

  it('starts a new segment and chunk at every scene cut', () => {
    const plan = planSegments({
      frameCount: 200,
      fps: 25,
      segmentSeconds: 2,
      segmentsPerChunk: 8,
      sceneCuts: [70, 70, 130, 0, 500],
    });
    coverage(plan, 200);
    const chunkStarts = plan.chunks.map((c) => c.firstFrame);
    expect(chunkStarts).toEqual([0, 70, 130]);
    expect(plan.chunks.map((c) => c.sceneStart)).toEqual([false, true, true]);
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
    expect(planSegments({ frameCount: 900, fps: 30 }).chunks.map((c) => c.frameCount)).toEqual([240, 240, 240, 180]);
  });

  it('never joins chunks across a scene cut', () => {
    const plan = planSegments({ frameCount: 200, fps: 10, sceneCuts: [100] });
    coverage(plan, 200);
    // Scene 1: 5 segments → 4 + 1 → one chunk; scene 2 likewise, starting afresh.
    expect(plan.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart])).toEqual([
      [0, 100, false],
      [100, 100, true],
    ]);
    const short = planSegments({ frameCount: 120, fps: 10, sceneCuts: [80] });
    coverage(short, 120);
    expect(short.chunks.map((c) => [c.firstFrame, c.frameCount, c.sceneStart])).toEqual([
      [0, 80, false],
      [80, 40, true],
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
});
