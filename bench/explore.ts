/**
 * Architecture exploration for the rate-distortion issue: trains named config variants on the native engine
 * from the same seed and batches, and reports decoded PSNR (after quantization + Huffman, every 8th frame)
 * and the whole file's bpp at checkpoints. One variant at a time, so run it on a quiet machine.
 *
 *   npx tsx bench/explore.ts --variants M,M-T1-15 [--clip bunny] [--iterations 3000] [--every 1000] [--bits 6]
 *                            [--save] [--tag NAME]
 *   npx tsx bench/explore.ts --variants M@6,M@4,M@4f --iterations 5000 --every 5000 --save --tag quant
 *   npx tsx bench/explore.ts --variants M@4 --qat 1 --iterations 5000 --every 5000   (tables straight-through)
 *   npx tsx bench/explore.ts --variants M --minutes 2   (each variant trains for 2 minutes on the clock)
 *   npx tsx bench/explore.ts --variants M-mod1,M --seed 2   (another initialisation and batch order)
 *   npx tsx bench/explore.ts --variants M --allocate [--keep-modes]   (+ the rd allocation; depths only)
 *   npx tsx bench/explore.ts --variants M-st+sc --scenes 93 --warp-init zero   (the warp from 0, not the motion)
 *
 * With --save the last checkpoint of every variant goes to bench/results/explore-<clip>.json (a RESULTS.md
 * section; headline rows compare each variant with the first one, at the same iterations and seed).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import { DEFAULT_BIT_ALLOCATION, uniformBitAllocation } from '../src/codec/encoder/bit-allocation.js';
import { allocateTensorBits } from '../src/codec/encoder/rd-allocation.js';
import type { GroupRates } from '../src/codec/engine/types.js';
import {
  applyAspect,
  hashGrid,
  levelYResolution,
  type ModelConfig,
  profileConfig,
  profileTimeResolutions,
} from '../src/codec/model/config.js';
import { type ParamSet, parameterCount } from '../src/codec/model/params.js';
import type { TrainCheckpoint } from '../src/codec/train/checkpoint-format.js';
import { DEFAULT_IMPORTANCE, type ImportanceSampling } from '../src/codec/train/importance.js';
import { DEFAULT_GROUP_RATES } from '../src/codec/train/rates.js';
import { MAX_ITERATIONS, train } from '../src/codec/train/trainer.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { decodedQuality, everyEighthFrame } from './lib/decoded-quality.js';
import { type SuiteResult, writeSuiteResult } from './lib/results.js';
import { finishRun, startRunInfo } from './lib/run-info.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    variants: { type: 'string', default: 'M' },
    iterations: { type: 'string', default: '3000' },
    every: { type: 'string', default: '1000' },
    bits: { type: 'string' },
    eps: { type: 'string' },
    frames: { type: 'string' },
    save: { type: 'boolean', default: false },
    freeze: { type: 'string' },
    tag: { type: 'string' },
    fpb: { type: 'string' },
    ppf: { type: 'string' },
    'freeze-groups': { type: 'string', default: 'encoding' },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
    beta2: { type: 'string' },
    rates: { type: 'string' },
    'min-factor': { type: 'string' },
    importance: { type: 'string' },
    scenes: { type: 'string' },
    'warp-init': { type: 'string', default: 'motion' },
    qat: { type: 'string' },
    allocate: { type: 'boolean', default: false },
    'keep-modes': { type: 'boolean', default: false },
    minutes: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
if (!Number.isSafeInteger(Number(values.seed)))
  throw new Error(`--seed must be an integer, got '${values.seed}'`);

/** Geometric progression of `levels` integers from `first` to `last` (0 where `first` is 0 at that level). */
function geometric(levels: number, first: number, last: number): number[] {
  const b = levels === 1 ? 1 : (last / first) ** (1 / (levels - 1));
  return Array.from({ length: levels }, (_, l) => Math.max(1, Math.round(first * b ** l)));
}

type Variant = (w: number, h: number, frames: number) => ModelConfig;

