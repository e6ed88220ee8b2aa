/**
 * The Latent-INR player: multivariant playlist → Latent-INR rendition → StreamLoader (init + latent segments,
 * decoded in a worker) → GPU models on a Timeline → frames rendered at the chosen size and frame rate, paced by
 * the PlaybackClock. Errors from every stage go through `handleError`, the single recovery decision; WebGPU
 * missing (or a model it cannot draw) switches to the H.264 rendition through hls.js.
 */
import { ErrorDetails, ErrorTypes, PlayerError, toPlayerError } from '../core/errors.js';
import { EventHub } from '../core/events.js';
import {
  DEFAULT_RECOVERY_POLICY,
  decideRecovery,
  type RecoveryAction,
  type RecoveryPolicy,
} from '../core/recovery.js';
import type { DecodedChunk, SegmentDecoder } from '../decode/types.js';
import { createHttpFetcher, type Fetcher, fetchText } from '../loader/fetcher.js';
import {
  type MediaPlaylist,
  type Multivariant,
  parseMediaPlaylist,
  parseMultivariant,
  type Variant,
} from '../loader/playlist.js';
import { type BufferWindow, DEFAULT_BUFFER_WINDOW } from '../loader/segment-buffer.js';
import { type LoaderEvents, type LoaderSink, StreamLoader } from '../loader/stream-loader.js';
import type { GpuHandle } from '../render/gpu-device.js';
import { GpuRenderer } from '../render/gpu-renderer.js';
import { frameTimeAt, PlaybackClock } from './clock.js';
import type { PlayerRenderer, PlayerRendererFactory, RenderJob, RenderModel } from './renderer-port.js';
import { type ResolutionChoice, renderSize, type Size } from './resolution.js';
import { type PlayerStats, StatsTracker } from './stats.js';
import { type FramePlan, Timeline } from './timeline.js';

export type PlayerState =
  | 'idle'
  | 'loading'
  | 'paused'
  | 'playing'
  | 'buffering'
  | 'ended'
  | 'fallback'
  | 'error';

export interface ErrorEventData {
  type: PlayerError['type'];
  details: PlayerError['details'];
  fatal: boolean;
  action: RecoveryAction['kind'];
  error: PlayerError;
}

export interface PlayerEvents extends LoaderEvents {
  stateChange: { state: PlayerState; previous: PlayerState };
  manifestParsed: { multivariant: Multivariant; variant: Variant | null };
  levelLoaded: { playlist: MediaPlaylist };
  modelReady: { key: string; firstFrame: number; frameCount: number; chunk: DecodedChunk };
  /** The model drawing the picture changed (a chunk boundary was crossed, or a seek landed elsewhere). */
  modelSwitch: { from: string | null; to: string; t: number };
  frameRendered: { t: number; width: number; height: number; gpuMs: number; blended: boolean; key: string };
  seeking: { time: number };
  seeked: { time: number };
  resize: Size;
  stats: PlayerStats;
  error: ErrorEventData;
  /** Switching to the H.264 rendition; `variant` is null when the playlist has none. */
  fallback: { reason: PlayerError; variant: Variant | null; multivariant: Multivariant | null };
}

export interface PlayerDeps {
  /** Creates the decode stage (a Worker in the browser). */
  createDecoder: () => SegmentDecoder;
  /** Acquires the GPU (rejects with webgpuUnavailable). */
  requestGpu: () => Promise<GpuHandle>;
  /** Makes the renderer for a device (the WebGPU renderer by default). */
  createRenderer?: PlayerRendererFactory;
  fetcher?: Fetcher;
  now?: () => number;
  /** Waits between retries and playlist reloads (timers by default). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Schedules the next tick (requestAnimationFrame in the page). */
  schedule?: (tick: () => void) => void;
}

export interface PlayerOptions {
  src: string;
  canvas: HTMLCanvasElement;
  resolution?: ResolutionChoice;
  /** Output frames per source frame (interpolated); 0 renders at every display refresh. */
  frameRateFactor?: number;
  autoplay?: boolean;
  window?: BufferWindow;
  recovery?: RecoveryPolicy;
  manifestTimeoutMs?: number;
}

