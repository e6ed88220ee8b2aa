/**
 * The Player's control logic in Node: real playlists, loader and decoding (the fixture video through a fake
 * network), the real clock and timeline, and a recording renderer in place of WebGPU that checks every frame it
 * is asked for has its latents uploaded.
 */
import { describe, expect, it } from 'vitest';
import { ErrorDetails, ErrorTypes, PlayerError } from '../../player/src/core/errors.js';
import { InlineDecoder } from '../../player/src/decode/decoder-client.js';
import type { DecodedChunk } from '../../player/src/decode/types.js';
import { abortError, type Fetcher, loadError } from '../../player/src/loader/fetcher.js';
import { type ErrorEventData, Player, type PlayerState } from '../../player/src/playback/player.js';
import type { PlayerRenderer, RenderJob } from '../../player/src/playback/renderer-port.js';
import type { GpuHandle } from '../../player/src/render/gpu-device.js';
import { fixtureVideo, lirnMediaPlaylist } from './fixture-video.js';

const video = fixtureVideo();
const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-STREAM-INF:BANDWIDTH=154000,RESOLUTION=32x24,FRAME-RATE=24.000,CODECS="lirn"
lirn/media.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=20000,RESOLUTION=32x24,FRAME-RATE=24.000,CODECS="avc1.64000a"
h264/media.m3u8
`;

class FakeModel {
  readonly loaded: Uint8Array;
  constructor(readonly chunk: DecodedChunk) {
    this.loaded = new Uint8Array(chunk.frameCount);
  }
  writeLatents(row0: number, data: Float32Array): void {
    this.loaded.fill(1, row0, row0 + data.length / this.chunk.config.latent.dim);
  }
}

class FakeRenderer implements PlayerRenderer<FakeModel> {
  jobs: Array<RenderJob<FakeModel> & { width: number; height: number }> = [];
  released: string[] = [];
  constructor(private readonly unsupported: boolean) {}
  attachCanvas(): void {}
  async createModel(chunk: DecodedChunk): Promise<FakeModel> {
    if (this.unsupported) {
      throw new PlayerError({
        type: ErrorTypes.RENDER_ERROR,
        details: ErrorDetails.MODEL_UNSUPPORTED,
        message: 'too wide',
      });
    }
    return new FakeModel(chunk);
  }
  releaseModel(model: FakeModel): void {
    this.released.push(model.chunk.key);
  }
  private check(job: RenderJob<FakeModel>): void {
    for (const part of [job.a, job.b]) {
      if (!part) continue;
      const rows = [Math.floor(part.t), Math.ceil(part.t)];
      for (const r of rows)
        if (!part.model.loaded[r])
          throw new Error(`rendering t=${part.t} of ${part.model.chunk.key} before row ${r} is loaded`);
    }
  }
  async renderToCanvas(job: RenderJob<FakeModel>, width: number, height: number): Promise<number> {
    this.check(job);
    this.jobs.push({ ...job, width, height });
    return 2;
  }
  async readPixels(job: RenderJob<FakeModel>, width: number, height: number): Promise<Float32Array> {
    this.check(job);
    return new Float32Array(width * height * 3);
  }
  async timeFrames(): Promise<number> {
    return 1;
  }
  destroy(): void {}
}

interface Setup {
  player: Player;
  renderer: FakeRenderer;
  canvas: { width: number; height: number };
  states: PlayerState[];
  errors: ErrorEventData[];
  requests: string[];
  /** Advances wall time by `ms` in display refreshes of ~16 ms, letting loads and decodes settle in between. */
  run(ms: number): Promise<void>;
  release(name: string): void;
}

function setup(
  options: {
    status?: Record<string, number[]>;
    hold?: string[];
    gpu?: boolean;
    unsupported?: boolean;
    factor?: number;
    /** The media playlist lists chunk 0 only (EVENT) until it has been fetched this many times. */
    growUntil?: number;
  } = {},
): Setup {
  let now = 0;
  let pending: Array<() => void> = [];
  let sleepers: Array<{ at: number; wake: () => void }> = [];
  const holds = new Map<string, () => void>();
  const waiting = new Map<string, Promise<void>>();
  for (const name of options.hold ?? []) waiting.set(name, new Promise((r) => holds.set(name, r)));
  const requests: string[] = [];
  const fetcher: Fetcher = async (req) => {
    const name = req.url.replace('http://test/v/', '');
    requests.push(name);
    const status = options.status?.[name]?.shift();
    if (status) throw loadError(req, `HTTP ${status}`, status);
    const hold = waiting.get(name);
    if (hold) {
      await Promise.race([
        hold,
        new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(abortError()))),
      ]);
    }
    const text = (s: string) => new TextEncoder().encode(s);
    if (name === 'master.m3u8') return text(MASTER);
    if (name === 'lirn/media.m3u8') {
      const full = lirnMediaPlaylist(video);
      const fetches = requests.filter((r) => r === name).length;
      if (fetches >= (options.growUntil ?? 0)) return text(full);
      return text(
        full
          .slice(0, full.indexOf('#EXT-X-MAP:URI="init-1.mp4"'))
          .replace('#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-PLAYLIST-TYPE:EVENT'),
      );
    }
    const m = /^lirn\/(init|seg)-(\d+)\.(mp4|m4s)$/.exec(name);
    if (!m) throw loadError(req, 'HTTP 404', 404);
    return m[1] === 'init' ? video.inits[Number(m[2])] : video.segments[Number(m[2])].bytes;
  };
  const renderer = new FakeRenderer(options.unsupported ?? false);
  const canvas = { width: 0, height: 0, style: {}, clientWidth: 0, clientHeight: 0 };
  const player = new Player(
    {
      src: 'http://test/v/master.m3u8',
      canvas: canvas as unknown as HTMLCanvasElement,
      resolution: { mode: 'source' },
      frameRateFactor: options.factor ?? 1,
      recovery: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    },
    {
      createDecoder: () => new InlineDecoder(),
      requestGpu: async () => {
        if (options.gpu === false) {
          throw new PlayerError({
            type: ErrorTypes.RENDER_ERROR,
            details: ErrorDetails.WEBGPU_UNAVAILABLE,
            message: 'no navigator.gpu',
          });
        }
        return { description: 'fake' } as GpuHandle;
      },
      createRenderer: () => renderer as unknown as PlayerRenderer,
      fetcher,
      now: () => now,
      schedule: (tick) => pending.push(tick),
      // Retry and reload waits run on the fake clock.
      sleep: (ms) => new Promise((r) => sleepers.push({ at: now + ms, wake: () => r() })),
    },
  );
  const states: PlayerState[] = [];
  const errors: ErrorEventData[] = [];
  player.hub.on('stateChange', (e) => states.push(e.state));
  player.hub.on('error', (e) => errors.push(e));
  const settle = async () => {
    for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    player,
    renderer,
    canvas,
    states,
    errors,
    requests,
    run: async (ms) => {
      for (let t = 0; t < ms; t += 16) {
        await settle();
        now += 16;
        const due = sleepers.filter((x) => x.at <= now);
        sleepers = sleepers.filter((x) => x.at > now);
        for (const x of due) x.wake();
        const ticks = pending;
        pending = [];
        for (const tick of ticks) tick();
      }
      await settle();
    },
    release: (name) => holds.get(name)?.(),
  };
}

describe('Player (control logic, fake renderer)', () => {
  it('plays through every chunk to the end: frames in order, model switches, the source size', async () => {
    const s = setup();
    const switches: string[] = [];
    s.player.hub.on('modelSwitch', (e) => switches.push(e.to.replace('http://test/v/lirn/', '')));
    await s.player.load();
    await s.run(2300);
    expect(s.errors).toEqual([]);
    expect(s.player.state).toBe('ended');
    expect(s.states).toContain('playing');
    expect(switches).toEqual(['init-0.mp4', 'init-1.mp4', 'init-2.mp4']);
    const drawn = s.renderer.jobs.map((j) => j.a.model.chunk.firstFrame + j.a.t);
    expect(drawn[0]).toBe(0);
    expect(drawn.at(-1)).toBe(47);
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]).toBeGreaterThan(drawn[i - 1]);
    expect(s.canvas).toMatchObject({ width: 32, height: 24 });
    expect(s.player.getStats()).toMatchObject({
      width: 32,
      height: 24,
      sourceFps: 24,
      framesRendered: drawn.length,
    });
  });

  it('blends two models between chunks and draws interpolated frames at 2× the frame rate', async () => {
    const s = setup({ factor: 2 });
    await s.player.load();
    await s.run(2300);
    const times = s.renderer.jobs.map((j) => j.a.model.chunk.firstFrame + j.a.t + (j.b ? j.beta : 0));
    expect(times.some((t) => t % 1 === 0.5)).toBe(true);
    const blend = s.renderer.jobs.find((j) => j.b !== null);
    expect(blend).toBeDefined();
    expect(blend!.a.model.chunk.firstFrame + blend!.a.t).toBe(15);
    expect(blend!.b!.model.chunk.firstFrame + blend!.b!.t).toBe(16);
    expect(blend!.beta).toBe(0.5);
  });

  it('stalls (buffering) while a needed segment is loading and resumes when it arrives', async () => {
    const s = setup({ hold: ['lirn/seg-2.m4s'] });
    await s.player.load();
    await s.run(1200);
    expect(s.player.state).toBe('buffering');
    // Frame 16 (segment 2, at 2/3 s) is missing: the clock holds at the last frame before it.
    expect(s.player.currentTime).toBeLessThan(0.7);
    expect(s.player.currentTime).toBeGreaterThan(0.6);
    s.release('lirn/seg-2.m4s');
    await s.run(1600);
    expect(s.states.slice(-3)).toEqual(['buffering', 'playing', 'ended']);
  });

  it('skips a segment it cannot load and jumps the gap', async () => {
    const s = setup({ status: { 'lirn/seg-3.m4s': [404] } });
    await s.player.load();
    await s.run(2300);
    expect(s.errors.map((e) => `${e.details}:${e.action}:${e.fatal}`)).toEqual(['fragLoadError:skip:false']);
    const drawn = s.renderer.jobs.map((j) => j.a.model.chunk.firstFrame + j.a.t);
    expect(drawn.some((t) => t >= 24 && t < 32)).toBe(false);
    expect(drawn.at(-1)).toBe(47);
    expect(s.player.state).toBe('ended');
  });

  it('switches to the fallback rendition without WebGPU, or for a model the GPU cannot draw', async () => {
    for (const opts of [{ gpu: false }, { unsupported: true }]) {
      const s = setup(opts);
      const fallback = s.player.hub.next('fallback');
      await s.player.load();
      await s.run(200);
      const f = await fallback;
      expect(f.variant?.codecs).toEqual(['avc1.64000a']);
      expect(f.variant?.url).toBe('http://test/v/h264/media.m3u8');
      expect(s.player.state).toBe('fallback');
      expect(s.errors.map((e) => [e.details, e.action, e.fatal])).toEqual([
        [opts.gpu === false ? 'webgpuUnavailable' : 'modelUnsupported', 'fallback', true],
      ]);
    }
  });

  it('retries the playlist with backoff and stops (fatal) when it never comes', async () => {
    const s = setup({ status: { 'master.m3u8': [503, 503, 503] } });
    await s.player.load();
    expect(s.errors.map((e) => `${e.details}:${e.action}`)).toEqual([
      'manifestLoadError:retry',
      'manifestLoadError:retry',
      'manifestLoadError:stop',
    ]);
    await s.run(50);
    expect(s.player.state).toBe('error');
    expect(s.player.error?.fatal).toBe(true);
  });

  it('waits at the edge of a growing playlist and plays on when it gets longer', async () => {
    const s = setup({ growUntil: 3 });
    await s.player.load();
    await s.run(1000);
    // Chunk 0 (16 frames, 2/3 s) is all the playlist lists so far.
    expect(s.player.duration).toBeCloseTo(2 / 3, 4);
    expect(s.player.state).toBe('buffering');
    // Reloads every target duration (1 s); the third fetch lists every chunk.
    await s.run(2600);
    expect(s.player.duration).toBeCloseTo(2, 5);
    expect(s.states).toEqual(['loading', 'playing', 'buffering', 'playing', 'ended']);
    expect(s.renderer.jobs.at(-1)!.a.model.chunk.firstFrame).toBe(32);
  });

  it('seeks: the loader moves its window, the next frame drawn is at the target', async () => {
    const s = setup();
    await s.player.load();
    await s.run(200);
    s.player.pause();
    s.player.seek(40 / 24);
    await s.run(100);
    const last = s.renderer.jobs.at(-1)!;
    expect(last.a.model.chunk.firstFrame + last.a.t).toBe(40);
    expect(s.player.state).toBe('paused');
  });
});
