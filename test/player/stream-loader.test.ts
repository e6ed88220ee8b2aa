import { describe, expect, it } from 'vitest';
import { type ErrorDetail, ErrorDetails, type PlayerError } from '../../player/src/core/errors.js';
import { EventHub } from '../../player/src/core/events.js';
import { decideRecovery, type RecoveryAction } from '../../player/src/core/recovery.js';
import { InlineDecoder } from '../../player/src/decode/decoder-client.js';
import type { DecodedChunk, DecodedLatents } from '../../player/src/decode/types.js';
import { abortError, type Fetcher, loadError } from '../../player/src/loader/fetcher.js';
import { parseMediaPlaylist } from '../../player/src/loader/playlist.js';
import { type LoaderEvents, type LoaderSink, StreamLoader } from '../../player/src/loader/stream-loader.js';
import { decodeChunkModel } from '../../src/codec/decoder/chunk-model.js';
import { fixtureVideo, lirnMediaPlaylist } from './fixture-video.js';

const video = fixtureVideo();
const BASE = 'http://host/v/lirn/';
const playlist = parseMediaPlaylist(lirnMediaPlaylist(video), `${BASE}playlist.m3u8`);
const SEG = 1 / 3; // seconds per fixture segment (8 frames at 24 fps)

interface Harness {
  loader: StreamLoader;
  requests: string[];
  log: string[];
  errors: Array<{ details: ErrorDetail; attempt: number; action: RecoveryAction['kind'] }>;
  delays: number[];
  chunks: DecodedChunk[];
  latents: DecodedLatents[];
  hub: EventHub<LoaderEvents>;
}

/**
 * `failures[name]`: HTTP statuses (or 'corrupt') answered before the real bytes; `hold[name]`: a promise the
 * request waits for (to test aborts).
 */
function harness(
  options: {
    failures?: Record<string, Array<number | 'corrupt'>>;
    hold?: Record<string, Promise<void>>;
    window?: { maxAheadS: number; maxBehindS: number };
    stopOn?: ErrorDetail;
  } = {},
): Harness {
  const requests: string[] = [];
  const log: string[] = [];
  const errors: Harness['errors'] = [];
  const delays: number[] = [];
  const chunks: DecodedChunk[] = [];
  const latents: DecodedLatents[] = [];
  const fetcher: Fetcher = async (req) => {
    const name = req.url.slice(BASE.length);
    requests.push(name);
    const hold = options.hold?.[name];
    if (hold) {
      await Promise.race([
        hold,
        new Promise((_, reject) =>
          req.signal?.addEventListener('abort', () => reject(abortError()), { once: true }),
        ),
      ]);
    }
    const failure = options.failures?.[name]?.shift();
    const m = /^(init|seg)-(\d+)/.exec(name);
    if (!m) throw loadError(req, 'HTTP 404', 404);
    const bytes = m[1] === 'init' ? video.inits[Number(m[2])] : video.segments[Number(m[2])].bytes;
    if (failure === 'corrupt') return bytes.subarray(0, bytes.length - 5);
    if (failure !== undefined) throw loadError(req, `HTTP ${failure}`, failure);
    return bytes;
  };
  const sink: LoaderSink = {
    chunk: async (c) => {
      chunks.push(c);
      log.push(`chunk ${c.key.slice(BASE.length)}`);
    },
    latents: (l, seg) => {
      latents.push(l);
      log.push(`latents ${seg.index}`);
    },
    evict: (seg) => log.push(`evict ${seg.index}`),
    releaseChunk: (key) => log.push(`release ${key.slice(BASE.length)}`),
  };
  const hub = new EventHub<LoaderEvents>();
  hub.on('segmentSkipped', (e) => log.push(`skip ${e.segment.index}`));
  hub.on('loaderStopped', (e) => log.push(`stopped ${e.reason}`));
  const loader = new StreamLoader(
    playlist,
    {
      fetcher,
      decoder: new InlineDecoder(),
      sink,
      hub,
      handleError: (error: PlayerError, attempt) => {
        const action: RecoveryAction =
          error.details === options.stopOn ? { kind: 'stop' } : decideRecovery(error, attempt);
        errors.push({ details: error.details, attempt, action: action.kind });
        return action;
      },
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
    { window: options.window ?? { maxAheadS: 10, maxBehindS: 1 } },
  );
  return { loader, requests, log, errors, delays, chunks, latents, hub };
}

/** Waits until the loader has nothing left to do for its current playhead. */
async function settle(h: Harness): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5; ) {
    await new Promise((r) => setTimeout(r, 2));
    const n = h.log.length + h.requests.length;
    quiet = n === last ? quiet + 1 : 0;
    last = n;
  }
}

