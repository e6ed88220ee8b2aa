/**
 * Whether a source gets frame levels (config.ts `withFrameLevels`): two short probe trainings on the first
 * chunk's frames, the config without and with them, same seed and iterations, then the probe frames rendered from
 * each and scored against the source. Frame levels are kept when they gain more than their extra parameters would
 * buy along the rate curve (FRAME_LEVEL_DB_PER_DOUBLING per doubling). Where things move in place (a fixed
 * camera, people walking) they gain far more; where the warp already follows the motion, or nothing moves, they
 * gain what any extra capacity would, and cost a quarter to half of the file's bits.
 *
 * Zeroing the frame levels of one model trained with them does not tell this apart: that model leans on them
 * even for a still clip (on a 48×32 still synthetic clip zeroing them cost 20–25 dB, where training without them
 * lost 0.3–0.9 dB). An interrupted encode goes on with the choice its first chunk's checkpoint was trained with.
 */
import type { RendererFactory } from '../decoder/stream-decoder.js';
import type { EngineFactory } from '../engine/types.js';
import { PsnrMeter } from '../metrics/index.js';
import { type ModelConfig, withFrameLevels } from '../model/config.js';
import { type ParamSet, parameterCount } from '../model/params.js';
import { toRgb8 } from '../render/output.js';
import { type TrainOptions, train } from '../train/trainer.js';

/** Most iterations of each probe training. */
export const FRAME_LEVEL_PROBE_ITERATIONS = 500;
/** Share of an encode's time budget set aside for the two probes. */
export const FRAME_LEVEL_PROBE_BUDGET_SHARE = 0.05;
/**
 * Share of an encode's time budget after which the probes are stopped and frame levels left out: three times what
 * is set aside for them, a net for engines far slower than the iteration count assumes (tfjs: ~25× slower steps).
 */
export const FRAME_LEVEL_PROBE_TIME_LIMIT_SHARE = 3 * FRAME_LEVEL_PROBE_BUDGET_SHARE;

/**
 * Iterations of each probe, within 100…500: a quarter of a fixed-iteration encode's iterations per cold chunk, or
 * 1.5 per second of a time budget (about 2.5% of it each at the 13–18 ms per step of profiles S–L on two cores).
 * Probes count iterations even on a time budget: a probe on the clock whose cosine schedule has not decayed when its
 * iterations run out scores far noisier (vtest S/M/L at 500 iterations: +1.1/+1.4/+1.3 dB on the clock against
 * +2.9/+2.7/+3.1 dB counted), and counted probes make the same choice on every run.
 */
export function frameLevelProbeIterations(iterations: number, timeBudgetMs?: number): number {
  const wanted = timeBudgetMs === undefined ? iterations / 4 : (1.5 * timeBudgetMs) / 1000;
  return Math.min(FRAME_LEVEL_PROBE_ITERATIONS, Math.max(100, Math.round(wanted)));
}

/**
 * Quality a doubling of the parameters buys along the profiles' curve (bunny and vtest, S → M → L, the hash tables
 * doubling: 1.2–1.8 dB, bench/RESULTS.md): frame levels are kept when the probe gains more than their parameters
 * would buy there. Probes of 500 iterations on the benchmark clips (profiles S / M / L, `npx tsx
 * bench/frame-level-probe.ts`; bench/RESULTS.md explore-session13, with frame levels making the profile's levels
 * static and S static without them): vtest gains 3.37 / 2.75 / 3.09 dB against 0.89 / 0.62 / 0.93, bunny 0.22 /
 * 0.09 / 0.23 against 0.93 / 0.68 / 1.06 (session 12, before both: vtest 2.88 / 2.67 / 3.10 against 0.78 / 0.93 /
 * 1.15, bunny −0.02 / 0.24 / 0.19 against 0.80 / 0.97 / 1.24).
 */
export const FRAME_LEVEL_DB_PER_DOUBLING = 1.7;

export interface FrameLevelProbeOptions {
  frames: readonly Uint8Array[];
  width: number;
  height: number;
  /** The config without frame levels. */
  config: ModelConfig;
  /** Frames per chunk the frame levels are sized for (their time resolution). */
  chunkFrames: number;
  engine?: EngineFactory;
  seed: number;
  renderer: RendererFactory;
  /** Render size of the probe frames (the source is point-sampled to it). */
  probeWidth: number;
  probeHeight: number;
  /** Chunk-local frame times to score. */
  times: readonly number[];
  iterations?: number;
  /**
   * Wall time the two probes may take together: a probe still training then is stopped and frame levels are left
   * out (an engine far slower than the one the iteration count was sized for).
   */
  timeLimitMs?: number;
  train?: Pick<TrainOptions, 'framesPerBatch' | 'pixelsPerFrame' | 'rates' | 'signal'>;
}