function temporal(
  profile: 'S' | 'M' | 'L',
  first: number,
  last: number,
  staticLevels = 0,
  log2?: number,
): Variant {
  return (w, h) => {
    const c = profileConfig(profile, w, h);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    if (log2) c.encoding.log2_hashmap_size = log2;
    const L = c.encoding.n_levels;
    const times = geometric(L - staticLevels, first, last);
    c.encoding.level_time_resolutions = [...new Array<number>(staticLevels).fill(0), ...times];
    return c;
  };
}

/** S's hypernetwork (rank 6, hidden 32, latent 32) on another profile. */
function smallHyper(c: ModelConfig): ModelConfig {
  c.modulation.rank = 6;
  c.modulation.hyper_hidden = [32];
  c.latent.dim = 32;
  return c;
}

/** The hypernetwork M had before this exploration: rank 12, hidden 64, latent 64. */
function previousHyper(c: ModelConfig): ModelConfig {
  c.modulation.rank = 12;
  c.modulation.hyper_hidden = [64];
  c.latent.dim = 64;
  return c;
}

/** The profile without its coordinate warp. */
function unwarped(profile: 'S' | 'M' | 'L'): Variant {
  return (w, h, f) => ({ ...profileConfig(profile, w, h, f), warp: null });
}

/** The profile with its affine warp at another scale. */
function warpScale(profile: 'S' | 'M' | 'L', scale: number): Variant {
  return (w, h, f) => ({ ...profileConfig(profile, w, h, f), warp: { otype: 'Affine', scale } });
}

/**
 * The profile with extra spatio-temporal levels beside its own (which stay as they are): each extra level has
 * grid resolution `fraction` × the finest level's and time resolution `frames / framesPerCell`.
 */
function extraTemporal(
  profile: 'S' | 'M' | 'L',
  extra: Array<{ fraction: number; framesPerCell: number }>,
): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    const enc = c.encoding;
    if (enc.otype !== 'HashGrid') throw new Error('hash grid expected');
    const finest = enc.level_resolutions[enc.n_levels - 1];
    const times = enc.level_time_resolutions ?? new Array<number>(enc.n_levels).fill(0);
    const finestY = enc.level_y_resolutions?.[enc.n_levels - 1];
    for (const e of extra) {
      enc.level_resolutions.push(Math.max(1, Math.round(finest * e.fraction)));
      if (finestY !== undefined) enc.level_y_resolutions?.push(Math.max(1, Math.round(finestY * e.fraction)));
      times.push(Math.max(1, Math.round(f / e.framesPerCell)));
    }
    enc.n_levels = enc.level_resolutions.length;
    enc.level_time_resolutions = times;
    return c;
  };
}

/** extraTemporal with every extra level at `framesPerCell` (the frame levels of config.ts are [0.05, 0.1, 0.2, 0.4]). */
function perFrame(profile: 'S' | 'M' | 'L', fractions: number[], framesPerCell = 1): Variant {
  return extraTemporal(
    profile,
    fractions.map((fraction) => ({ fraction, framesPerCell })),
  );
}

/** The profile with every level static (no time cells), warp kept. */
function profileStatic(profile: 'S' | 'M' | 'L'): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    delete c.encoding.level_time_resolutions;
    return c;
  };
}

/** The profile's own levels static (no time cells), the frame levels of config.ts appended. */
function staticPlusFrame(profile: 'S' | 'M' | 'L'): Variant {
  return (w, h, f) => {
    const c = perFrame(profile, [0.05, 0.1, 0.2, 0.4])(w, h, f);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    const times = c.encoding.level_time_resolutions!;
    c.encoding.level_time_resolutions = times.map((t, l) => (l < times.length - 4 ? 0 : t));
    return c;
  };
}

/** The paper's static 2-D grid: the profile without time resolutions or warp. */
function staticGrid(profile: 'S' | 'M' | 'L', log2?: number): Variant {
  return (w, h) => {
    const c = profileConfig(profile, w, h);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    delete c.encoding.level_time_resolutions;
    c.warp = null;
    if (log2) c.encoding.log2_hashmap_size = log2;
    return c;
  };
}

