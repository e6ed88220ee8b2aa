import { describe, expect, it } from 'vitest';
import { planSegments } from '../../../src/codec/segmenter/plan.js';
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
