/**
 * The chunked encoder (NIRVANA-style): plan segments and chunks, train one model per chunk — each warm-started
 * from the previous chunk's trained weights unless a scene cut starts it — then quantize + code each chunk and
 * assemble a `.lirn` file. Memory stays bounded by one chunk's frames.
 *
 * Resumption: the only state is one trainer checkpoint per chunk (kept by an `EncodeStore`). A finished chunk's
 * checkpoint holds its final parameters, from which packing is recomputed deterministically; an unfinished one
 * resumes training bit-identically. So a killed encode, re-run with the same inputs and seed, writes the same bytes.
 */
import type { LirnChunk, LirnFile, LirnSegment } from '../../container/lirn-file.js';
import { newLirnFile } from '../../container/lirn-file.js';
import { DEFAULT_ALIGN_LAMBDA } from '../align/aligner.js';
import { withAlignmentBox } from '../align/box.js';
import { checkpointProjection, splitAlignParams } from '../align/checkpoint.js';
import type { Projection, ProjectionKind } from '../align/projection.js';
import type { FeatureProvider } from '../align/provider.js';
import { type RendererFactory, referenceRendererFactory } from '../decoder/stream-decoder.js';
import { type BitAllocation, DEFAULT_BIT_ALLOCATION } from '../encoder/bit-allocation.js';
import { packChunk } from '../encoder/pack.js';
import { type AllocationProbe, allocateTensorBits, probeTimes } from '../encoder/rd-allocation.js';
import type { EngineFactory } from '../engine/types.js';
import {
  type HashGridEncodingConfig,
  levelTimeResolution,
  levelYResolution,
  type ModelConfig,
  sceneCount,
  sceneStarts,
  withFrameLevels,
  withScenes,
} from '../model/config.js';
import { hashGridIndex } from '../model/encoding.js';
import { initParams } from '../model/init.js';
import { cloneParamSet, type ParamGroup, type ParamSet, paramSpecs, type Tensor } from '../model/params.js';
import { warpLatentDims } from '../model/warp.js';
import { CheckpointError, type TrainCheckpoint } from '../train/checkpoint-format.js';
import type { FreezeQuantized, QuantAware } from '../train/freeze.js';
import {
  continuedWarpRows,
  type GlobalMotion,
  measureMotion,
  motionWarpRows,
  setWarpLatents,
  warpMoves,
} from '../train/global-motion.js';
import { fillHeldOutLatents, trainedFrameIndices } from '../train/heldout.js';
import { sameValue } from '../train/setup.js';
import { type TrainOptions, train } from '../train/trainer.js';
import {
  FRAME_LEVEL_PROBE_BUDGET_SHARE,
  FRAME_LEVEL_PROBE_TIME_LIMIT_SHARE,
  FrameLevelProbeStopped,
  frameLevelProbeIterations,
  probeFrameLevels,
} from './frame-levels.js';
import { type PlannedChunk, planSegments, type SegmentPlan } from './plan.js';
import { detectSceneCuts, lumaHistogram } from './scene.js';

export interface FrameSource {
  width: number;
  height: number;
  frameCount: number;
  /** Exact frame rate as timescale / sampleDuration (e.g. 24000 / 1001). */
  timescale: number;
  sampleDuration: number;
  /** RGB24 frames [first, first + count). */
  read(first: number, count: number): Promise<Uint8Array[]>;
}

/** Where per-chunk trainer checkpoints live between runs (files for the CLI, memory for tests). */
export interface EncodeStore {
  load(chunk: number): Promise<TrainCheckpoint | null>;
  save(chunk: number, checkpoint: TrainCheckpoint): Promise<void>;
}

