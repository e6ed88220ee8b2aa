import { resolve } from 'node:path';
import { PROFILE_NAMES, type ProfileName, profileConfig } from '../../codec/model/config.js';
import { parseCommand, parsePositive, UsageError } from '../args.js';
import { chooseRenderer, chooseTrainEngine } from '../engines.js';

export const BENCH_USAGE = `usage: lirn bench [SUITE ...] [options]      (npm run bench -- [SUITE ...] [options])

Measures the codec against its peers on the same clips in one run and writes bench/results/<suite>-<clip>.json,
SVG plots beside them, and the summary bench/RESULTS.md.

suites (default: all)
  rd        our profiles S/M/L at a fixed training wall time per point, packed at several bit depths, beside
            x264, x265 (4:2:0, 4:4:4) and SVT-AV1 at several CRFs; BD-rate against x265 4:4:4; RD plots
  interp    train on every α-th frame, score held-out frames beside FFmpeg minterpolate (mci, blend)
  anyres    decode at 2× and ½× beside lanczos resizing of the 1× decode, against the source at that size
  speed     encode time and decode frames/s beside x264/x265; training throughput per engine
  report    run nothing: regenerate the summary from the result files already in the results folder

options
  --quick                 small synthetic clip and short budgets (a few minutes); results go to
                          bench/results/quick/ unless --out says otherwise
  --clips LIST            bunny, vtest, synthetic (default bunny; --quick: synthetic)
  --minutes N             training wall time per RD point (default 20)
  --aux-minutes N         training wall time per model in interp and anyres (default: --minutes)
  --iterations N          fixed training iterations instead of wall-time budgets
  --speed-iterations N    iterations of the speed suite's encode (default 2000, as lirn encode)
  --profiles LIST         profiles for rd (default S,M,L; --quick: S,M)
  --bits LIST             quantization depths for rd (default 8,6,4)
  --tune-bits LIST        rd: these of --bits fine-tune each profile's plain training straight-through (0.3 of
                          its time each, the profile's --minutes split between them) instead of their own
  --alphas LIST           hold-out strides for interp (default 2,4,8)
  --no-peers              skip FFmpeg peers (codecs, minterpolate, lanczos)
  --engine NAME           training engine: auto, native, tfjs (default auto)
  --renderer NAME         decoder: auto, native, reference (default auto)
  --seed N                training seed (default 0)
  --out DIR               results folder (default bench/results)
  --report FILE           summary markdown (default bench/RESULTS.md, or DIR/RESULTS.md with --out/--quick)
`;

const SUITES = ['rd', 'interp', 'anyres', 'speed'] as const;
const CLIPS = ['bunny', 'vtest', 'synthetic'] as const;

const options = {
  quick: { type: 'boolean', default: false },
  clips: { type: 'string' },
  minutes: { type: 'string' },
  'aux-minutes': { type: 'string' },
  iterations: { type: 'string' },
  'speed-iterations': { type: 'string' },
  profiles: { type: 'string' },
  bits: { type: 'string' },
  'tune-bits': { type: 'string' },
  alphas: { type: 'string' },
  'no-peers': { type: 'boolean', default: false },
  engine: { type: 'string', default: 'auto' },
  renderer: { type: 'string', default: 'auto' },
  seed: { type: 'string', default: '0' },
  out: { type: 'string' },
  report: { type: 'string' },
} as const;

function list<T extends string>(
  text: string | undefined,
  allowed: readonly T[],
  what: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(`${what}: unknown '${item}' (expected ${allowed.join(', ')})`);
    }
  }
  if (!items.length) throw new UsageError(`${what} is empty`);
  return items as T[];
}

function integers(text: string | undefined, what: string, min: number, max: number): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < min || v > max)
      throw new UsageError(`${what}: '${s}' is not an integer in ${min}..${max}`);
    return v;
  });
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, options, BENCH_USAGE);
  if (positionals.length === 1 && positionals[0] === 'report') {
    const { defaultOptions } = await import('../../../bench/run.js');
    const { writeReport } = await import('../../../bench/lib/report.js');
    const base = defaultOptions(values.quick ?? false);
    const outDir = values.out ? resolve(values.out) : base.outDir;
    const report = values.report
      ? resolve(values.report)
      : values.out
        ? resolve(outDir, 'RESULTS.md')
        : base.reportPath;
    await writeReport(outDir, report);
    process.stderr.write(`bench: summary of ${outDir} written to ${report}\n`);
    return 0;
  }
  const suites =
    positionals.length && !positionals.includes('all')
      ? list(positionals.join(','), SUITES, 'suite')
      : undefined;
  const { defaultOptions, runBench } = await import('../../../bench/run.js');
  const base = defaultOptions(values.quick ?? false);
  const minutes = parsePositive(values.minutes, '--minutes') ?? base.minutes;
  const outDir = values.out ? resolve(values.out) : base.outDir;
  const profiles = values.profiles
    ? list(values.profiles.toUpperCase(), PROFILE_NAMES as readonly ProfileName[], '--profiles')!
    : base.profiles;
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const rendererName = values.renderer ?? 'auto';
  if (!['auto', 'native', 'reference'].includes(rendererName)) {
    throw new UsageError(`--renderer must be auto, native or reference, got '${rendererName}'`);
  }
  // Every profile is a per-pixel model, so one config stands for all when choosing the engine.
  const engine = await chooseTrainEngine(values.engine ?? 'auto', profileConfig('M', 64, 64));
  const outcome = await runBench({
    ...base,
    suites: suites ?? base.suites,
    clips: list(values.clips, CLIPS, '--clips') ?? base.clips,
    minutes,
    auxMinutes:
      parsePositive(values['aux-minutes'], '--aux-minutes') ?? (values.minutes ? minutes : base.auxMinutes),
    iterations: parsePositive(values.iterations, '--iterations', { integer: true }),
    speedIterations:
      parsePositive(values['speed-iterations'], '--speed-iterations', { integer: true }) ??
      base.speedIterations,
    profiles,
    bits: integers(values.bits, '--bits', 2, 14) ?? base.bits,
    tuneBits: tuneBits(values['tune-bits'], integers(values.bits, '--bits', 2, 14) ?? base.bits),
    alphas: integers(values.alphas, '--alphas', 2, 64) ?? base.alphas,
    peers: !values['no-peers'],
    engine,
    renderer: chooseRenderer(rendererName as 'auto' | 'native' | 'reference'),
    seed,
    outDir,
    command: ['lirn bench', ...argv].join(' '),
    reportPath: values.report
      ? resolve(values.report)
      : values.out
        ? resolve(outDir, 'RESULTS.md')
        : base.reportPath,
  });
  process.stderr.write(`bench: ${outcome.files.length} file(s) written; summary in ${outcome.report}\n`);
  return 0;
}

/** `--tune-bits`: depths that must be among the rd depths (`bits`). */
function tuneBits(text: string | undefined, bits: number[]): number[] | undefined {
  const tuned = integers(text, '--tune-bits', 2, 14);
  const stray = tuned?.filter((b) => !bits.includes(b)) ?? [];
  if (stray.length)
    throw new UsageError(`--tune-bits ${stray.join(',')} not among --bits ${bits.join(',')}`);
  return tuned;
}
