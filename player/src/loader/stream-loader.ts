/**
 * Fetches and decodes the pieces of one Latent-INR rendition ahead of the playhead: each chunk's init segment
 * (its model) before that chunk's media segments (latents), within the SegmentBuffer's window, one request at a
 * time in playback order. Decoded data goes to a `LoaderSink` (the controller uploads it to the GPU); failures
 * go to the one recovery decision (`handleError`) and the loader does what it answers.
 */
import { ErrorDetails, ErrorTypes, PlayerError, toPlayerError } from '../core/errors.js';
import type { Emitter } from '../core/events.js';
import type { RecoveryAction } from '../core/recovery.js';
import { DecodeFailure } from '../decode/decoder-client.js';
import type { DecodedChunk, DecodedLatents, SegmentDecoder } from '../decode/types.js';
import { abortError, type Fetcher, type FetchRequest, fetchText, isAbortError } from './fetcher.js';
import { type InitRef, type MediaPlaylist, parseMediaPlaylist, type SegmentRef } from './playlist.js';
import { type BufferWindow, DEFAULT_BUFFER_WINDOW, SegmentBuffer } from './segment-buffer.js';

export interface LoaderSink {
  /** A chunk's model is decoded; resolve once it can take latents. */
  chunk(chunk: DecodedChunk): Promise<void>;
  latents(latents: DecodedLatents, segment: SegmentRef): void;
  /** Segment rows left the buffer. */
  evict(segment: SegmentRef, latents: { key: string; firstFrame: number; rows: number }): void;
  /** No segment in the window needs this chunk any more. */
  releaseChunk(key: string): void;
}

export interface LoaderEvents {
  initLoaded: { init: InitRef; bytes: number; loadMs: number; chunk: DecodedChunk };
  segmentLoaded: { segment: SegmentRef; bytes: number; loadMs: number; latents: DecodedLatents };
  segmentSkipped: { segment: SegmentRef };
  segmentEvicted: { segment: SegmentRef };
  chunkReleased: { key: string };
  playlistUpdated: { playlist: MediaPlaylist };
  loaderStopped: { reason: string };
}

export interface LoaderOptions {
  window: BufferWindow;
  fragTimeoutMs: number;
  maxSegmentBytes: number;
  maxInitBytes: number;
}

export const DEFAULT_LOADER_OPTIONS: LoaderOptions = {
  window: DEFAULT_BUFFER_WINDOW,
  fragTimeoutMs: 10_000,
  maxSegmentBytes: 16 << 20,
  maxInitBytes: 256 << 20,
};