export type EncodeEvent =
  | { phase: 'scan'; frame: number; frames: number }
  | { phase: 'plan'; plan: SegmentPlan }
  | {
      phase: 'train';
      chunk: number;
      chunks: number;
      iteration: number;
      iterations: number;
      psnr: number;
      etaMs: number;
    }
  /** The frame-level probe starts (EncodeOptions.frameLevels 'auto'). */
  | { phase: 'frame-levels-probe'; iterations: number }
  /** The frame-level probe's verdict. */
  | {
      phase: 'frame-levels';
      /** NaN when the probes ran past their share of the time budget (frame levels then left out). */
      gainDb: number;
      costDb: number;
      keep: boolean;
      timedOut: boolean;
      ms: number;
    }
  /** Training of chunk `chunk` is over; its weights are being allocated and coded. */
  | { phase: 'pack'; chunk: number; chunks: number }
  | {
      phase: 'chunk-done';
      chunk: number;
      chunks: number;
      resumed: boolean;
      bytes: number;
      /** The coded chunk and its media segments, final: a live stream can publish them right away. */
      coded: LirnChunk;
      segments: LirnSegment[];
    };

export interface EncodeOptions {
  source: FrameSource;
  config: ModelConfig;
  /** Iterations for a cold-started chunk (the first, or one after a scene cut). */
  iterations: number;
  /** Iterations for a warm-started chunk; default: `iterations` / 2. */
  warmIterations?: number;
  /**
   * Training wall time of the whole encode in milliseconds: each chunk trains for a share in proportion to its
   * iterations (cold or warm; chunkTimeBudgets), its iterations then only a cap (TrainOptions.timeBudgetMs). The
   * output then depends on the machine's speed. Default: none (fixed iterations, the same bytes every run).
   */
  timeBudgetMs?: number;
  /** Warm-start each chunk from the previous one's weights (default true). */
  warmStart?: boolean;
  segmentSeconds?: number;
  segmentsPerChunk?: number;
  /** Detect scene cuts and start a new (cold) chunk at each (default true). */
  sceneCuts?: boolean;
  engine?: EngineFactory;
  seed?: number;
  bits?: BitAllocation;
  /**
   * Share of each chunk's iterations (from the end) trained with the hash tables straight-through quantized at
   * their `bits` (src/codec/train/freeze.ts, QuantAware); 0 turns it off. Default: 1 (the whole training) when
   * the tables get at most QUANT_AWARE_MAX_BITS bits, else off.
   */
  quantAware?: number;
  /**
   * Share of each chunk's iterations run with the hash tables snapped to their `bits` grid and frozen while the
   * rest of the model adapts (src/codec/train/freeze.ts); default 0 (off: straight-through training, above, does
   * better).
   */
  quantFinetune?: number;
  /**
   * How trained weights are coded: 'rd' (default) gives every sizeable tensor the depth that adds no more
   * predicted distortion than `bits` would, for fewer bytes (src/codec/encoder/rd-allocation.ts), each with its
   * own Huffman table; 'group' codes every group at its `bits` with one table (the layout of earlier files).
   */
  allocation?: 'rd' | 'group';
  /**
   * Renders the 'rd' allocation's probe frames. Default: the reference renderer on probes of at most
   * REFERENCE_PROBE_PIXELS; a given renderer (the native one) probes at PROBE_SCALE of the source size.
   */
  renderer?: RendererFactory;
  framesPerBatch?: number;
  pixelsPerFrame?: number;
  /** Error-driven pixel sampling (src/codec/train/importance.ts); false draws pixels uniformly. */
  importance?: TrainOptions['importance'] | false;
  rates?: TrainOptions['rates'];
  schedule?: TrainOptions['schedule'];
  holdOut?: number;
  /** Save a trainer checkpoint every this many iterations (default 200). */
  checkpointEvery?: number;
  store?: EncodeStore;
  /**
   * Weights every chunk starts from instead of a cold or warm start: a finished encode of this source with the same
   * config (its EncodeResult's `params`, one per chunk), trained on from there — e.g. fine-tuned straight-through at
   * a lower depth with a smaller `rates` (bench/suites/rd.ts).
   */
  startFrom?: readonly ParamSet[];
  /**
   * 'auto': two short probe trainings on the first chunk decide whether the config gets frame levels (spatio-temporal
   * levels with a time cell per frame, src/codec/segmenter/frame-levels.ts); 'on' adds them, 'off' (default) uses
   * `config` as given. The probes' time counts against `timeBudgetMs` (5% of it is set aside for them). 'auto'
   * with `startFrom` keeps `config` (no probe: the weights fix the config).
   */
  frameLevels?: 'auto' | 'on' | 'off';
  /** Return every chunk's trained weights in EncodeResult.params (one model per chunk held until the end). */
  keepParams?: boolean;
  /**
   * Align each chunk's latents with per-frame features (paper eq. 6, src/codec/align): every chunk trains its
   * own projection, which is written to its `lirA` box with the provider's feature space.
   */
  alignment?: EncodeAlignment;
  onEvent?: (e: EncodeEvent) => void;
  signal?: AbortSignal;
}