interface Pipeline {
  renderer: PlayerRenderer;
  decoder: SegmentDecoder;
  loader: StreamLoader;
  timeline: Timeline<RenderModel>;
}

export class Player {
  readonly hub = new EventHub<PlayerEvents>();
  private stateValue: PlayerState = 'idle';
  private multivariant: Multivariant | null = null;
  private variant: Variant | null = null;
  private playlist: MediaPlaylist | null = null;
  private pipeline: Pipeline | null = null;
  private gpu: GpuHandle | null = null;
  private readonly clock: PlaybackClock;
  private readonly stats: StatsTracker;
  private readonly fetcher: Fetcher;
  private readonly now: () => number;
  private readonly schedule: (tick: () => void) => void;
  private resolution: ResolutionChoice;
  private factor: number;
  private readonly policy: RecoveryPolicy;
  private fps = 0;
  private totalFrames = 0;
  private source: Size = { width: 0, height: 0 };
  private canvasPixels: Size = { width: 0, height: 0 };
  private size: Size = { width: 0, height: 0 };
  private lastDrawn: { t: number; width: number; height: number } | null = null;
  private drawing = false;
  private lastKey: string | null = null;
  /** Pipeline restarts so far (the recovery attempt count for device losses and worker deaths). */
  private restarts = 0;
  private restarting = false;
  private framesSinceRestart = 0;
  private wantPlay: boolean;
  private destroyed = false;
  private lastStatsAt = 0;
  private resizeObserver: ResizeObserver | null = null;
  private fatalError: PlayerError | null = null;

  constructor(
    private readonly options: PlayerOptions,
    private readonly deps: PlayerDeps,
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.schedule = deps.schedule ?? ((tick) => requestAnimationFrame(() => tick()));
    this.clock = new PlaybackClock(0, this.now);
    this.stats = new StatsTracker(this.now);
    this.fetcher = deps.fetcher ?? createHttpFetcher();
    this.resolution = options.resolution ?? { mode: 'auto' };
    this.factor = options.frameRateFactor ?? 1;
    this.policy = options.recovery ?? DEFAULT_RECOVERY_POLICY;
    this.wantPlay = options.autoplay ?? true;
    // Model weights are part of what the stream costs: init bytes count towards the measured bitrate too.
    this.hub.on('segmentLoaded', (e) => this.stats.segment(e.bytes, e.segment.duration));
    this.hub.on('initLoaded', (e) => this.stats.segment(e.bytes, 0));
    // A growing playlist got longer (or ended): the clock may run further.
    this.hub.on('playlistUpdated', ({ playlist }) => {
      this.playlist = playlist;
      const exact = this.fps > 0 ? this.totalFrames / this.fps : 0;
      this.clock.setDuration(playlist.ended && exact > 0 ? exact : playlist.duration);
      if (this.stateValue === 'buffering' && !this.clock.ended)
        this.setState(this.clock.isPlaying ? 'playing' : 'paused');
    });
  }

  get state(): PlayerState {
    return this.stateValue;
  }

  get currentTime(): number {
    return this.clock.time;
  }

  get duration(): number {
    return this.clock.totalDuration;
  }

  /** Source frames per second, and frames in the whole video (0 until the first init segment is decoded). */
  get frameRate(): number {
    return this.fps;
  }

  get frameCount(): number {
    return this.totalFrames;
  }

  get renderSizeNow(): Size {
    return { ...this.size };
  }

  get resolutionChoice(): ResolutionChoice {
    return this.resolution;
  }

  get frameRateFactor(): number {
    return this.factor;
  }

  get rendition(): Variant | null {
    return this.variant;
  }

  get sourceSize(): Size {
    return { ...this.source };
  }

  private setState(state: PlayerState): void {
    if (state === this.stateValue) return;
    const previous = this.stateValue;
    this.stateValue = state;
    this.hub.emit('stateChange', { state, previous });
  }