describe('StreamLoader', () => {
  it('fetches each chunk’s init before its segments, in playback order, and decodes the file’s latents', async () => {
    const h = harness();
    h.loader.start(0);
    await settle(h);
    expect(h.requests).toEqual([
      'init-0.mp4',
      'seg-0.m4s',
      'seg-1.m4s',
      'init-1.mp4',
      'seg-2.m4s',
      'seg-3.m4s',
      'init-2.mp4',
      'seg-4.m4s',
      'seg-5.m4s',
    ]);
    expect(h.chunks.map((c) => c.firstFrame)).toEqual([0, 16, 32]);
    for (const l of h.latents) {
      const k = video.file.chunks.findIndex(
        (c) => l.firstFrame >= c.firstFrame && l.firstFrame < c.firstFrame + c.frameCount,
      );
      const chunk = video.file.chunks[k];
      const ref = decodeChunkModel(
        chunk,
        video.file.segments.filter((s) => s.chunkIndex === k),
      ).params.get('latents')!.data;
      const dim = chunk.config.latent.dim;
      const row0 = l.firstFrame - chunk.firstFrame;
      expect(l.data).toEqual(ref.slice(row0 * dim, (row0 + l.rows) * dim));
    }
    h.loader.stop();
  });

  it('keeps a bounded window: loads only what is ahead, evicts what falls behind, releases unused chunks', async () => {
    const h = harness({ window: { maxAheadS: 0.5, maxBehindS: 0.1 } });
    h.loader.start(0);
    await settle(h);
    expect(h.requests).toEqual(['init-0.mp4', 'seg-0.m4s', 'seg-1.m4s']);
    h.loader.setPlayhead(3.4 * SEG);
    await settle(h);
    expect(h.log).toEqual([
      'chunk init-0.mp4',
      'latents 0',
      'latents 1',
      'evict 0',
      'evict 1',
      'release init-0.mp4',
      'chunk init-1.mp4',
      'latents 3',
      'chunk init-2.mp4',
      'latents 4',
    ]);
    expect(h.loader.segments.bufferedAhead(3.4 * SEG)).toBeCloseTo(1.6 * SEG, 4);
    // Seeking back loads chunk 0 again.
    h.loader.setPlayhead(0.1);
    await settle(h);
    expect(h.requests.slice(-3)).toEqual(['init-0.mp4', 'seg-0.m4s', 'seg-1.m4s']);
    h.loader.stop();
  });

  it('retries a failing segment with backoff as recovery says, then plays on', async () => {
    const h = harness({ failures: { 'seg-1.m4s': [503, 503] } });
    h.loader.start(0);
    await settle(h);
    expect(h.errors).toEqual([
      { details: ErrorDetails.FRAG_LOAD_ERROR, attempt: 0, action: 'retry' },
      { details: ErrorDetails.FRAG_LOAD_ERROR, attempt: 1, action: 'retry' },
    ]);
    expect(h.delays).toEqual([250, 500]);
    expect(h.latents.map((l) => l.firstFrame)).toEqual([0, 8, 16, 24, 32, 40]);
    h.loader.stop();
  });

  it('skips a missing or corrupt segment, and every segment of a chunk whose init fails', async () => {
    const h = harness({ failures: { 'seg-1.m4s': [404], 'seg-4.m4s': ['corrupt'], 'init-1.mp4': [410] } });
    h.loader.start(0);
    await settle(h);
    expect(h.errors.map((e) => `${e.details}:${e.action}`)).toEqual([
      'fragLoadError:skip',
      'initLoadError:skip',
      'fragParsingError:skip',
    ]);
    expect(h.log.filter((l) => l.startsWith('skip'))).toEqual(['skip 1', 'skip 2', 'skip 3', 'skip 4']);
    expect(h.latents.map((l) => l.firstFrame)).toEqual([0, 40]);
    expect(h.loader.segments.skippedRangeAt(0.5)).toEqual(
      [SEG, 5 * SEG].map((x) => expect.closeTo(x, 5)) as never,
    );
    h.loader.stop();
  });

  it('aborts the request in flight when a seek leaves it outside the window', async () => {
    let release: () => void = () => {};
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const h = harness({ hold: { 'seg-1.m4s': hold }, window: { maxAheadS: 0.5, maxBehindS: 0 } });
    h.loader.start(0);
    await settle(h);
    expect(h.requests).toEqual(['init-0.mp4', 'seg-0.m4s', 'seg-1.m4s']);
    h.loader.setPlayhead(5 * SEG);
    await settle(h);
    release();
    expect(h.errors).toEqual([]);
    expect(h.requests.slice(3)).toEqual(['init-2.mp4', 'seg-5.m4s']);
    expect(h.loader.segments.state(1)).toBe('empty');
    h.loader.stop();
  });

  it('stops when recovery says stop', async () => {
    const h = harness({ failures: { 'seg-0.m4s': [500] }, stopOn: ErrorDetails.FRAG_LOAD_ERROR });
    h.loader.start(0);
    await settle(h);
    expect(h.log).toContain('stopped recovery: stop');
    expect(h.loader.isStopped).toBe(true);
    expect(h.requests).toEqual(['init-0.mp4', 'seg-0.m4s']);
  });

  it('appends segments of a reloaded (growing) playlist and keeps the states of known ones', async () => {
    const first = parseMediaPlaylist(
      lirnMediaPlaylist(video)
        .split('seg-2.m4s')[0]
        .replace(/#EXTINF:[^\n]*\n$/, '')
        .replace('#EXT-X-PLAYLIST-TYPE:VOD\n', ''),
      `${BASE}playlist.m3u8`,
    );
    expect(first.segments).toHaveLength(2);
    expect(first.ended).toBe(false);
    const h = harness();
    const loader = new StreamLoader(first, {
      fetcher: async () => new Uint8Array(),
      decoder: new InlineDecoder(),
      sink: {
        chunk: async () => undefined,
        latents: () => undefined,
        evict: () => undefined,
        releaseChunk: () => undefined,
      },
      hub: h.hub,
      handleError: () => ({ kind: 'skip' }),
    });
    loader.segments.set(0, 'ready');
    loader.applyPlaylist(playlist);
    expect(loader.segments.segments).toHaveLength(6);
    expect(loader.segments.state(0)).toBe('ready');
    expect(loader.segments.segments[5].index).toBe(5);
  });
});