export interface EncodeAlignment {
  provider: FeatureProvider;
  /** λ of eq. 6 (default 0.01). */
  lambda?: number;
  projection?: ProjectionKind;
  /** Base learning rate of the projection (default: the `hyper` group's). */
  rate?: number;
}

export interface EncodeResult {
  file: LirnFile;
  plan: SegmentPlan;
  engine: string;
  /** Training iterations run by this call (0 for chunks restored from finished checkpoints). */
  iterationsRun: number;
  /** Final training loss curve of every chunk (restored chunks included). */
  losses: Float32Array[];
  /** With `keepParams`: each chunk's trained weights before coding (another encode's `startFrom`). */
  params?: ParamSet[];
}

async function scanSceneCuts(source: FrameSource, onEvent?: (e: EncodeEvent) => void): Promise<number[]> {
  const hists: Float64Array[] = [];
  const step = 32;
  for (let f = 0; f < source.frameCount; f += step) {
    const frames = await source.read(f, Math.min(step, source.frameCount - f));
    for (const fr of frames) hists.push(lumaHistogram(fr, source.width, source.height));
    onEvent?.({ phase: 'scan', frame: Math.min(f + step, source.frameCount), frames: source.frameCount });
  }
  return detectSceneCuts(hists);
}

/**
 * Quantization-aware training of the tables. Measured on bunny 640×360×120, profile M, 5000 iterations
 * (bench/explore.ts, RESULTS.md "explore-session5"): straight-through over the whole training, 4-bit tables
 * 26.16 → 26.90 dB against quantize-then-freeze over the last 15% (the earlier default), 3-bit 22.71 → 25.14 dB
 * against none; at 5 and 6 bits +0.04 and +0.01 dB. At 5 bits after longer trainings it gains 0.2–0.5 dB where
 * every table is packed at 5 bits, but the rd allocation does better with plain weights (`lirn bench rd --bits 5
 * --minutes 2 --profiles M`, RESULTS.md "explore-session11"): bunny 27.92 dB at 0.0379 bpp plain against 27.97 at
 * 0.0404 straight-through, vtest 31.62 at 0.0313 against 31.30 at 0.0307 — hence on only at ≤ 4 bits.
 */
export const QUANT_AWARE_MAX_BITS = 4;

function freezeOf(options: EncodeOptions): FreezeQuantized | undefined {
  const bits = options.bits ?? DEFAULT_BIT_ALLOCATION;
  const fraction = options.quantFinetune ?? 0;
  if (fraction === 0) return undefined;
  return { fraction, groups: { encoding: bits.encoding } };
}

function quantAwareOf(options: EncodeOptions): QuantAware | undefined {
  const bits = options.bits ?? DEFAULT_BIT_ALLOCATION;
  const fraction = options.quantAware ?? (bits.encoding.bits <= QUANT_AWARE_MAX_BITS ? 1 : 0);
  if (fraction === 0) return undefined;
  return { fraction, groups: { encoding: bits.encoding.bits } };
}

/** Splits a training time budget over chunks in proportion to their iterations. */
export function chunkTimeBudgets(totalMs: number, iterations: readonly number[]): number[] {
  if (!(totalMs > 0 && Number.isFinite(totalMs)))
    throw new RangeError(`timeBudgetMs must be a positive number of milliseconds, got ${totalMs}`);
  const sum = iterations.reduce((a, b) => a + b, 0);
  return iterations.map((n) => (totalMs * n) / sum);
}

