/**
 * Which segments to hold: a window from `maxBehindS` before the playhead to `maxAheadS` after it. Segments
 * are fetched in playback order from the one under the playhead, never beyond the window, and ready segments
 * that fall out of it are evicted, so memory stays bounded whatever the video's length.
 */
import type { SegmentRef } from './playlist.js';

export type SegmentState = 'empty' | 'loading' | 'ready' | 'skipped';

export interface BufferWindow {
  /** Seconds ahead of the playhead to fetch (and keep). */
  maxAheadS: number;
  /** Seconds behind the playhead to keep (a short seek back then needs no fetch). */
  maxBehindS: number;
}

export const DEFAULT_BUFFER_WINDOW: BufferWindow = { maxAheadS: 8, maxBehindS: 3 };

export class SegmentBuffer {
  private readonly states: SegmentState[];

  constructor(
    readonly segments: readonly SegmentRef[],
    readonly window: BufferWindow = DEFAULT_BUFFER_WINDOW,
  ) {
    if (!(window.maxAheadS > 0 && window.maxBehindS >= 0))
      throw new RangeError('buffer window: maxAheadS > 0, maxBehindS ≥ 0');
    this.states = segments.map(() => 'empty');
  }

  state(index: number): SegmentState {
    return this.states[index];
  }

  set(index: number, state: SegmentState): void {
    if (index < 0 || index >= this.states.length) throw new RangeError(`no segment ${index}`);
    this.states[index] = state;
  }

  /** Index of the segment playing at `time` (the last one at or past the end; 0 before the start). */
  indexAt(time: number): number {
    const s = this.segments;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid].start <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Whether segment `index` overlaps [playhead − maxBehind, playhead + maxAhead] (or plays at the playhead). */
  inWindow(index: number, playhead: number): boolean {
    const seg = this.segments[index];
    if (index === this.indexAt(playhead)) return true;
    return (
      seg.start < playhead + this.window.maxAheadS &&
      seg.start + seg.duration > playhead - this.window.maxBehindS
    );
  }

  /** The first empty segment from the playhead forward within the window, or -1. */
  nextToLoad(playhead: number): number {
    if (this.segments.length === 0) return -1;
    for (let i = this.indexAt(playhead); i < this.segments.length; i++) {
      if (this.segments[i].start >= playhead + this.window.maxAheadS && i !== this.indexAt(playhead)) break;
      if (this.states[i] === 'empty') return i;
    }
    return -1;
  }

  /** Ready segments outside the window. */
  evictable(playhead: number): number[] {
    const out: number[] = [];
    this.states.forEach((s, i) => {
      if (s === 'ready' && !this.inWindow(i, playhead)) out.push(i);
    });
    return out;
  }

  /** Seconds of media from the playhead that are ready (skipped segments count: playback jumps them). */
  bufferedAhead(playhead: number): number {
    let i = this.indexAt(playhead);
    let end = playhead;
    while (i < this.segments.length && (this.states[i] === 'ready' || this.states[i] === 'skipped')) {
      end = this.segments[i].start + this.segments[i].duration;
      i++;
    }
    return Math.max(0, end - playhead);
  }

  /** Init keys some segment in the window still needs. */
  neededInits(playhead: number): Set<string> {
    const keys = new Set<string>();
    this.segments.forEach((seg, i) => {
      if (this.inWindow(i, playhead) && this.states[i] !== 'skipped') keys.add(seg.init.key);
    });
    return keys;
  }

  /** The skipped run containing `time`, as [start, end) seconds, or null. */
  skippedRangeAt(time: number): [number, number] | null {
    let i = this.indexAt(time);
    if (this.states[i] !== 'skipped') return null;
    const start = this.segments[i].start;
    while (i < this.segments.length && this.states[i] === 'skipped') i++;
    const last = this.segments[i - 1];
    return [start, last.start + last.duration];
  }

  /** Resets every loading segment to empty (their requests were aborted). */
  cancelLoading(): void {
    this.states.forEach((s, i) => {
      if (s === 'loading') this.states[i] = 'empty';
    });
  }
}
