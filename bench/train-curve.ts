/**
 * Training curves (issue 2's benchmark): PSNR against iterations and wall time for profiles S and M on the bunny
 * clip (640×360, 120 frames from 8 s), each on the native engine and — as the peer measured in the same run — on
 * tfjs for a shorter stretch. PSNR is measured on decoded frames (every 8th frame, after quantization + coding), so
 * it is what a viewer gets at that point of training, not the batch loss.
 *
 *   npx tsx bench/train-curve.ts [--clip bunny|vtest] [--iterations 6000] [--tfjs-iterations 300] [--every 500]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import { type ProfileName, profileConfig } from '../src/codec/model/config.js';
import { type ParamSet, parameterCount } from '../src/codec/model/params.js';
import { DEFAULT_BATCH_SAMPLES, DEFAULT_FRAMES_PER_BATCH, train } from '../src/codec/train/trainer.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { decodedQuality, everyEighthFrame } from './lib/decoded-quality.js';
import type { SuiteResult } from './lib/results.js';
import { writeSuiteResult } from './lib/results.js';
import { finishRun, startRunInfo } from './lib/run-info.js';
import { lineChart } from './lib/svg-plot.js';

const BATCH = `${DEFAULT_BATCH_SAMPLES} samples over up to ${DEFAULT_FRAMES_PER_BATCH} frames`;

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    iterations: { type: 'string', default: '6000' },
    'tfjs-iterations': { type: 'string', default: '300' },
    every: { type: 'string', default: '500' },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
  },
});

interface CurvePoint {
  iteration: number;
  seconds: number;
  psnr: number;
  bpp: number;
}

interface Curve {
  profile: ProfileName;
  engine: string;
  parameters: number;
  points: CurvePoint[];
}

const clip = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const { width, height } = clip;
const evalFrames = everyEighthFrame(clip.frames.length);
const renderer = chooseRenderer('auto');
const run = startRunInfo(process.cwd(), 'native + tfjs', renderer.label, false);

/** Decoded PSNR of the model as it stands: pack (quantize + Huffman), write, decode every 8th frame. */
function measure(config: ReturnType<typeof profileConfig>, params: ParamSet): { psnr: number; bpp: number } {
  return decodedQuality(clip, config, params, evalFrames, renderer.factory);
}

async function curve(
  profile: ProfileName,
  engineName: 'native' | 'tfjs',
  iterations: number,
  every: number,
): Promise<Curve> {
  const config = profileConfig(profile, width, height);
  const engine = await chooseTrainEngine(engineName, config);
  const points: CurvePoint[] = [];
  let trainSeconds = 0;
  let lastMark = performance.now();
  let engineLabel = engineName as string;
  const result = await train({
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
        trainSeconds += (performance.now() - lastMark) / 1000;
        const m = measure(config, c.params);
        points.push({ iteration: c.iteration, seconds: trainSeconds, ...m });
        process.stderr.write(
          `${profile} ${engineName} it ${c.iteration}: ${m.psnr.toFixed(2)} dB at ${m.bpp.toFixed(4)} bpp, ${trainSeconds.toFixed(1)} s of training\n`,
        );
        lastMark = performance.now();
      },
    },
  });
  engineLabel = result.engine;
  return { profile, engine: engineLabel, parameters: parameterCount(config, clip.frames.length), points };
}

const iterations = Number(values.iterations);
const tfjsIterations = Number(values['tfjs-iterations']);
const every = Number(values.every);
const curves: Curve[] = [];
for (const profile of ['S', 'M'] as const) {
  curves.push(await curve(profile, 'native', iterations, every));
  curves.push(await curve(profile, 'tfjs', tfjsIterations, Math.max(1, Math.floor(tfjsIterations / 3))));
}

const last = (c: Curve) => c.points[c.points.length - 1];
const speed = (c: Curve) => last(c).iteration / last(c).seconds;
const headline = (['S', 'M'] as const).map((p) => {
  const n = curves.find((c) => c.profile === p && c.engine.startsWith('native'))!;
  const t = curves.find((c) => c.profile === p && c.engine.startsWith('tfjs'))!;
  return {
    label: `profile ${p}: native training iterations/s ÷ tfjs (same batches, same run)`,
    value: speed(n) / speed(t),
    unit: '×',
    detail: `${speed(n).toFixed(1)} vs ${speed(t).toFixed(2)} it/s (${BATCH} per iteration)`,
  };
});

const result: SuiteResult = {
  suite: 'train',
  clip: clip.name,
  clipDescription: clip.recipe.description,
  run: finishRun(run),
  settings: {
    iterations,
    tfjsIterations,
    every,
    evalFrames: evalFrames.length,
    batch: BATCH,
  },
  headline,
  tables: [
    {
      title: `Training curves on ${clip.recipe.description} (decoded PSNR on every 8th frame, after 8/10-bit quantization + Huffman)`,
      columns: ['profile', 'engine', 'parameters', 'iteration', 'train s', 'PSNR dB', 'bpp'],
      digits: [0, 0, 0, 0, 1, 2, 4],
      rows: curves.flatMap((c) =>
        c.points.map((p) => [c.profile, c.engine, c.parameters, p.iteration, p.seconds, p.psnr, p.bpp]),
      ),
    },
  ],
  plots: [],
  data: curves,
};

const series = (x: (p: CurvePoint) => number) =>
  curves.map((c) => ({
    label: `${c.profile} · ${c.engine}`,
    points: c.points.map((p) => [x(p), p.psnr] as const),
    dashed: c.engine.startsWith('tfjs'),
  }));
const svgs = {
  [`train-${clip.name}-time.svg`]: lineChart({
    title: `PSNR vs training time — ${clip.recipe.description}`,
    xLabel: 'training wall time (s)',
    yLabel: 'RGB PSNR (dB)',
    xScale: 'log',
    series: series((p) => p.seconds),
  }),
  [`train-${clip.name}-iterations.svg`]: lineChart({
    title: `PSNR vs iterations — ${clip.recipe.description}`,
    xLabel: 'iterations',
    yLabel: 'RGB PSNR (dB)',
    xScale: 'log',
    series: series((p) => p.iteration),
  }),
};
const path = await writeSuiteResult(values.out!, result, svgs);
process.stderr.write(`wrote ${path}\n`);
for (const h of headline) process.stdout.write(`${h.label}: ${h.value.toFixed(1)}${h.unit} (${h.detail})\n`);