/** A chunk's checkpoint that needs no more training: all its iterations, or its whole time budget. */
function finishedCheckpoint(saved: TrainCheckpoint, iterations: number, timeBudgetMs?: number): boolean {
  if (saved.iteration === iterations) return true;
  return (
    timeBudgetMs !== undefined &&
    saved.setup.timeBudgetMs === timeBudgetMs &&
    (saved.trainedMs ?? 0) >= timeBudgetMs
  );
}

/** Groups trained on their quantization grid, which the rate-distortion allocation must leave at their depth. */
function gridTrainedGroups(options: EncodeOptions): ParamGroup[] {
  const groups = new Set<ParamGroup>([
    ...(Object.keys(freezeOf(options)?.groups ?? {}) as ParamGroup[]),
    ...(Object.keys(quantAwareOf(options)?.groups ?? {}) as ParamGroup[]),
  ]);
  return [...groups];
}

function staleChunkError(chunk: number): CheckpointError {
  return new CheckpointError(
    `chunk ${chunk}`,
    'the saved chunk was trained with another model config (another profile, or frame levels of another version); encode into a new work directory',
  );
}

/**
 * The previous chunk's weights with a fresh latent table for this chunk's frames. The warp's components start
 * where the previous chunk's last frame left them: its grid holds the content at that frame's warp, and the
 * camera moves on from there. Levels with a time cell per one or two frames (frame levels, config.ts
 * `withFrameLevels`) start fresh too: they hold the previous chunk's frames, not this one's. Measured on vtest in
 * three 40-frame chunks (profile M with frame levels, 1500 cold / 750 warm iterations): 33.13 dB carried over,
 * 33.71 dB fresh, at the same bytes (bench/RESULTS.md explore-session12).
 *
 * Where either chunk has scenes (config.ts `withScenes`), a static level's slices change meaning: each of this
 * chunk's scene slices starts from the previous chunk's last scene (the picture this chunk goes on from), vertex
 * by vertex (rows that several vertices share take their mean). A level whose shape changed otherwise (a time
 * slice structure the other chunk lacks) starts fresh.
 *
 * With the chunk's global `motion` (train/global-motion.ts), a camera that moves carries on from that warp: frame t
 * reads the previous picture moved by the chunk's own motion since its first frame, and where that path would
 * leave the grid (a pan past what the previous chunk saw) the chunk starts from its own centred path instead, as a
 * cold one does. A chunk whose camera stands still keeps the previous last warp on every frame.
 */
export function warmStartParams(
  previous: ParamSet,
  previousConfig: ModelConfig,
  config: ModelConfig,
  frames: number,
  seed: number,
  motion?: { motion: GlobalMotion; width: number; height: number },
): ParamSet {
  const params = cloneParamSet(previous);
  const fresh = initParams(config, frames, seed);
  const latents = fresh.get('latents')!;
  const dims = warpLatentDims(config.warp);
  const D = config.latent.dim;
  const before = previous.get('latents')!;
  const last = before.data.subarray((before.shape[0] - 1) * D, (before.shape[0] - 1) * D + dims);
  for (let row = 0; row < frames; row++) latents.data.set(last, row * D);
  const starts = sceneStarts(config.encoding);
  const centred = motion ? motionWarpRows(config, motion.motion, motion.width, motion.height, starts) : null;
  if (motion && warpMoves(centred)) {
    const scale = previousConfig.warp?.scale ?? 0;
    const lastWarp = Array.from({ length: 6 }, (_, k) => (k < dims ? scale * last[k] : 0));
    const rows = continuedWarpRows(lastWarp, motion.motion, motion.width, motion.height, starts, centred);
    setWarpLatents(config, rows ?? centred, latents.data);
  }
  params.set('latents', latents);
  const enc = config.encoding;
  const old = previousConfig.encoding;
  if (enc.otype !== 'HashGrid' || old.otype !== 'HashGrid') return params;
  const scenes = sceneCount(enc) > 1 || sceneCount(old) > 1;
  for (let l = 0; l < enc.n_levels; l++) {
    const name = `encoding.level${l}`;
    const t = levelTimeResolution(enc, l);
    const sameGrid =
      l < old.n_levels &&
      old.level_resolutions[l] === enc.level_resolutions[l] &&
      levelYResolution(old, l) === levelYResolution(enc, l);
    const sameLevel = sameGrid && levelTimeResolution(old, l) === t;
    if (t >= frames / 2 || !sameGrid) params.set(name, fresh.get(name)!);
    else if (sameLevel && t === 0 && scenes)
      params.set(name, remapScenes(old, enc, l, previous.get(name)!.data, fresh.get(name)!));
    else if (!sameLevel) params.set(name, fresh.get(name)!);
  }
  return params;
}