/** The profile with square grids over the unit square (the paper's), each level at its longer-axis resolution. */
function squareGrid(profile: 'S' | 'M' | 'L'): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    const enc = c.encoding;
    enc.level_resolutions = enc.level_resolutions.map((n, l) => Math.max(n, levelYResolution(enc, l)));
    delete enc.level_y_resolutions;
    return c;
  };
}

/** The profile with another finest (or base) grid resolution: `finestScale` × the longer frame side. */
function gridSpan(profile: 'S' | 'M' | 'L', finestScale: number, base = 16): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid expected');
    const times = c.encoding.level_time_resolutions;
    const enc = hashGrid(
      c.encoding.n_levels,
      2,
      c.encoding.log2_hashmap_size,
      base,
      Math.round(Math.max(w, h) * finestScale),
    );
    if (times) enc.level_time_resolutions = times;
    applyAspect(enc, w, h);
    c.encoding = enc;
    return c;
  };
}

/** The profile with another base network: `width` neurons, `hidden` hidden layers (the modulated layer kept). */
function baseShape(profile: 'S' | 'M' | 'L', width: number, hidden = 3): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    c.base.n_neurons = width;
    c.base.n_hidden_layers = hidden;
    return c;
  };
}

/** The profile modulating other base layers (the profiles modulate layer 0; layer 1 before 72aab9b). */
function modulated(profile: 'S' | 'M' | 'L', layers: number[], rank?: number): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    c.modulation.layers = layers;
    if (rank) c.modulation.rank = rank;
    return c;
  };
}

/** The profile with another hypernetwork: latent dimension, hidden width, modulation rank (undefined: kept). */
function hyperShape(
  profile: 'S' | 'M' | 'L',
  shape: { latent?: number; hidden?: number; rank?: number },
): Variant {
  return (w, h, f) => {
    const c = profileConfig(profile, w, h, f);
    if (shape.latent) c.latent.dim = shape.latent;
    if (shape.hidden) c.modulation.hyper_hidden = [shape.hidden];
    if (shape.rank) c.modulation.rank = shape.rank;
    return c;
  };
}

/** A variant with scene starts (`--scenes 93,…`, frame indices) on its hash grid, its levels as they are: VARIANT+sc. */
function withSceneStarts(config: ModelConfig, scenes: string | undefined): ModelConfig {
  if (!scenes) throw new Error('a +sc variant needs --scenes FRAME[,FRAME…]');
  if (config.encoding.otype !== 'HashGrid') throw new Error('+sc needs a hash grid');
  return { ...config, encoding: { ...config.encoding, scene_starts: scenes.split(',').map(Number) } };
}