  /**
   * The single recovery decision: emits the error with its verdict, then applies the player-wide verdicts
   * (fallback, stop, and restarting the whole pipeline after a lost GPU device or a dead decode worker).
   */
  handleError(error: PlayerError, attempt: number): RecoveryAction {
    const restartable =
      error.details === ErrorDetails.GPU_DEVICE_LOST || error.details === ErrorDetails.WORKER_ERROR;
    const action = decideRecovery(error, restartable ? this.restarts : attempt, this.policy);
    this.hub.emit('error', {
      type: error.type,
      details: error.details,
      fatal: error.fatal,
      action: action.kind,
      error,
    });
    if (action.kind === 'fallback') queueMicrotask(() => this.startFallback(error));
    else if (action.kind === 'stop' && error.fatal) queueMicrotask(() => this.fail(error));
    else if (action.kind === 'retry' && restartable) this.restartPipeline(action.delayMs);
    return action;
  }

  async load(): Promise<void> {
    this.setState('loading');
    const url = new URL(this.options.src, globalThis.location?.href ?? 'http://localhost/').href;
    const gpu = this.deps.requestGpu().then(
      (g) => g,
      (e: unknown) => toPlayerError(e, ErrorTypes.RENDER_ERROR, ErrorDetails.WEBGPU_UNAVAILABLE),
    );
    const multivariant = await this.retrying(
      async () => parseMultivariant(await this.fetchPlaylist('manifest', url), url),
      (e) => toPlayerError(e, ErrorTypes.NETWORK_ERROR, ErrorDetails.MANIFEST_LOAD_ERROR, { url }),
    );
    if (!multivariant) return;
    this.multivariant = multivariant;
    this.variant = multivariant.lirn[0] ?? null;
    this.hub.emit('manifestParsed', { multivariant, variant: this.variant });
    const gpuResult = await gpu;
    if (gpuResult instanceof PlayerError) {
      this.handleError(gpuResult, 0);
      return;
    }
    this.gpu = gpuResult;
    if (!this.variant) {
      this.handleError(
        new PlayerError({
          type: ErrorTypes.MEDIA_ERROR,
          details: ErrorDetails.MANIFEST_INCOMPATIBLE,
          message: `${url} has no Latent-INR rendition (CODECS="lirn")`,
          url,
        }),
        0,
      );
      return;
    }
    const variantUrl = this.variant.url;
    const playlist = await this.retrying(
      async () => parseMediaPlaylist(await this.fetchPlaylist('level', variantUrl), variantUrl),
      (e) => toPlayerError(e, ErrorTypes.NETWORK_ERROR, ErrorDetails.LEVEL_LOAD_ERROR, { url: variantUrl }),
    );
    if (!playlist) return;
    this.playlist = playlist;
    this.clock.setDuration(playlist.duration);
    this.hub.emit('levelLoaded', { playlist });
    this.startPipeline(0);
    if (this.wantPlay) this.play();
    else this.setState('paused');
    this.observeCanvas();
    this.schedule(() => this.tick());
  }

  private async fetchPlaylist(kind: 'manifest' | 'level', url: string): Promise<string> {
    return fetchText(this.fetcher, {
      kind,
      url,
      timeoutMs: this.options.manifestTimeoutMs ?? 10_000,
      maxBytes: 8 << 20,
    });
  }

