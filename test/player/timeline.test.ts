import { describe, expect, it } from 'vitest';
import { frameTimeAt, PlaybackClock } from '../../player/src/playback/clock.js';
import { Timeline } from '../../player/src/playback/timeline.js';

describe('Timeline', () => {
  const make = () => {
    const t = new Timeline<string>();
    t.addChunk('a', 0, 6, 'model-a');
    t.addChunk('b', 6, 4, 'model-b');
    return t;
  };

  it('draws integer and fractional times inside a chunk with its model, once the rows are loaded', () => {
    const t = make();
    expect(t.plan(2)).toEqual({ kind: 'missing', frame: 2 });
    t.setRows('a', 0, 3, true);
    expect(t.plan(2)).toMatchObject({ kind: 'frame', a: { t: 2 }, b: null, beta: 0 });
    // 2.5 interpolates rows 2 and 3: row 3 is not loaded yet.
    expect(t.plan(2.5)).toEqual({ kind: 'missing', frame: 3 });
    t.setRows('a', 3, 3, true);
    const p = t.plan(2.5);
    expect(p.kind === 'frame' && p.a.chunk.model).toBe('model-a');
    expect(p.kind === 'frame' && p.a.t).toBe(2.5);
  });

  it('blends the last frame of one chunk with the first of the next between them', () => {
    const t = make();
    t.setRows('a', 0, 6, true);
    expect(t.plan(5.25)).toEqual({ kind: 'missing', frame: 6 });
    t.setRows('b', 6, 4, true);
    const p = t.plan(5.25);
    expect(p).toMatchObject({ kind: 'frame', a: { t: 5 }, b: { t: 0 }, beta: 0.25 });
    expect(p.kind === 'frame' && p.b?.chunk.model).toBe('model-b');
    const q = t.plan(7.5);
    expect(q).toMatchObject({ kind: 'frame', a: { t: 1.5 }, b: null });
  });

  it('forgets evicted rows and removed chunks', () => {
    const t = make();
    t.setRows('b', 6, 4, true);
    t.setRows('b', 8, 2, false);
    expect(t.plan(8)).toEqual({ kind: 'missing', frame: 8 });
    t.removeChunk('b');
    expect(t.plan(7)).toEqual({ kind: 'missing', frame: 7 });
    expect(t.all().map((c) => c.key)).toEqual(['a']);
  });
});

describe('frameTimeAt', () => {
  it('maps media time to source frames, factor × as many through interpolation', () => {
    expect(frameTimeAt(0.5, 24, 48, 1)).toBe(12);
    // 0.535 s = source frame 12.84.
    expect(frameTimeAt(0.535, 24, 48, 1)).toBe(12);
    expect(frameTimeAt(0.535, 24, 48, 2)).toBe(12.5);
    expect(frameTimeAt(0.535, 24, 48, 4)).toBe(12.75);
    expect(frameTimeAt(0.535, 24, 48, 0)).toBeCloseTo(12.84, 10);
    // A seek to k/fps lands on frame k despite binary rounding; the end clamps to the last frame.
    expect(frameTimeAt(7 / 24, 24, 48, 1)).toBe(7);
    expect(frameTimeAt(99, 24, 48, 2)).toBe(47);
  });
});

describe('PlaybackClock', () => {
  it('advances while playing, holds while paused or stalled, clamps to the duration', () => {
    let now = 1000;
    const c = new PlaybackClock(2, () => now);
    c.play();
    now += 500;
    expect(c.time).toBeCloseTo(0.5);
    c.setStalled(true);
    now += 700;
    expect(c.time).toBeCloseTo(0.5);
    c.setStalled(false);
    now += 250;
    expect(c.time).toBeCloseTo(0.75);
    c.pause();
    now += 1000;
    expect(c.time).toBeCloseTo(0.75);
    c.seek(1.9);
    c.play();
    now += 1000;
    expect(c.time).toBe(2);
    expect(c.ended).toBe(true);
    c.pause();
    c.play();
    expect(c.time).toBe(0);
  });
});