const variants: Record<string, Variant> = {
  S: (w, h, f) => profileConfig('S', w, h, f),
  M: (w, h, f) => profileConfig('M', w, h, f),
  L: (w, h, f) => profileConfig('L', w, h, f),
  'S-square': squareGrid('S'),
  'M-square': squareGrid('M'),
  'L-square': squareGrid('L'),
  'M-previous': (w, h) => previousHyper(staticGrid('M')(w, h, 1)),
  'M-previous-T': (w, h, f) => previousHyper({ ...profileConfig('M', w, h, f), warp: null }),
  'S-static': staticGrid('S'),
  'S-allT': (w, h, f) => {
    const c = profileConfig('S', w, h, f);
    if (c.encoding.otype === 'HashGrid')
      c.encoding.level_time_resolutions = geometric(12, 1, Math.round(f / 8));
    return c;
  },
  'S-fineT': (w, h, f) => {
    const c = profileConfig('S', w, h, f);
    if (c.encoding.otype === 'HashGrid')
      c.encoding.level_time_resolutions = geometric(12, 1, Math.round(f / 8)).map((t, l) => (l >= 6 ? t : 0));
    return c;
  },
  'M-static': staticGrid('M'),
  'M-static-h15': staticGrid('M', 15),
  'L-static': staticGrid('L'),
  'M-T2-30': temporal('M', 2, 30),
  'M-T4-60': temporal('M', 4, 60),
  'M-T1-15': temporal('M', 1, 15),
  'M-s4-T2-30': temporal('M', 2, 30, 4),
  'S-T2-30': temporal('S', 2, 30),
  'M-T1-15-h15': temporal('M', 1, 15, 0, 15),
  'M-T1-15-h16': temporal('M', 1, 15, 0, 16),
  'S-T1-15-h15': temporal('S', 1, 15, 0, 15),
  'M-w128': baseShape('M', 128),
  'M-F4-L8': (w, h, f) => {
    const c = profileConfig('M', w, h, f);
    const times = profileTimeResolutions(8, f);
    c.encoding = { ...hashGrid(8, 4, 14, 16, Math.max(w, h)), level_time_resolutions: times };
    applyAspect(c.encoding, w, h);
    return c;
  },
  'M-L16-h13': (w, h, f) => {
    const c = profileConfig('M', w, h, f);
    c.encoding = {
      ...hashGrid(16, 2, 13, 16, Math.max(w, h)),
      level_time_resolutions: profileTimeResolutions(16, f),
    };
    applyAspect(c.encoding, w, h);
    return c;
  },
  'M-f320': gridSpan('M', 0.5),
  'M-f480': gridSpan('M', 0.75),
  'M-f960': gridSpan('M', 1.5),
  'M-b8': gridSpan('M', 1, 8),
  'M-b32': gridSpan('M', 1, 32),
  'M-w32': baseShape('M', 32),
  'M-w48': baseShape('M', 48),
  'M-d2': baseShape('M', 64, 2),
  'M-w32-d4': baseShape('M', 32, 4),
  'M-d4': baseShape('M', 64, 4),
  'M-d5': baseShape('M', 64, 5),
  'M-mod1': modulated('M', [1]),
  'M-mod0-r10': modulated('M', [0], 10),
  'M-mod01': modulated('M', [0, 1]),
  'M-mod2': modulated('M', [2]),
  'M-r6': (w, h, f) => smallHyper(profileConfig('M', w, h, f)),
  'M-h15-r6': (w, h, f) => {
    const c = smallHyper(profileConfig('M', w, h, f));
    if (c.encoding.otype === 'HashGrid') c.encoding.log2_hashmap_size = 15;
    return c;
  },
  'L-h16': (w, h, f) => {
    const c = profileConfig('L', w, h, f);
    if (c.encoding.otype === 'HashGrid') c.encoding.log2_hashmap_size = 16;
    return c;
  },
  'S-nowarp': unwarped('S'),
  'M-nowarp': unwarped('M'),
  'L-nowarp': unwarped('L'),
  'L-warp-s10': warpScale('L', 0.1),
  'L-warp-s03': warpScale('L', 0.03),
  'L-warp-s01': warpScale('L', 0.01),
  'L-warpT': (w, h, f) => ({ ...profileConfig('L', w, h, f), warp: { otype: 'Translation', scale: 0.02 } }),
  'M+T2fine': extraTemporal('M', [
    { fraction: 0.35, framesPerCell: 8 },
    { fraction: 0.7, framesPerCell: 8 },
  ]),
  'M+T1f1': perFrame('M', [0.15]),
  'M+T2f1': perFrame('M', [0.1, 0.2]),
  'M+T2f2': perFrame('M', [0.1, 0.2], 2),
  'M+T2f1c': perFrame('M', [0.05, 0.1]),
  'M+T3f1': perFrame('M', [0.1, 0.2, 0.4]),
  'M+T2f1b': perFrame('M', [0.2, 0.4]),
  'M+T4f1': perFrame('M', [0.05, 0.1, 0.2, 0.4]),
  'M+T5f1': perFrame('M', [0.05, 0.1, 0.2, 0.4, 0.8]),
  'M+T4f1-2': extraTemporal('M', [
    ...[0.05, 0.1, 0.2].map((fraction) => ({ fraction, framesPerCell: 1 })),
    { fraction: 0.4, framesPerCell: 2 },
  ]),
  'M+T4f0.5': perFrame('M', [0.05, 0.1, 0.2, 0.4], 0.5),
  'S+T4f1': perFrame('S', [0.05, 0.1, 0.2, 0.4]),
  'L+T4f1': perFrame('L', [0.05, 0.1, 0.2, 0.4]),
  'S-st': profileStatic('S'),
  'M-st': profileStatic('M'),
  'L-st': profileStatic('L'),
  'S-st+T4f1': staticPlusFrame('S'),
  'M-st+T4f1': staticPlusFrame('M'),
  'L-st+T4f1': staticPlusFrame('L'),
  'M-z16': hyperShape('M', { latent: 16 }),
  'M-z64': hyperShape('M', { latent: 64 }),
  'M-hh16': hyperShape('M', { hidden: 16 }),
  'M-hh64': hyperShape('M', { hidden: 64 }),
  'M-r4': hyperShape('M', { rank: 4 }),
  'M-r8': hyperShape('M', { rank: 8 }),
  'M-nomod': modulated('M', []),
  'M-mod012': modulated('M', [0, 1, 2]),
};

