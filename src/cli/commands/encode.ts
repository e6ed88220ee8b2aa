import { uniformBitAllocation } from '../../codec/encoder/bit-allocation.js';
import { PROFILE_NAMES, type ProfileName, profileConfig } from '../../codec/model/config.js';
import { parameterCount } from '../../codec/model/params.js';
import type { EncodeEvent } from '../../codec/segmenter/encode.js';
import { MAX_ITERATIONS } from '../../codec/train/trainer.js';
import { encodeFileToLirn, type FileEncodeResult } from '../../media/transcode.js';
import type { DecodeOptions } from '../../media/types.js';
import { alignmentFromFlags } from '../../search/encode-alignment.js';
import { parseCommand, parsePositive, parseSize, requireOption, UsageError } from '../args.js';
import { chooseTrainEngine, probeRenderer } from '../engines.js';
import { createProgress, formatDuration, type ProgressView } from '../progress.js';

export const ENCODE_USAGE = `usage: lirn encode -i INPUT -o OUTPUT.lirn [options]

  -i, --input FILE          any video node-av can read (MP4, MKV, AVI, MOV, …)
  -o, --output FILE         the .lirn file to write (atomically; resumable state in OUTPUT.work/)
  --profile S|M|L           model size (default M)
  --size WxH                scale the source to this size before training
  --fps F                   convert the source frame rate first
  --start SECONDS           skip the beginning
  --frames N                encode at most N frames
  --iterations N            training iterations per cold-started chunk (default 2000; with --minutes, a cap)
  --warm-iterations N       iterations per warm-started chunk (default half)
  --minutes M               train for M minutes of wall time in all instead of a fixed count: each chunk gets
                            a share by its iterations (cold twice a warm one) and ends its schedule on time;
                            the output then depends on the machine's speed
  --segment-seconds S       latent segment (HLS segment) length (default 2)
  --chunk-segments N        segments that share one model (default 4)
  --no-scene-cuts           do not look for scene cuts (a cut starts a segment and a scene of its chunk's model)
  --bits B                  quantization bits for tables/hypernetworks (latents/base get B+2; default 6);
                            at B ≤ 4 the tables train on their quantization grid (straight-through)
  --allocation rd|group     rd (default): each tensor gets the depth that keeps the distortion of --bits for
                            fewer bytes, with its own Huffman table; group: every tensor of a group at --bits
  --engine auto|native|tfjs training engine (default auto: the fastest available)
  --frame-levels auto|on|off  spatio-temporal levels with a time cell per frame, for what moves in place (a fixed
                            camera's people); auto (default): two 500-iteration probes on the first chunk, without
                            and with them, keep them where they gain more than their parameters would elsewhere
  --hold-out A              train only every A-th frame (the rest come from latent interpolation)
  --seed N                  random seed (default 0); the same seed gives the same bytes
  --align builtin           align the latents with the built-in image features (searchable: lirn search)
  --align-features FILE     … with per-frame embeddings from FILE (.npy, JSON or msgpack, one row per frame)
  --align-tokens FILE       … with a token sequence for the whole video (e.g. a video-LLM's query tokens):
                            frame t of T aligns with token floor(t·K/T) of K
  --align-model DIR         … with CLIP image embeddings from a local model directory
  --align-lambda L          weight of the alignment loss (default 0.01)
  --align-space NAME        feature space name stored for --align-features/-tokens (default: the file's, or
                            file:NAME / tokens:NAME)
`;

/** Iterations per cold-started chunk when neither --iterations nor --minutes is given. */
export const DEFAULT_ITERATIONS = 2000;

export const encodeOptions = {
  input: { type: 'string', short: 'i' },
  output: { type: 'string', short: 'o' },
  profile: { type: 'string', default: 'M' },
  size: { type: 'string' },
  fps: { type: 'string' },
  start: { type: 'string' },
  frames: { type: 'string' },
  iterations: { type: 'string' },
  minutes: { type: 'string' },
  'warm-iterations': { type: 'string' },
  'segment-seconds': { type: 'string' },
  'chunk-segments': { type: 'string' },
  'no-scene-cuts': { type: 'boolean', default: false },
  bits: { type: 'string' },
  allocation: { type: 'string', default: 'rd' },
  engine: { type: 'string', default: 'auto' },
  'hold-out': { type: 'string' },
  'frame-levels': { type: 'string', default: 'auto' },
  seed: { type: 'string', default: '0' },
  align: { type: 'string' },
  'align-features': { type: 'string' },
  'align-tokens': { type: 'string' },
  'align-model': { type: 'string' },
  'align-lambda': { type: 'string' },
  'align-space': { type: 'string' },
} as const;

export type EncodeValues = ReturnType<typeof parseCommand<typeof encodeOptions>>['values'];

export function profileOf(text: string): ProfileName {
  const p = text.toUpperCase();
  if (!(PROFILE_NAMES as readonly string[]).includes(p)) {
    throw new UsageError(`unknown profile '${text}' (expected one of ${PROFILE_NAMES.join(', ')})`);
  }
  return p as ProfileName;
}

export function allocationOf(text: string): 'rd' | 'group' {
  if (text !== 'rd' && text !== 'group')
    throw new UsageError(`--allocation must be rd or group, got '${text}'`);
  return text;
}