/** A static level's table for `enc` whose every scene slice holds `old`'s last scene slice of the same level. */
function remapScenes(
  old: HashGridEncodingConfig,
  enc: HashGridEncodingConfig,
  level: number,
  oldTable: Float32Array,
  fresh: Tensor,
): Tensor {
  const F = enc.n_features_per_level;
  const sum = new Float64Array(fresh.data.length);
  const count = new Uint32Array(fresh.shape[0]);
  const n = enc.level_resolutions[level] + 1;
  const m = levelYResolution(enc, level) + 1;
  const from = sceneCount(old) - 1;
  for (let s = 0; s < sceneCount(enc); s++) {
    for (let vy = 0; vy < m; vy++) {
      for (let vx = 0; vx < n; vx++) {
        const src = hashGridIndex(old, level, vx, vy, from) * F;
        const dst = hashGridIndex(enc, level, vx, vy, s);
        count[dst]++;
        for (let f = 0; f < F; f++) sum[dst * F + f] += oldTable[src + f];
      }
    }
  }
  const data = Float32Array.from(fresh.data);
  for (let r = 0; r < count.length; r++)
    if (count[r] > 0) for (let f = 0; f < F; f++) data[r * F + f] = sum[r * F + f] / count[r];
  return { shape: [...fresh.shape], data };
}

/** Probe pixels per frame for the reference renderer (plain TypeScript), which is ~50x slower than native. */
export const REFERENCE_PROBE_PIXELS = 2 ** 14;

/**
 * A given renderer probes at this fraction of the source size per axis. Measured with profile M after 5000
 * iterations (bench/allocation-probe.ts, every frame scored): half size gave the very allocation of
 * full size — bunny 640×360 27.635 dB at 0.05218 bpp, vtest 640×480 31.289 dB at 0.04234 bpp, both times — in
 * 4.0 s instead of 15.0 s and 5.2 s instead of 20.2 s per chunk; half the probe frames at full size moved vtest's
 * allocation (+2% bytes).
 */
export const PROBE_SCALE = 0.5;

