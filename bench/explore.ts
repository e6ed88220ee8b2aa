/**
 * Architecture exploration for the rate-distortion issue: trains named config variants on the native engine
 * from the same seed and batches, and reports decoded PSNR (after quantization + Huffman, every 8th frame)
 * and the whole file's bpp at checkpoints. One variant at a time, so run it on a quiet machine.
 *
 *   npx tsx bench/explore.ts --variants M,M-T30 [--clip bunny] [--iterations 3000] [--every 1000]
 */
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import { StreamDecoder } from '../src/codec/decoder/stream-decoder.js';
import { packChunk } from '../src/codec/encoder/pack.js';
import { uniformBitAllocation } from '../src/codec/encoder/bit-allocation.js';
import { DEFAULT_ADAM, type EngineFactory } from '../src/codec/engine/types.js';
import { PsnrMeter } from '../src/codec/metrics/index.js';
import { type ModelConfig, profileConfig } from '../src/codec/model/config.js';
import { parameterCount } from '../src/codec/model/params.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { train } from '../src/codec/train/trainer.js';
import { writeLirnFile } from '../src/container/index.js';
import { newLirnFile } from '../src/container/lirn-file.js';
import { type ClipName, loadClip } from './lib/clips.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    variants: { type: 'string', default: 'M' },
    iterations: { type: 'string', default: '3000' },
    every: { type: 'string', default: '1000' },
    bits: { type: 'string' },
    eps: { type: 'string' },
    frames: { type: 'string' },
    beta2: { type: 'string' },
  },
});

/** Geometric progression of `levels` integers from `first` to `last` (0 where `first` is 0 at that level). */
function geometric(levels: number, first: number, last: number): number[] {
  const b = levels === 1 ? 1 : (last / first) ** (1 / (levels - 1));
  return Array.from({ length: levels }, (_, l) => Math.max(1, Math.round(first * b ** l)));
}

type Variant = (w: number, h: number, frames: number) => ModelConfig;

function temporal(profile: 'S' | 'M' | 'L', first: number, last: number, staticLevels = 0, log2?: number): Variant {
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

const variants: Record<string, Variant> = {
  S: (w, h) => profileConfig('S', w, h),
  M: (w, h) => profileConfig('M', w, h),
  'M-T2-30': temporal('M', 2, 30),
  'M-T4-60': temporal('M', 4, 60),
  'M-T1-15': temporal('M', 1, 15),
  'M-s4-T2-30': temporal('M', 2, 30, 4),
  'S-T2-30': temporal('S', 2, 30),
  'M-T1-15-h15': temporal('M', 1, 15, 0, 15),
  'M-T1-15-h16': temporal('M', 1, 15, 0, 16),
  'S-T1-15-h15': temporal('S', 1, 15, 0, 15),
};

const loaded = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const clip = values.frames ? { ...loaded, frames: loaded.frames.slice(0, Number(values.frames)) } : loaded;
const { width, height } = clip;
const frames = clip.frames.length;
const evalStride = Math.min(8, frames);
const evalFrames = Array.from({ length: Math.ceil(frames / evalStride) }, (_, i) => i * evalStride);
const renderer = chooseRenderer('auto');

function measure(config: ModelConfig, params: Parameters<typeof packChunk>[1]) {
  const bits = values.bits ? Number(values.bits) : undefined;
  const { chunk, samples } = packChunk(
    config,
    params,
    { width, height, firstFrame: 0, frameCount: frames },
    bits ? uniformBitAllocation(bits) : undefined,
  );
  const file = newLirnFile(
    { timescale: clip.fps.num, sampleDuration: clip.fps.den, frameCount: frames, width, height },
    [chunk],
    [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
  );
  const bytes = writeLirnFile(file).length;
  const decoder = new StreamDecoder(file, renderer.factory);
  const meter = new PsnrMeter();
  for (const t of evalFrames) meter.add(toRgb8(decoder.renderFrame(t)), clip.frames[t]);
  return { psnr: meter.summary().average, bpp: (bytes * 8) / (width * height * frames) };
}

const iterations = Number(values.iterations);
const every = Number(values.every);
for (const name of values.variants!.split(',')) {
  const make = variants[name];
  if (!make) throw new Error(`unknown variant '${name}' (have ${Object.keys(variants).join(', ')})`);
  const config = make(width, height, frames);
  const chosen = await chooseTrainEngine('native', config);
  const adam = {
    ...DEFAULT_ADAM,
    ...(values.eps ? { epsilon: Number(values.eps) } : {}),
    ...(values.beta2 ? { beta2: Number(values.beta2) } : {}),
  };
  const engine: EngineFactory = {
    name: chosen.name,
    available: () => chosen.available(),
    create: (o) => chosen.create({ ...o, adam }),
  };
  let trainMs = 0;
  let mark = performance.now();
  await train({
    frames: clip.frames,
    width,
    height,
    config,
    iterations,
    engine,
    seed: 1,
    checkpoint: {
      every,
      save: (c) => {
        trainMs += performance.now() - mark;
        const m = measure(config, c.params);
        process.stdout.write(
          `${name}\t${parameterCount(config, frames)}\tit ${c.iteration}\t${(trainMs / 1000).toFixed(1)} s\t${m.psnr.toFixed(2)} dB\t${m.bpp.toFixed(4)} bpp\n`,
        );
        mark = performance.now();
      },
    },
  });
}
