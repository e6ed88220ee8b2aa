import { describe, expect, it } from 'vitest';
import { EventHub } from '../../player/src/core/events.js';
import { formatResolution, parseResolution, renderSize } from '../../player/src/playback/resolution.js';
import { StatsTracker } from '../../player/src/playback/stats.js';
import { formatStats, formatTime } from '../../player/src/ui/format.js';

describe('render size choices', () => {
  const source = { width: 640, height: 360 };
  it('uses the canvas device pixels by default (the source size before layout)', () => {
    expect(renderSize({ mode: 'auto' }, source, { width: 1918, height: 1079 })).toEqual({
      width: 1918,
      height: 1079,
    });
    expect(renderSize({ mode: 'auto' }, source, { width: 0, height: 0 })).toEqual(source);
    expect(renderSize({ mode: 'scale', scale: 2 }, source, { width: 1, height: 1 })).toEqual({
      width: 1280,
      height: 720,
    });
    expect(renderSize({ mode: 'fixed', width: 99999, height: 0 }, source, { width: 1, height: 1 })).toEqual({
      width: 8192,
      height: 1,
    });
  });
  it('parses and prints the URL/select forms', () => {
    for (const s of ['auto', 'source', '2x', '0.5x', '1920x1080'])
      expect(formatResolution(parseResolution(s)!)).toBe(s);
    for (const s of ['', '0x', '17x', '9000x10', 'big', null]) expect(parseResolution(s)).toBeNull();
  });
});

describe('stats', () => {
  it('averages GPU time, counts frames of the last second, and measures bitrate over loaded media', () => {
    let now = 0;
    const s = new StatsTracker(() => now);
    for (let i = 0; i < 30; i++) {
      now += 1000 / 24;
      s.frame(4);
    }
    s.drop();
    s.segment(3000, 1);
    s.segment(1000, 0);
    const snap = s.snapshot({
      width: 32,
      height: 24,
      declaredKbps: 40,
      bufferedAheadS: 2,
      sourceFps: 24,
      frameRateFactor: 2,
      adapter: 'x',
    });
    expect(snap.renderMs).toBeCloseTo(4);
    expect(snap.fps).toBe(24);
    expect(snap.bitrateKbps).toBe(32);
    expect(snap.framesDropped).toBe(1);
    const text = formatStats(snap);
    expect(text).toContain('4.00 ms/frame');
    expect(text).toContain('48.00 fps target (2× source)');
    expect(text).toContain('32×24');
    expect(formatTime(75.25)).toBe('1:15.3');
  });
});

describe('EventHub', () => {
  it('delivers typed events, unsubscribes, and isolates a throwing listener', async () => {
    const hub = new EventHub<{ a: number; b: string }>();
    const got: string[] = [];
    const off = hub.on('a', (n) => got.push(`a${n}`));
    hub.on('a', () => {
      throw new Error('listener bug');
    });
    hub.once('b', (s) => got.push(`b${s}`));
    const next = hub.next('a', (n) => n > 1);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    hub.emit('a', 1);
    hub.emit('b', 'x');
    hub.emit('b', 'y');
    off();
    hub.emit('a', 2);
    expect(await next).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    process.off('uncaughtException', onError);
    expect(got).toEqual(['a1', 'bx']);
    expect(errors).toHaveLength(2);
  });
});
