import { describe, expect, it } from 'vitest';
import type { SegmentRef } from '../../player/src/loader/playlist.js';
import { SegmentBuffer } from '../../player/src/loader/segment-buffer.js';

/** n segments of 1 s; chunk k = floor(i / perChunk). */
function segments(n: number, perChunk = 4): SegmentRef[] {
  return Array.from({ length: n }, (_, i) => {
    const key = `init-${Math.floor(i / perChunk)}`;
    return { index: i, sn: i, url: `seg-${i}`, start: i, duration: 1, init: { key, url: key } };
  });
}

describe('SegmentBuffer', () => {
  it('loads forward from the playhead and never beyond the window', () => {
    const b = new SegmentBuffer(segments(20), { maxAheadS: 3, maxBehindS: 1 });
    const loaded: number[] = [];
    for (let i = b.nextToLoad(5.5); i >= 0; i = b.nextToLoad(5.5)) {
      loaded.push(i);
      b.set(i, 'ready');
    }
    expect(loaded).toEqual([5, 6, 7, 8]);
    expect(b.bufferedAhead(5.5)).toBeCloseTo(3.5);
  });

  it('evicts ready segments that leave the window as the playhead moves, keeping maxBehind', () => {
    const b = new SegmentBuffer(segments(20), { maxAheadS: 3, maxBehindS: 1 });
    for (let i = 0; i < 6; i++) b.set(i, 'ready');
    expect(b.evictable(0)).toEqual([3, 4, 5]);
    expect(b.evictable(4.5)).toEqual([0, 1, 2]);
    // Memory bound: what is ready and not evictable lies inside the window.
    for (const p of [0, 3.2, 7.9, 15]) {
      for (let i = 0; i < 20; i++) {
        if (b.state(i) === 'ready' && !b.evictable(p).includes(i)) expect(b.inWindow(i, p)).toBe(true);
      }
    }
  });

  it('counts skipped segments as buffered and reports the skipped run to jump over', () => {
    const b = new SegmentBuffer(segments(10), { maxAheadS: 5, maxBehindS: 0 });
    b.set(2, 'ready');
    b.set(3, 'skipped');
    b.set(4, 'skipped');
    b.set(5, 'ready');
    expect(b.bufferedAhead(2)).toBe(4);
    expect(b.skippedRangeAt(3.4)).toEqual([3, 5]);
    expect(b.skippedRangeAt(2.5)).toBeNull();
    expect(b.nextToLoad(2)).toBe(6);
  });

  it('names the chunks the window needs', () => {
    const b = new SegmentBuffer(segments(12, 4), { maxAheadS: 2, maxBehindS: 0 });
    expect([...b.neededInits(2.5)]).toEqual(['init-0', 'init-1']);
    expect([...b.neededInits(9)]).toEqual(['init-2']);
  });

  it('finds the segment at any time, clamping before the start and after the end', () => {
    const b = new SegmentBuffer(segments(5));
    expect([-1, 0, 0.99, 1, 4.5, 99].map((t) => b.indexAt(t))).toEqual([0, 0, 0, 1, 4, 4]);
    b.set(1, 'loading');
    b.cancelLoading();
    expect(b.state(1)).toBe('empty');
  });
});