const loaded = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const clip = values.frames ? { ...loaded, frames: loaded.frames.slice(0, Number(values.frames)) } : loaded;
const { width, height } = clip;
const frames = clip.frames.length;
const evalFrames = everyEighthFrame(frames);
const renderer = chooseRenderer('auto');

/**
 * A run name is a variant with optional per-run settings: `M@4` packs at 4 bits, `M@4f` also snaps the frozen
 * groups at --freeze (default 0.15) of the iterations; otherwise --bits / --freeze apply.
 */
function parseRun(run: string): { variant: string; bits?: number; freeze?: number } {
  const m = /^([^@]+)(?:@(\d+)(f?))?$/.exec(run);
  if (!m) throw new Error(`bad run '${run}' (expected VARIANT or VARIANT@BITS[f])`);
  const bits = m[2] ? Number(m[2]) : values.bits ? Number(values.bits) : undefined;
  const freeze = m[3]
    ? Number(values.freeze ?? 0.15)
    : m[2]
      ? undefined
      : values.freeze
        ? Number(values.freeze)
        : undefined;
  return { variant: m[1], bits, freeze };
}

/** `--rates encoding=0.05,base=0.005`: base learning rates per parameter group over the defaults. */
function parseRates(spec: string | undefined): Partial<GroupRates> | undefined {
  if (!spec) return undefined;
  return Object.fromEntries(
    spec.split(',').map((kv) => {
      const [group, rate] = kv.split('=');
      if (!(group in DEFAULT_GROUP_RATES) || !Number.isFinite(Number(rate)))
        throw new Error(
          `bad --rates entry '${kv}' (expected GROUP=RATE, groups ${Object.keys(DEFAULT_GROUP_RATES).join(', ')})`,
        );
      return [group, Number(rate)];
    }),
  );
}

/** `--importance uniform=0.5,alpha=1` (or `--importance on` for the defaults): error-driven pixel sampling. */
function parseImportance(spec: string | undefined): Partial<ImportanceSampling> | undefined {
  if (!spec) return undefined;
  if (spec === 'on') return {};
  return Object.fromEntries(
    spec.split(',').map((kv) => {
      const [key, value] = kv.split('=');
      if (!(key in DEFAULT_IMPORTANCE) || !Number.isFinite(Number(value)))
        throw new Error(
          `bad --importance entry '${kv}' (keys ${Object.keys(DEFAULT_IMPORTANCE).join(', ')})`,
        );
      return [key, Number(value)];
    }),
  );
}

// --minutes: every variant trains on the clock (TrainOptions.timeBudgetMs), measured once at its end.
const timeBudgetMs = values.minutes ? Number(values.minutes) * 60_000 : undefined;
const iterations = timeBudgetMs ? MAX_ITERATIONS : Number(values.iterations);
const every = timeBudgetMs ? MAX_ITERATIONS : Number(values.every);
const isFinal = (c: TrainCheckpoint) =>
  c.iteration === iterations || (timeBudgetMs !== undefined && (c.trainedMs ?? 0) >= timeBudgetMs);