  /** Runs `op` with the recovery decision's retries; null when it gave up (the error was handled). */
  private async retrying<T>(op: () => Promise<T>, toError: (e: unknown) => PlayerError): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        const action = this.handleError(toError(e), attempt);
        if (action.kind !== 'retry') return null;
        await new Promise((r) => setTimeout(r, action.delayMs));
        if (this.destroyed) return null;
      }
    }
  }

  private startPipeline(startTime: number): void {
    if (!this.gpu || !this.playlist) return;
    const create: PlayerRendererFactory = this.deps.createRenderer ?? ((...a) => new GpuRenderer(...a));
    const renderer = create(
      this.gpu,
      (error) => this.handleError(error, 0),
      (error) => this.handleError(error, 0),
    );
    renderer.attachCanvas(this.options.canvas);
    const decoder = this.deps.createDecoder();
    const timeline = new Timeline<RenderModel>();
    const sink: LoaderSink = {
      chunk: async (chunk) => {
        const model = await renderer.createModel(chunk);
        if (this.pipeline?.renderer !== renderer) {
          renderer.releaseModel(model);
          return;
        }
        timeline.addChunk(chunk.key, chunk.firstFrame, chunk.frameCount, model);
        this.adoptHeader(chunk);
        this.hub.emit('modelReady', {
          key: chunk.key,
          firstFrame: chunk.firstFrame,
          frameCount: chunk.frameCount,
          chunk,
        });
      },
      latents: (latents) => {
        const c = timeline.get(latents.key);
        if (!c) return;
        c.model.writeLatents(latents.firstFrame - c.firstFrame, latents.data);
        timeline.setRows(latents.key, latents.firstFrame, latents.rows, true);
      },
      evict: (_segment, info) => timeline.setRows(info.key, info.firstFrame, info.rows, false),
      releaseChunk: (key) => {
        const c = timeline.removeChunk(key);
        if (c) renderer.releaseModel(c.model);
      },
    };
    const loader = new StreamLoader(
      this.playlist,
      {
        fetcher: this.fetcher,
        decoder,
        sink,
        hub: this.hub,
        handleError: (e, attempt) => this.handleError(e, attempt),
        now: this.now,
        ...(this.deps.sleep ? { sleep: this.deps.sleep } : {}),
      },
      { window: this.options.window ?? DEFAULT_BUFFER_WINDOW },
    );
    this.pipeline = { renderer, decoder, loader, timeline };
    loader.start(startTime);
  }

  private stopPipeline(): void {
    const p = this.pipeline;
    if (!p) return;
    this.pipeline = null;
    p.loader.stop('pipeline stopped');
    p.decoder.dispose();
    p.renderer.destroy();
    this.lastDrawn = null;
    this.lastKey = null;
  }

  private adoptHeader(chunk: DecodedChunk): void {
    if (this.fps > 0) return;
    this.fps = chunk.fps;
    this.totalFrames = chunk.totalFrames;
    this.source = { width: chunk.displayWidth, height: chunk.displayHeight };
    const exact = chunk.totalFrames / chunk.fps;
    if (Number.isFinite(exact) && exact > 0 && this.playlist?.ended) this.clock.setDuration(exact);
    this.options.canvas.style.aspectRatio = `${chunk.displayWidth} / ${chunk.displayHeight}`;
  }

  /** After a lost device or a dead worker: a new device, worker and loader, playing on from the current time. */
  private restartPipeline(delayMs: number): void {
    if (this.restarting) return;
    this.restarting = true;
    this.restarts++;
    this.framesSinceRestart = 0;
    const at = this.clock.time;
    // Off the caller's stack: the loader that reported the error is stopped here.
    queueMicrotask(() => this.stopPipeline());
    setTimeout(async () => {
      if (this.destroyed || this.stateValue === 'fallback' || this.stateValue === 'error') return;
      try {
        this.gpu = await this.deps.requestGpu();
        this.restarting = false;
        this.startPipeline(at);
      } catch (e) {
        this.restarting = false;
        this.handleError(toPlayerError(e, ErrorTypes.RENDER_ERROR, ErrorDetails.WEBGPU_UNAVAILABLE), 0);
      }
    }, delayMs);
  }

  private startFallback(reason: PlayerError): void {
    if (this.stateValue === 'fallback' || this.destroyed) return;
    this.stopPipeline();
    this.clock.pause();
    this.setState('fallback');
    this.hub.emit('fallback', {
      reason,
      variant: this.multivariant?.fallback[0] ?? null,
      multivariant: this.multivariant,
    });
  }

  private fail(error: PlayerError): void {
    this.fatalError = error;
    this.stopPipeline();
    this.clock.pause();
    this.setState('error');
  }

  /** The error that stopped playback, when state is 'error'. */
  get error(): PlayerError | null {
    return this.fatalError;
  }

  play(): void {
    this.wantPlay = true;
    if (!this.pipeline) return;
    if (this.clock.ended) this.seek(0);
    this.clock.play();
    this.setState(this.clock.isStalled ? 'buffering' : 'playing');
  }

  pause(): void {
    this.wantPlay = false;
    this.clock.pause();
    if (this.pipeline) this.setState('paused');
  }

  seek(seconds: number): void {
    if (!this.pipeline) return;
    this.hub.emit('seeking', { time: seconds });
    this.clock.seek(seconds);
    this.pipeline.loader.setPlayhead(this.clock.time);
    this.lastDrawn = null;
    this.hub.emit('seeked', { time: this.clock.time });
  }

  setResolution(choice: ResolutionChoice): void {
    this.resolution = choice;
    this.lastDrawn = null;
  }

  setFrameRateFactor(factor: number): void {
    if (!(factor >= 0 && factor <= 16))
      throw new RangeError(`frame rate factor must be in 0..16, got ${factor}`);
    this.factor = factor;
    this.lastDrawn = null;
  }

  private observeCanvas(): void {
    const canvas = this.options.canvas;
    const measure = (w: number, h: number) => {
      this.canvasPixels = { width: Math.round(w), height: Math.round(h) };
    };
    const dpr = globalThis.devicePixelRatio || 1;
    measure(canvas.clientWidth * dpr, canvas.clientHeight * dpr);
    if (typeof ResizeObserver === 'undefined') return;
    this.resizeObserver = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const box = entry.devicePixelContentBoxSize?.[0];
        if (box) measure(box.inlineSize, box.blockSize);
        else
          measure(
            entry.contentRect.width * (globalThis.devicePixelRatio || 1),
            entry.contentRect.height * (globalThis.devicePixelRatio || 1),
          );
      }
    });
    try {
      this.resizeObserver.observe(canvas, { box: 'device-pixel-content-box' });
    } catch {
      this.resizeObserver.observe(canvas);
    }
  }

  /** The frame time shown now. */
  frameTimeNow(): number {
    return frameTimeAt(this.clock.time, this.fps, this.totalFrames, this.factor);
  }

  private job(plan: FramePlan<RenderModel>): RenderJob | null {
    if (plan.kind !== 'frame') return null;
    return {
      a: { model: plan.a.chunk.model, t: plan.a.t },
      b: plan.b ? { model: plan.b.chunk.model, t: plan.b.t } : null,
      beta: plan.beta,
    };
  }

  private tick(): void {
    if (this.destroyed || this.stateValue === 'fallback' || this.stateValue === 'error') return;
    this.schedule(() => this.tick());
    const p = this.pipeline;
    if (!p) return;
    const time = this.clock.time;
    p.loader.setPlayhead(time);
    this.maybeEmitStats(p);
    if (this.fps <= 0) return;
    if (this.clock.isPlaying && this.clock.ended) {
      if (this.playlist?.ended === false) {
        // A growing (EVENT) playlist: wait at the edge for the next chunk instead of ending.
        this.setState('buffering');
      } else if (!this.drawing && this.lastDrawn?.t === this.frameTimeNow()) {
        // Ended only once the last frame is on screen: a frame dropped at the end is drawn first.
        this.clock.pause();
        this.wantPlay = false;
        this.setState('ended');
      }
    }
    const size = renderSize(this.resolution, this.source, this.canvasPixels);
    const t = this.frameTimeNow();
    const last = this.lastDrawn;
    if (last && last.t === t && last.width === size.width && last.height === size.height) return;
    const plan = p.timeline.plan(t);
    if (plan.kind === 'missing') {
      const gap = p.loader.segments.skippedRangeAt(time);
      if (gap) {
        // A skipped (unrecoverable) segment: jump over it, as hls.js does with gaps.
        this.clock.seek(gap[1] + 1e-6);
        return;
      }
      if (this.clock.isPlaying) {
        this.clock.setStalled(true);
        this.setState('buffering');
      }
      return;
    }
    if (this.clock.isStalled) {
      this.clock.setStalled(false);
      if (this.clock.isPlaying) this.setState('playing');
    }
    if (this.drawing) {
      this.stats.drop();
      return;
    }
    this.draw(p, plan, t, size);
  }

  private draw(p: Pipeline, plan: FramePlan<RenderModel>, t: number, size: Size): void {
    const job = this.job(plan);
    if (!job || plan.kind !== 'frame') return;
    const canvas = this.options.canvas;
    if (canvas.width !== size.width || canvas.height !== size.height) {
      canvas.width = size.width;
      canvas.height = size.height;
      this.hub.emit('resize', size);
    }
    this.size = size;
    const key = plan.a.chunk.key;
    if (key !== this.lastKey) {
      this.hub.emit('modelSwitch', { from: this.lastKey, to: key, t });
      this.lastKey = key;
    }
    this.drawing = true;
    this.lastDrawn = { t, ...size };
    p.renderer.renderToCanvas(job, size.width, size.height).then(
      (gpuMs) => {
        this.drawing = false;
        this.stats.frame(gpuMs);
        // A restart that has since drawn a good while was a recovery; later losses start the count again.
        if (++this.framesSinceRestart === 300) this.restarts = 0;
        this.hub.emit('frameRendered', { t, ...size, gpuMs, blended: job.b !== null && job.beta > 0, key });
      },
      (e: unknown) => {
        this.drawing = false;
        if (this.pipeline !== p) return;
        this.handleError(toPlayerError(e, ErrorTypes.RENDER_ERROR, ErrorDetails.FRAME_RENDER_ERROR), 0);
      },
    );
  }

  private maybeEmitStats(p: Pipeline): void {
    const now = this.now();
    if (now - this.lastStatsAt < 250) return;
    this.lastStatsAt = now;
    this.hub.emit('stats', this.statsNow(p));
  }

  private statsNow(p: Pipeline | null = this.pipeline): PlayerStats {
    return this.stats.snapshot({
      width: this.size.width,
      height: this.size.height,
      declaredKbps: (this.variant?.bandwidth ?? 0) / 1000,
      bufferedAheadS: p ? p.loader.segments.bufferedAhead(this.clock.time) : 0,
      sourceFps: this.fps,
      frameRateFactor: this.factor,
      adapter: this.gpu?.description ?? '',
    });
  }

  getStats(): PlayerStats {
    return this.statsNow();
  }

  /**
   * Renders global frame time `t` at width × height off-screen and reads the pixels back (RGB floats,
   * row-major, as `renderFrame` of the reference decoder returns). Seeks there and waits (up to `timeoutMs`)
   * while the frame's data is not loaded yet.
   */
  async readFrame(t: number, width: number, height: number, timeoutMs = 20_000): Promise<Float32Array> {
    const [job] = await this.jobsFor([t], timeoutMs);
    return this.pipeline!.renderer.readPixels(job, width, height);
  }

  /**
   * Benchmark hook: renders the frames at `times` back to back off-screen at width × height and resolves with
   * the mean milliseconds per frame (submission to GPU completion, per-frame and per-pixel passes included).
   */
  async timeFrames(times: number[], width: number, height: number, timeoutMs = 20_000): Promise<number> {
    const jobs = await this.jobsFor(times, timeoutMs);
    return this.pipeline!.renderer.timeFrames(jobs, width, height);
  }

  /** Render jobs for global frame times, seeking to and waiting for data that is not loaded yet. */
  private async jobsFor(times: number[], timeoutMs: number): Promise<RenderJob[]> {
    const deadline = this.now() + timeoutMs;
    const jobs: RenderJob[] = [];
    for (const t of times) {
      for (;;) {
        const p = this.pipeline;
        if (!p) throw new Error(`no Latent-INR pipeline (state ${this.stateValue})`);
        const job = this.job(p.timeline.plan(t));
        if (job) {
          jobs.push(job);
          break;
        }
        if (this.now() > deadline) throw new Error(`frame ${t} not loaded within ${timeoutMs} ms`);
        if (this.fps > 0) {
          const target = t / this.fps;
          if (Math.abs(this.clock.time - target) > 0.5 / this.fps) this.seek(target);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return jobs;
  }

  destroy(): void {
    this.destroyed = true;
    this.resizeObserver?.disconnect();
    this.stopPipeline();
    this.hub.removeAll();
  }
}