export interface FrameLevelProbe {
  /** PSNR of the probe frames trained with frame levels minus trained without, dB; NaN when timed out. */
  gainDb: number;
  /** What their parameters would buy along the rate curve (FRAME_LEVEL_DB_PER_DOUBLING), dB. */
  costDb: number;
  keep: boolean;
  /** The config the encode goes on with: `withFrameLevels` of the given one when kept, else the given one. */
  config: ModelConfig;
  iterations: number;
  ms: number;
  /** The probes ran past `timeLimitMs` and were stopped (frame levels left out). */
  timedOut: boolean;
}

/** The probes were stopped by the caller's signal (not by their time limit). */
export class FrameLevelProbeStopped extends Error {
  constructor() {
    super('frame-level probe: stopped');
    this.name = 'FrameLevelProbeStopped';
  }
}

export async function probeFrameLevels(o: FrameLevelProbeOptions): Promise<FrameLevelProbe> {
  const started = performance.now();
  const withLevels = withFrameLevels(o.config, o.chunkFrames);
  const iterations = o.iterations ?? FRAME_LEVEL_PROBE_ITERATIONS;
  const costDb =
    FRAME_LEVEL_DB_PER_DOUBLING *
    Math.log2(parameterCount(withLevels, o.frames.length) / parameterCount(o.config, o.frames.length));
  const targets = o.times.map((t) =>
    pointSample(o.frames[t], o.width, o.height, o.probeWidth, o.probeHeight),
  );
  const clock = new AbortController();
  const timer =
    o.timeLimitMs === undefined ? undefined : setTimeout(() => clock.abort(), Math.max(0, o.timeLimitMs));
  const signal = o.train?.signal ? AbortSignal.any([o.train.signal, clock.signal]) : clock.signal;
  const probePsnrAfterTraining = async (config: ModelConfig): Promise<number | null> => {
    const result = await train({
      frames: o.frames as Uint8Array[],
      width: o.width,
      height: o.height,
      config,
      iterations,
      engine: o.engine,
      seed: o.seed,
      ...o.train,
      signal,
    });
    if (result.completed) return probePsnr(o.renderer, config, result.params, o, targets);
    if (o.train?.signal?.aborted) throw new FrameLevelProbeStopped();
    return null;
  };
  try {
    const without = await probePsnrAfterTraining(o.config);
    const trained = without === null ? null : await probePsnrAfterTraining(withLevels);
    const timedOut = trained === null || without === null;
    const gainDb = timedOut ? Number.NaN : trained - without;
    const keep = !timedOut && gainDb >= costDb;
    return {
      gainDb,
      costDb,
      keep,
      config: keep ? withLevels : o.config,
      iterations,
      ms: performance.now() - started,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** PSNR (8-bit RGB) of the probe frames rendered from `params` against `targets`, over all their samples. */
function probePsnr(
  factory: RendererFactory,
  config: ModelConfig,
  params: ParamSet,
  o: FrameLevelProbeOptions,
  targets: Uint8Array[],
): number {
  const renderer = factory({ config, params }) as ReturnType<RendererFactory> & { dispose?: () => void };
  try {
    const meter = new PsnrMeter();
    o.times.forEach((t, i) => {
      meter.add(toRgb8(renderer.renderFrame(t, o.probeWidth, o.probeHeight)), targets[i]);
    });
    // A perfect render counts as 100 dB so that two of them differ by 0, not by NaN.
    return Math.min(100, meter.summary().average);
  } finally {
    renderer.dispose?.();
  }
}

/** The source pixel under each pixel centre of a `w` × `h` render (what a render at that size samples). */
function pointSample(frame: Uint8Array, width: number, height: number, w: number, h: number): Uint8Array {
  if (w === width && h === height) return frame;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / w));
      const s = (sy * width + sx) * 3;
      const d = (y * w + x) * 3;
      out[d] = frame[s];
      out[d + 1] = frame[s + 1];
      out[d + 2] = frame[s + 2];
    }
  }
  return out;
}