const run = startRunInfo(process.cwd(), 'native', renderer.label, false);
const rows: Array<{
  name: string;
  parameters: number;
  seconds: number;
  psnr: number;
  bpp: number;
  decodeFps: number;
  temporal: string;
}> = [];
for (const name of values.variants!.split(',')) {
  const runSettings = parseRun(name);
  const sceneSuffix = runSettings.variant.endsWith('+sc');
  const base = variants[sceneSuffix ? runSettings.variant.slice(0, -3) : runSettings.variant] as
    | Variant
    | undefined;
  const make: Variant | undefined =
    base !== undefined && sceneSuffix ? (w, h, f) => withSceneStarts(base(w, h, f), values.scenes) : base;
  if (!make)
    throw new Error(`unknown variant '${runSettings.variant}' (have ${Object.keys(variants).join(', ')})`);
  const packBits = runSettings.bits ? uniformBitAllocation(runSettings.bits) : undefined;
  const measure = (config: ModelConfig, params: ParamSet) =>
    decodedQuality(clip, config, params, evalFrames, renderer.factory, packBits);
  const config = make(width, height, frames);
  const engine = await chooseTrainEngine('native', config);
  const adam = {
    ...(values.eps ? { epsilon: Number(values.eps) } : {}),
    ...(values.beta2 ? { beta2: Number(values.beta2) } : {}),
  };
  let trainMs = 0;
  let mark = performance.now();
  const allocation = packBits ?? DEFAULT_BIT_ALLOCATION;
  const freezeQuantized = runSettings.freeze
    ? {
        fraction: runSettings.freeze,
        groups: Object.fromEntries(
          values['freeze-groups']!.split(',').map((g) => [g, allocation[g as keyof typeof allocation]]),
        ),
      }
    : undefined;
  const quantAware = values.qat
    ? {
        fraction: Number(values.qat),
        groups: Object.fromEntries(
          values['freeze-groups']!.split(',').map((g) => [g, allocation[g as keyof typeof allocation].bits]),
        ),
      }
    : undefined;
  await train({
    warpInit: values['warp-init'] as 'motion' | 'zero',
    adam,
    freezeQuantized,
    quantAware,
    rates: parseRates(values.rates),
    ...(values['min-factor']
      ? { schedule: { kind: 'cosine', warmup: 50, minFactor: Number(values['min-factor']) } }
      : {}),
    importance: parseImportance(values.importance),
    framesPerBatch: values.fpb ? Number(values.fpb) : undefined,
    pixelsPerFrame: values.ppf ? Number(values.ppf) : undefined,
    frames: clip.frames,
    width,
    height,
    config,
    iterations,
    timeBudgetMs,
    engine,
    seed: Number(values.seed),
    checkpoint: {
      every,
      save: (c) => {
        trainMs += performance.now() - mark;
        const m = measure(config, c.params);
        const parameters = parameterCount(config, frames);
        process.stdout.write(
          `${name}\t${parameters}\tit ${c.iteration}\t${(trainMs / 1000).toFixed(1)} s\t${m.psnr.toFixed(2)} dB\t${m.bpp.toFixed(4)} bpp\n`,
        );
        if (isFinal(c)) {
          const enc = config.encoding;
          const temporal =
            enc.otype === 'HashGrid' && enc.level_time_resolutions
              ? enc.level_time_resolutions.join(',')
              : 'static';
          rows.push({ name, parameters, seconds: trainMs / 1000, temporal, ...m });
        }
        if (isFinal(c) && values.allocate) {
          const started = performance.now();
          const allocation = allocateTensorBits(
            config,
            c.params,
            frames,
            packBits ?? DEFAULT_BIT_ALLOCATION,
            {
              renderer: renderer.factory,
              width,
              height,
            },
            // Tables trained on their grid keep their depth, as in the encoder (gridTrainedGroups).
            { keepModes: values['keep-modes'], ...(quantAware ? { fixedGroups: ['encoding'] } : {}) },
          );
          const seconds = (performance.now() - started) / 1000;
          const tables = decodedQuality(clip, config, c.params, evalFrames, renderer.factory, packBits, {
            tables: 'tensor',
          });
          const a = decodedQuality(clip, config, c.params, evalFrames, renderer.factory, packBits, {
            tables: 'tensor',
            tensorBits: allocation.tensorBits,
            tensorModes: allocation.tensorModes,
          });
          const p = allocation.predicted;
          process.stdout.write(
            `${name}+tables\t${parameters}\tit ${c.iteration}\t${tables.psnr.toFixed(2)} dB\t${tables.bpp.toFixed(4)} bpp\n`,
          );
          process.stdout.write(
            `${name}+rd\t${parameters}\tit ${c.iteration}\t${seconds.toFixed(1)} s allocating (${allocation.renders} renders)\t${a.psnr.toFixed(2)} dB\t${a.bpp.toFixed(4)} bpp\tpredicted ΔMSE ${p.distortion.toExponential(3)} vs ${p.groupDistortion.toExponential(3)}, bytes ${p.bytes.toFixed(0)} vs ${p.groupBytes.toFixed(0)}\n`,
          );
          for (const ch of allocation.choices)
            process.stdout.write(
              `  ${ch.name}\t${ch.elements}\t${ch.groupMode} ${ch.groupBits}→${ch.mode} ${ch.bits}\t${ch.options
                .map((o) => `${o.mode[0]}${o.bits}:${o.distortion.toExponential(2)}/${o.bytes.toFixed(0)}B`)
                .join(' ')}\n`,
            );
          rows.push({
            name: `${name}+tables`,
            parameters,
            seconds: trainMs / 1000,
            temporal: 'a Huffman table per tensor',
            ...tables,
          });
          rows.push({
            name: `${name}+rd`,
            parameters,
            seconds: trainMs / 1000,
            temporal: 'per-tensor depths and tables',
            ...a,
          });
        }
        mark = performance.now();
      },
    },
  });
}