export interface LoaderDeps {
  fetcher: Fetcher;
  decoder: SegmentDecoder;
  sink: LoaderSink;
  hub: Emitter<LoaderEvents>;
  /** The central recovery decision: emits the error and says what to do (see core/recovery.ts). */
  handleError: (error: PlayerError, attempt: number) => RecoveryAction;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

type ChunkState = 'empty' | 'loading' | 'ready' | 'skipped';

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class StreamLoader {
  private playlist: MediaPlaylist;
  private buffer: SegmentBuffer;
  private readonly options: LoaderOptions;
  private readonly chunkStates = new Map<string, ChunkState>();
  private readonly decoded = new Map<number, { key: string; firstFrame: number; rows: number }>();
  private playhead = 0;
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** The in-flight request and what it is for, so a seek can abort it. */
  private inflight: { controller: AbortController; segment?: number; init?: string } | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly lifetime = new AbortController();
  /** Resolves when the loop exits. */
  done: Promise<void> = Promise.resolve();

  constructor(
    playlist: MediaPlaylist,
    private readonly deps: LoaderDeps,
    options: Partial<LoaderOptions> = {},
  ) {
    this.options = { ...DEFAULT_LOADER_OPTIONS, ...options };
    this.playlist = playlist;
    this.buffer = new SegmentBuffer(playlist.segments, this.options.window);
    for (const init of playlist.inits) this.chunkStates.set(init.key, 'empty');
    this.now = deps.now ?? (() => performance.now());
    this.sleep = deps.sleep ?? defaultSleep;
  }

  get segments(): SegmentBuffer {
    return this.buffer;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  start(playhead = 0): void {
    if (this.running || this.stopped) return;
    this.playhead = playhead;
    this.running = true;
    this.done = this.loop().finally(() => {
      this.running = false;
    });
  }

  /** Moves the window; aborts a request that no longer falls inside it. */
  setPlayhead(seconds: number): void {
    this.playhead = seconds;
    const f = this.inflight;
    if (f && f.segment !== undefined && !this.buffer.inWindow(f.segment, seconds)) f.controller.abort();
    if (f && f.init !== undefined && !this.buffer.neededInits(seconds).has(f.init)) f.controller.abort();
    this.wake?.();
  }

  stop(reason = 'stopped'): void {
    if (this.stopped) return;
    this.stopped = true;
    this.lifetime.abort();
    this.inflight?.controller.abort();
    this.wake?.();
    this.deps.hub.emit('loaderStopped', { reason });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.evict();
      const next = this.buffer.nextToLoad(this.playhead);
      if (next >= 0) {
        const seg = this.buffer.segments[next];
        const chunk = this.chunkStates.get(seg.init.key);
        if (chunk === 'skipped') {
          this.skipSegment(next);
          continue;
        }
        if (chunk !== 'ready') {
          await this.loadInit(seg.init);
          continue;
        }
        await this.loadSegment(next);
        continue;
      }
      if (!this.playlist.ended && this.buffer.indexAt(this.playhead) >= this.buffer.segments.length - 2) {
        await this.refreshPlaylist();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  private evict(): void {
    for (const i of this.buffer.evictable(this.playhead)) {
      this.buffer.set(i, 'empty');
      const info = this.decoded.get(i);
      this.decoded.delete(i);
      const seg = this.buffer.segments[i];
      if (info) this.deps.sink.evict(seg, info);
      this.deps.hub.emit('segmentEvicted', { segment: seg });
    }
    const needed = this.buffer.neededInits(this.playhead);
    for (const [key, state] of this.chunkStates) {
      if (state !== 'ready' || needed.has(key)) continue;
      if ([...this.decoded.values()].some((d) => d.key === key)) continue;
      this.chunkStates.set(key, 'empty');
      this.deps.decoder.release(key);
      this.deps.sink.releaseChunk(key);
      this.deps.hub.emit('chunkReleased', { key });
    }
  }

  private skipSegment(index: number): void {
    this.buffer.set(index, 'skipped');
    this.deps.hub.emit('segmentSkipped', { segment: this.buffer.segments[index] });
  }

  /**
   * Runs `attemptOnce` until it succeeds, retrying as recovery says. Returns the value, or 'skip' / 'stop' /
   * 'aborted'.
   */
  private async withRecovery<T>(
    attemptOnce: (signal: AbortSignal) => Promise<T>,
    toError: (error: unknown) => PlayerError,
    target: { segment?: number; init?: string },
  ): Promise<T | 'skip' | 'stop' | 'aborted'> {
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      this.inflight = { controller, ...target };
      try {
        return await attemptOnce(controller.signal);
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) return this.stopped ? 'stop' : 'aborted';
        const action = this.deps.handleError(toError(error), attempt);
        if (action.kind === 'retry') {
          try {
            await this.sleep(action.delayMs, controller.signal);
          } catch {
            return this.stopped ? 'stop' : 'aborted';
          }
          continue;
        }
        if (action.kind === 'skip') return 'skip';
        this.stop(`recovery: ${action.kind}`);
        return 'stop';
      } finally {
        if (this.inflight?.controller === controller) this.inflight = null;
      }
    }
  }

  private request(
    kind: 'init' | 'fragment',
    url: string,
    signal: AbortSignal,
    extra: Partial<FetchRequest>,
  ): Promise<Uint8Array> {
    return this.deps.fetcher({
      kind,
      url,
      timeoutMs: this.options.fragTimeoutMs,
      maxBytes: kind === 'init' ? this.options.maxInitBytes : this.options.maxSegmentBytes,
      signal,
      ...extra,
    });
  }

  private async loadInit(init: InitRef): Promise<void> {
    this.chunkStates.set(init.key, 'loading');
    let bytes = 0;
    const t0 = this.now();
    const result = await this.withRecovery(
      async (signal) => {
        const data = await this.request(
          'init',
          init.url,
          signal,
          init.byteRange ? { byteRange: init.byteRange } : {},
        );
        bytes = data.byteLength;
        const chunk = await this.deps.decoder.decodeInit(init.key, data);
        if (signal.aborted) throw abortError();
        await this.deps.sink.chunk(chunk);
        return chunk;
      },
      (error) =>
        error instanceof DecodeFailure
          ? new PlayerError({
              type: ErrorTypes.MEDIA_ERROR,
              details: ErrorDetails.INIT_PARSING_ERROR,
              message: `init segment ${init.url}: ${error.message}`,
              url: init.url,
              cause: error,
            })
          : toPlayerError(error, ErrorTypes.OTHER_ERROR, ErrorDetails.INTERNAL_ERROR, { url: init.url }),
      { init: init.key },
    );
    if (result === 'aborted' || result === 'stop') {
      if (this.chunkStates.get(init.key) === 'loading') this.chunkStates.set(init.key, 'empty');
      return;
    }
    if (result === 'skip') {
      this.chunkStates.set(init.key, 'skipped');
      return;
    }
    this.chunkStates.set(init.key, 'ready');
    this.deps.hub.emit('initLoaded', { init, bytes, loadMs: this.now() - t0, chunk: result });
  }

  private async loadSegment(index: number): Promise<void> {
    const seg = this.buffer.segments[index];
    this.buffer.set(index, 'loading');
    let bytes = 0;
    const t0 = this.now();
    const result = await this.withRecovery(
      async (signal) => {
        const data = await this.request('fragment', seg.url, signal, {
          sn: seg.sn,
          ...(seg.byteRange ? { byteRange: seg.byteRange } : {}),
        });
        bytes = data.byteLength;
        const latents = await this.deps.decoder.decodeSegment(seg.init.key, data);
        if (signal.aborted) throw abortError();
        return latents;
      },
      (error) =>
        error instanceof DecodeFailure
          ? new PlayerError({
              type: ErrorTypes.MEDIA_ERROR,
              details: ErrorDetails.FRAG_PARSING_ERROR,
              message: `segment ${seg.sn} (${seg.url}): ${error.message}`,
              url: seg.url,
              sn: seg.sn,
              cause: error,
            })
          : toPlayerError(error, ErrorTypes.OTHER_ERROR, ErrorDetails.INTERNAL_ERROR, {
              url: seg.url,
              sn: seg.sn,
            }),
      { segment: index },
    );
    if (result === 'aborted' || result === 'stop') {
      if (this.buffer.state(index) === 'loading') this.buffer.set(index, 'empty');
      return;
    }
    if (result === 'skip') {
      this.skipSegment(index);
      return;
    }
    if (this.chunkStates.get(seg.init.key) !== 'ready') {
      // The chunk was released while this segment loaded: drop it, the loop fetches both again if needed.
      this.buffer.set(index, 'empty');
      return;
    }
    this.buffer.set(index, 'ready');
    this.decoded.set(index, { key: result.key, firstFrame: result.firstFrame, rows: result.rows });
    this.deps.sink.latents(result, seg);
    this.deps.hub.emit('segmentLoaded', { segment: seg, bytes, loadMs: this.now() - t0, latents: result });
  }

  /** Growing (EVENT) playlists: fetch again after a target duration and append the new segments. */
  private async refreshPlaylist(): Promise<void> {
    const url = this.playlist.url;
    const result = await this.withRecovery(
      async (signal) => {
        await this.sleep(Math.max(500, this.playlist.targetDuration * 1000), signal);
        const text = await fetchText(this.deps.fetcher, {
          kind: 'level',
          url,
          timeoutMs: this.options.fragTimeoutMs,
          maxBytes: 8 << 20,
          signal,
        });
        return parseMediaPlaylist(text, url);
      },
      (error) => toPlayerError(error, ErrorTypes.NETWORK_ERROR, ErrorDetails.LEVEL_LOAD_ERROR, { url }),
      {},
    );
    if (typeof result === 'string') return;
    this.applyPlaylist(result);
  }

  /** Adopts a reloaded playlist: segments already known keep their state, new ones are appended. */
  applyPlaylist(next: MediaPlaylist): void {
    const known = this.playlist.segments.length;
    const lastSn = known > 0 ? this.playlist.segments[known - 1].sn : -1;
    const added = next.segments.filter((s) => s.sn > lastSn).map((s, k) => ({ ...s, index: known + k }));
    const segments = [...this.playlist.segments, ...added];
    const states = segments.map((_, i) => (i < known ? this.buffer.state(i) : 'empty'));
    this.playlist = {
      ...next,
      segments,
      inits: [...new Map(segments.map((s) => [s.init.key, s.init])).values()],
    };
    this.buffer = new SegmentBuffer(segments, this.options.window);
    for (let i = 0; i < states.length; i++) this.buffer.set(i, states[i]);
    for (const init of this.playlist.inits)
      if (!this.chunkStates.has(init.key)) this.chunkStates.set(init.key, 'empty');
    this.deps.hub.emit('playlistUpdated', { playlist: this.playlist });
  }
}