export function encodeProgress(label = 'encode'): { onEvent: (e: EncodeEvent) => void; stop: () => void } {
  let view: ProgressView | null = null;
  let total = 0;
  let base = 0;
  return {
    onEvent(e) {
      if (e.phase === 'plan') {
        total = e.plan.chunks.length;
        process.stderr.write(`${label}: ${e.plan.segments.length} segments in ${total} chunk(s)\n`);
      } else if (e.phase === 'train') {
        if (!view) view = createProgress(total * 1000, label);
        base = e.chunk * 1000;
        view.update(base + Math.round((1000 * e.iteration) / e.iterations), {
          chunk: `${e.chunk + 1}/${e.chunks}`,
          it: `${e.iteration}/${e.iterations}`,
          psnr: `${e.psnr.toFixed(2)}dB`,
          eta: formatDuration(e.etaMs / 1000),
        });
      } else if (e.phase === 'frame-levels-probe') {
        process.stderr.write(
          `${label}: probing frame levels on the first chunk (2 × ${e.iterations} iterations)\n`,
        );
      } else if (e.phase === 'frame-levels') {
        const why = e.timedOut
          ? 'the probes ran past their share of the time budget'
          : `they gain ${e.gainDb.toFixed(2)} dB where their parameters would buy ${e.costDb.toFixed(2)}`;
        process.stderr.write(
          `${label}: frame levels ${e.keep ? 'kept' : 'left out'} (${why}; ${(e.ms / 1000).toFixed(1)} s)\n`,
        );
      } else if (e.phase === 'pack' && view) {
        view.update(e.chunk * 1000 + 1000, { chunk: `${e.chunk + 1}/${e.chunks}`, it: 'coding weights' });
      } else if (e.phase === 'chunk-done' && e.resumed) {
        process.stderr.write(`${label}: chunk ${e.chunk + 1}/${e.chunks} restored from its checkpoint\n`);
      }
    },
    stop: () => view?.stop(),
  };
}

export async function runEncode(values: EncodeValues, usage = ENCODE_USAGE): Promise<FileEncodeResult> {
  const input = requireOption(values.input, '-i INPUT', usage);
  const output = requireOption(values.output, '-o OUTPUT', usage);
  const profile = profileOf(values.profile ?? 'M');
  const decode: DecodeOptions = {};
  if (values.size) Object.assign(decode, parseSize(values.size));
  if (values.fps) decode.fps = parsePositive(values.fps, '--fps');
  if (values.start !== undefined) {
    const start = Number(values.start);
    if (!Number.isFinite(start) || start < 0)
      throw new UsageError(`--start must be ≥ 0 seconds, got '${values.start}'`);
    decode.start = start;
  }
  if (values.frames) decode.frames = parsePositive(values.frames, '--frames', { integer: true });
  const minutes = parsePositive(values.minutes, '--minutes');
  const iterations =
    parsePositive(values.iterations, '--iterations', { integer: true }) ??
    (minutes === undefined ? DEFAULT_ITERATIONS : MAX_ITERATIONS);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const alignment = await alignmentFromFlags({
    align: values.align,
    features: values['align-features'],
    tokens: values['align-tokens'],
    model: values['align-model'],
    lambda: values['align-lambda'],
    space: values['align-space'],
  });
  const progress = encodeProgress();
  let configFor = (w: number, h: number, chunkFrames?: number) => profileConfig(profile, w, h, chunkFrames);
  const engine = await chooseTrainEngine(values.engine ?? 'auto', configFor(64, 64));
  try {
    const result = await encodeFileToLirn({
      input,
      output,
      config: configFor,
      decode,
      iterations,
      ...(minutes === undefined ? {} : { timeBudgetMs: minutes * 60_000 }),
      warmIterations: parsePositive(values['warm-iterations'], '--warm-iterations', { integer: true }),
      segmentSeconds: parsePositive(values['segment-seconds'], '--segment-seconds'),
      segmentsPerChunk: parsePositive(values['chunk-segments'], '--chunk-segments', { integer: true }),
      sceneCuts: !values['no-scene-cuts'],
      engine,
      seed,
      bits: values.bits
        ? uniformBitAllocation(parsePositive(values.bits, '--bits', { integer: true })!)
        : undefined,
      allocation: allocationOf(values.allocation ?? 'rd'),
      renderer: probeRenderer(),
      holdOut: parsePositive(values['hold-out'], '--hold-out', { integer: true }),
      frameLevels: frameLevelsOf(values['frame-levels']),
      alignment,
      onEvent: progress.onEvent,
    });
    progress.stop();
    configFor = () => result.file.chunks[0].config;
    const params = parameterCount(result.file.chunks[0].config, result.file.chunks[0].frameCount);
    process.stderr.write(
      `${output}: ${result.source.frameCount} frames ${result.source.width}x${result.source.height}, ` +
        `${result.file.chunks.length} model(s) of ${params} parameters, ${result.bytes} bytes, ${result.bpp.toFixed(4)} bpp, engine ${result.engine || 'none (all chunks restored)'}\n`,
    );
    return result;
  } catch (e) {
    progress.stop();
    throw e;
  }
}

function frameLevelsOf(value: string): 'auto' | 'on' | 'off' {
  if (value === 'auto' || value === 'on' || value === 'off') return value;
  throw new UsageError(`--frame-levels must be auto, on or off, got '${value}'`);
}

export async function encodeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, encodeOptions, ENCODE_USAGE);
  await runEncode(values);
  return 0;
}