if (values.save && rows.length) {
  const first = rows[0];
  const result: SuiteResult = {
    suite: 'explore',
    clip: values.tag ? `${clip.name}-${values.tag}` : clip.name,
    clipDescription: clip.recipe.description,
    run: finishRun(run),
    settings: {
      iterations,
      seed: Number(values.seed),
      bits: values.bits ?? 'default (or per run: VARIANT@BITS, f = frozen tables)',
      batch:
        values.fpb || values.ppf
          ? `${values.fpb ?? 'default'} frames × ${values.ppf ?? 'default'} pixels`
          : 'trainer default',
      frames,
    },
    headline: rows.slice(1).map((r) => ({
      label: `architecture: ${r.name} minus ${first.name} (seed ${values.seed}, ${iterations} iterations)`,
      value: r.psnr - first.psnr,
      unit: 'dB',
      detail: `${r.psnr.toFixed(2)} vs ${first.psnr.toFixed(2)} dB at ${r.bpp.toFixed(4)} vs ${first.bpp.toFixed(4)} bpp (${((100 * r.bpp) / first.bpp).toFixed(0)}% of the bits)`,
    })),
    tables: [
      {
        title: `Config variants on ${clip.recipe.description}, native engine, decoded PSNR on every 8th frame`,
        columns: [
          'variant',
          'level time resolutions',
          'parameters',
          'train s',
          'decode frames/s',
          'PSNR dB',
          'bpp',
        ],
        digits: [0, 0, 0, 1, 1, 2, 4],
        rows: rows.map((r) => [r.name, r.temporal, r.parameters, r.seconds, r.decodeFps, r.psnr, r.bpp]),
      },
    ],
    plots: [],
    data: rows,
  };
  process.stderr.write(`wrote ${await writeSuiteResult(values.out!, result, {})}\n`);
}