function allocationProbe(options: EncodeOptions): AllocationProbe {
  const { width, height } = options.source;
  const scale = options.renderer
    ? PROBE_SCALE
    : Math.min(1, Math.sqrt(REFERENCE_PROBE_PIXELS / (width * height)));
  return {
    renderer: options.renderer ?? referenceRendererFactory,
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

export async function encodeChunked(options: EncodeOptions): Promise<EncodeResult> {
  const { source } = options;
  const seed = options.seed ?? 0;
  const fps = source.timescale / source.sampleDuration;
  const cuts = options.sceneCuts === false ? [] : await scanSceneCuts(source, options.onEvent);
  const plan = planSegments({
    frameCount: source.frameCount,
    fps,
    segmentSeconds: options.segmentSeconds,
    segmentsPerChunk: options.segmentsPerChunk,
    sceneCuts: cuts,
  });
  options.onEvent?.({ phase: 'plan', plan });
  if (options.startFrom && options.startFrom.length !== plan.chunks.length)
    throw new RangeError(
      `startFrom has weights for ${options.startFrom.length} chunk(s) where this encode plans ${plan.chunks.length}`,
    );
  const chosen = await chooseConfig(options, plan, seed);
  const { configFor, reservedShare } = chosen;
  // The probes read the first chunk's frames: it trains from them rather than decoding them again.
  let firstChunkFrames = chosen.firstChunkFrames;
  const warm = options.warmStart ?? true;
  const coldIterations = options.iterations;
  const warmIterations = options.warmIterations ?? Math.max(1, Math.round(coldIterations / 2));
  const coldChunks = plan.chunks.map((c) => !warm || c.index === 0 || c.sceneStart);
  const budgets =
    options.timeBudgetMs === undefined
      ? null
      : chunkTimeBudgets(
          options.timeBudgetMs * (1 - reservedShare),
          coldChunks.map((cold) => (cold ? coldIterations : warmIterations)),
        );
  const chunks: LirnChunk[] = [];
  const segments: LirnSegment[] = [];
  const losses: Float32Array[] = [];
  const trainedParams: ParamSet[] = [];
  let previous: ParamSet | null = null;
  let previousConfig: ModelConfig | null = null;
  let previousProjection: Projection | undefined;
  const align = options.alignment && {
    ...options.alignment,
    provider: options.alignment.provider.forSource?.(source.frameCount) ?? options.alignment.provider,
  };
  let engineName = '';
  let iterationsRun = 0;

  for (const planned of plan.chunks) {
    const k = planned.index;
    const preread = k === 0 ? firstChunkFrames : undefined;
    firstChunkFrames = undefined;
    const cold = coldChunks[k];
    const iterations = cold ? coldIterations : warmIterations;
    const timeBudgetMs = budgets?.[k];
    const chunkSeed = (seed + k * 7919) >>> 0;
    const config = configFor(planned);
    const saved = (await options.store?.load(k)) ?? null;
    let params: ParamSet;
    let projection: Projection | undefined;
    let resumed = false;
    // A finished chunk is reused without training, so the trainer's own check would not see it.
    if (saved && !sameValue(saved.config, config)) throw staleChunkError(k);
    if (saved && finishedCheckpoint(saved, iterations, timeBudgetMs) && saved.frames === planned.frameCount) {
      const split = splitAlignParams(saved.params);
      params = split.model;
      if (align) projection = checkpointProjection(saved, split.align, config.latent.dim);
      const trained = trainedFrameIndices(planned.frameCount, options.holdOut ?? 1);
      if (trained.length < planned.frameCount)
        fillHeldOutLatents(params.get('latents')!.data, config.latent.dim, trained);
      losses.push(saved.losses);
      resumed = true;
    } else {
      const frames = preread ?? (await source.read(planned.firstFrame, planned.frameCount));
      const features = align
        ? await align.provider.frameFeatures(frames, planned.firstFrame, source.width, source.height)
        : undefined;
      const result = await train({
        frames,
        width: source.width,
        height: source.height,
        config,
        iterations,
        timeBudgetMs,
        engine: options.engine,
        seed: chunkSeed,
        framesPerBatch: options.framesPerBatch,
        pixelsPerFrame: options.pixelsPerFrame,
        importance: options.importance || undefined,
        rates: options.rates,
        schedule: options.schedule,
        holdOut: options.holdOut,
        freezeQuantized: freezeOf(options),
        quantAware: quantAwareOf(options),
        initialParams: options.startFrom
          ? startingChunkParams(options.startFrom[k], k, config, planned.frameCount)
          : cold
            ? undefined
            : warmStartParams(
                previous!,
                previousConfig!,
                config,
                planned.frameCount,
                chunkSeed,
                config.warp
                  ? {
                      motion: measureMotion(
                        frames,
                        source.width,
                        source.height,
                        sceneStarts(config.encoding),
                        trainedFrameIndices(frames.length, options.holdOut ?? 1),
                      ),
                      width: source.width,
                      height: source.height,
                    }
                  : undefined,
              ),
        resume: saved && saved.frames === planned.frameCount ? saved : undefined,
        alignment:
          align && features
            ? {
                features,
                lambda: align.lambda,
                projection: align.projection,
                rate: align.rate,
                initial: cold ? undefined : previousProjection,
              }
            : undefined,
        signal: options.signal,
        checkpoint: options.store
          ? { every: options.checkpointEvery ?? 200, save: (c) => options.store!.save(k, c) }
          : undefined,
        progressEvery: 5,
        onProgress: (p) =>
          options.onEvent?.({
            phase: 'train',
            chunk: k,
            chunks: plan.chunks.length,
            iteration: p.iteration,
            iterations: p.iterations,
            psnr: p.psnr,
            etaMs: p.etaMs,
          }),
      });
      if (!result.completed) throw new EncodeAborted(k, result.iteration, iterations);
      iterationsRun += result.iteration - (saved?.iteration ?? 0);
      engineName = result.engine;
      params = result.params;
      projection = result.alignment?.projection;
      losses.push(result.losses);
    }
    options.onEvent?.({ phase: 'pack', chunk: k, chunks: plan.chunks.length });
    const rd = (options.allocation ?? 'rd') === 'rd';
    const groupBits = options.bits ?? DEFAULT_BIT_ALLOCATION;
    const allocation = rd
      ? allocateTensorBits(config, params, planned.frameCount, groupBits, allocationProbe(options), {
          fixedGroups: gridTrainedGroups(options),
        })
      : { tensorBits: {}, tensorModes: {} };
    const packed = packChunk(
      config,
      params,
      {
        width: source.width,
        height: source.height,
        firstFrame: planned.firstFrame,
        frameCount: planned.frameCount,
      },
      groupBits,
      {
        tensorBits: allocation.tensorBits,
        tensorModes: allocation.tensorModes,
        tables: rd ? 'tensor' : 'group',
      },
    );
    const coded =
      align && projection
        ? withAlignmentBox(packed.chunk, {
            featureSpace: align.provider.space,
            lambda: align.lambda ?? DEFAULT_ALIGN_LAMBDA,
            projection,
          })
        : packed.chunk;
    const codedSegments = chunkSegments(plan, planned, packed.samples, source.sampleDuration);
    chunks.push(coded);
    segments.push(...codedSegments);
    const bytes = packed.samples.reduce((n, s) => n + s.length, 0);
    options.onEvent?.({
      phase: 'chunk-done',
      chunk: k,
      chunks: plan.chunks.length,
      resumed,
      bytes,
      coded,
      segments: codedSegments,
    });
    previous = params;
    previousConfig = config;
    previousProjection = projection;
    if (options.keepParams) trainedParams.push(params);
  }

  return {
    file: newLirnFile(source, chunks, segments),
    plan,
    engine: engineName,
    iterationsRun,
    losses,
    ...(options.keepParams ? { params: trainedParams } : {}),
  };
}

/**
 * The config of each chunk: `options.config` with the chunk's scenes (withScenes) and frame levels where
 * `frameLevels` says so (decided once, on the first chunk).
 */
async function chooseConfig(
  options: EncodeOptions,
  plan: SegmentPlan,
  seed: number,
): Promise<{
  configFor: (chunk: PlannedChunk) => ModelConfig;
  reservedShare: number;
  firstChunkFrames?: Uint8Array[];
}> {
  const mode = options.frameLevels ?? 'off';
  const chunkFrames = plan.chunks[0]?.frameCount ?? 0;
  const hashGrid = options.config.encoding.otype === 'HashGrid';
  const scened = (chunk: PlannedChunk) =>
    hashGrid ? withScenes(options.config, chunk.sceneStarts) : options.config;
  const plain = { configFor: scened, reservedShare: 0 };
  const levelled = (chunk: PlannedChunk) => withFrameLevels(scened(chunk), chunkFrames);
  if (mode === 'off' || chunkFrames < 2 || !hashGrid) return plain;
  if (mode === 'auto' && options.startFrom) return plain;
  if (mode === 'on') return { configFor: levelled, reservedShare: 0 };
  // The chunks' time budgets leave the probes their share whether they run or not, so that a resumed encode
  // gives every chunk the budget its checkpoint was trained with.
  const reservedShare = FRAME_LEVEL_PROBE_BUDGET_SHARE;
  const first = plan.chunks[0];
  // A resumed encode goes on with the choice its first chunk's checkpoint was trained with.
  const saved = await options.store?.load(0);
  if (saved) {
    if (sameValue(saved.config, levelled(first))) return { configFor: levelled, reservedShare };
    if (sameValue(saved.config, scened(first))) return { configFor: scened, reservedShare };
    throw staleChunkError(0);
  }
  const { source } = options;
  const probe = allocationProbe(options);
  const iterations = frameLevelProbeIterations(options.iterations, options.timeBudgetMs);
  options.onEvent?.({ phase: 'frame-levels-probe', iterations });
  const firstChunkFrames = await source.read(first.firstFrame, chunkFrames);
  const verdict = await probeFrameLevels({
    frames: firstChunkFrames,
    width: source.width,
    height: source.height,
    config: scened(first),
    chunkFrames,
    engine: options.engine,
    seed: (seed + 104729) >>> 0,
    renderer: probe.renderer,
    probeWidth: probe.width,
    probeHeight: probe.height,
    times: probeTimes(chunkFrames),
    iterations,
    ...(options.timeBudgetMs === undefined
      ? {}
      : { timeLimitMs: options.timeBudgetMs * FRAME_LEVEL_PROBE_TIME_LIMIT_SHARE }),
    train: {
      framesPerBatch: options.framesPerBatch,
      pixelsPerFrame: options.pixelsPerFrame,
      rates: options.rates,
      signal: options.signal,
    },
  }).catch((e) => {
    throw e instanceof FrameLevelProbeStopped ? new EncodeAborted(0, 0, options.iterations) : e;
  });
  options.onEvent?.({
    phase: 'frame-levels',
    gainDb: verdict.gainDb,
    costDb: verdict.costDb,
    keep: verdict.keep,
    timedOut: verdict.timedOut,
    ms: verdict.ms,
  });
  return { configFor: verdict.keep ? levelled : scened, reservedShare, firstChunkFrames };
}

/** `startFrom`'s weights for chunk `k`, checked against the config and the chunk's frames (copied). */
function startingChunkParams(params: ParamSet, k: number, config: ModelConfig, frames: number): ParamSet {
  const wanted = paramSpecs(config, frames);
  for (const spec of wanted) {
    const t = params.get(spec.name);
    if (!t || t.shape.join() !== spec.shape.join())
      throw new RangeError(
        `startFrom: chunk ${k} needs ${spec.name} [${spec.shape}], got ${t ? `[${t.shape}]` : 'nothing'}`,
      );
  }
  return cloneParamSet(params);
}

function chunkSegments(
  plan: SegmentPlan,
  chunk: PlannedChunk,
  samples: Uint8Array[],
  sampleDuration: number,
): LirnSegment[] {
  return chunk.segments.map((i) => {
    const seg = plan.segments[i];
    const from = seg.firstFrame - chunk.firstFrame;
    return {
      chunkIndex: chunk.index,
      firstFrame: seg.firstFrame,
      baseMediaDecodeTime: seg.firstFrame * sampleDuration,
      samples: samples.slice(from, from + seg.frameCount),
    };
  });
}

export class EncodeAborted extends Error {
  constructor(
    readonly chunk: number,
    readonly iteration: number,
    readonly iterations: number,
  ) {
    super(`encode stopped in chunk ${chunk} at iteration ${iteration}/${iterations}; run it again to resume`);
    this.name = 'EncodeAborted';
  }
}

/** An in-memory store (tests; one process). */
export function memoryStore(): EncodeStore & { checkpoints: Map<number, TrainCheckpoint> } {
  const checkpoints = new Map<number, TrainCheckpoint>();
  return {
    checkpoints,
    load: async (k) => checkpoints.get(k) ?? null,
    save: async (k, c) => {
      checkpoints.set(k, c);
    },
  };
}
