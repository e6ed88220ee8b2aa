/**
 * Semantic latents (issue 8): the paper's Table 2 protocol (PSNR cost of the alignment weight λ) and Table 3/4
 * protocol (recall@1/5/10 of the stored latents against the features themselves) on a labelled set built here.
 *
 * Sources: 8 synthetic scenes (src/media/synthetic.ts, seeds 1–8: different palettes, shapes and motions) and, when
 * the bench clip cache has them, 4 crops each of bunny and vtest (bench/clips): 16 sources, each 96 frames at
 * 64×48. The even frames (48, 4 s at 12 fps, segments of 1 s) are encoded as one video per source with
 * `lirn encode --align builtin` (profile S); the odd frames, never seen by the encoder, are the queries, embedded
 * with the built-in extractor. Database: every frame of every video, either its built-in features (the
 * reference) or its stored latent mapped by the file's lirA projection (ours, decoded from the file's bytes).
 *   - video level (class retrieval, Table 3 left): a query hits when a top-k frame is from its source's video;
 *   - segment level (Table 3 right): … from its source's video and 1 s segment;
 *   - whole video (Table 4): queries are each source's mean query feature, the database one mean-pooled
 *     vector per video.
 * PSNR: the decoded videos (all frames) against their source frames; bpp counts whole files (lirA included).
 *
 *   npx tsx bench/align.ts [--iterations 400] [--lambdas 0,1e-3,1e-2,1e-1] [--quick]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import { BUILTIN_DIM, builtinFeatures } from '../src/codec/align/builtin.js';
import { builtinProvider } from '../src/codec/align/provider.js';
import { StreamDecoder } from '../src/codec/decoder/stream-decoder.js';
import { PsnrMeter } from '../src/codec/metrics/index.js';
import { profileConfig } from '../src/codec/model/config.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { encodeChunked } from '../src/codec/segmenter/encode.js';
import { readLirnFile, writeLirnFile } from '../src/container/index.js';
import { memorySource } from '../src/media/source.js';
import { syntheticScene } from '../src/media/synthetic.js';
import { type LabelledVectors, RECALL_KS, recallAtK } from '../src/search/evaluate.js';
import { meanPool, videoVectors } from '../src/search/vectors.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { type Table, writeSuiteResult } from './lib/results.js';
import { finishRun, startRunInfo } from './lib/run-info.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '400' },
    lambdas: { type: 'string', default: '0,1e-3,1e-2,1e-1' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
  },
});

const W = 64;
const H = 48;
const FPS = 12;
const SOURCE_FRAMES = 96;
const SEGMENT = FPS; // 1 s segments of encoded frames
const iterations = values.quick ? 120 : Number(values.iterations);
const lambdas = values.lambdas!.split(',').map(Number);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Source {
  name: string;
  /** Encoded frames (even source frames) and query frames (odd ones). */
  video: Uint8Array[];
  queries: Uint8Array[];
}

function split(name: string, frames: Uint8Array[]): Source {
  return {
    name,
    video: frames.filter((_, i) => i % 2 === 0),
    queries: frames.filter((_, i) => i % 2 === 1),
  };
}

/** Area-average resampling of an RGB crop (x0, y0, cw × ch of a w-wide frame) to W × H. */
function cropResize(rgb: Uint8Array, w: number, x0: number, y0: number, cw: number, ch: number): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const sy0 = y0 + (y * ch) / H;
    const sy1 = y0 + ((y + 1) * ch) / H;
    for (let x = 0; x < W; x++) {
      const sx0 = x0 + (x * cw) / W;
      const sx1 = x0 + ((x + 1) * cw) / W;
      const acc = [0, 0, 0];
      let area = 0;
      for (let sy = Math.floor(sy0); sy < Math.ceil(sy1); sy++) {
        const wy = Math.min(sy + 1, sy1) - Math.max(sy, sy0);
        for (let sx = Math.floor(sx0); sx < Math.ceil(sx1); sx++) {
          const wx = Math.min(sx + 1, sx1) - Math.max(sx, sx0);
          const o = (sy * w + sx) * 3;
          for (let c = 0; c < 3; c++) acc[c] += wx * wy * rgb[o + c];
          area += wx * wy;
        }
      }
      for (let c = 0; c < 3; c++) out[(y * W + x) * 3 + c] = Math.round(acc[c] / area);
    }
  }
  return out;
}

async function naturalSources(name: ClipName): Promise<Source[]> {
  try {
    const clip = await loadClip(name, { log });
    const cw = Math.floor(clip.width / 2);
    const ch = Math.floor((cw * H) / W);
    const corners = [
      [0, 0],
      [clip.width - cw, 0],
      [0, clip.height - ch],
      [clip.width - cw, clip.height - ch],
    ];
    return corners.map(([x0, y0], i) =>
      split(
        `${name}-crop${i}`,
        clip.frames.slice(0, SOURCE_FRAMES).map((f) => cropResize(f, clip.width, x0, y0, cw, ch)),
      ),
    );
  } catch (e) {
    log(`${name}: not available (${(e as Error).message.split('\n')[0]}); synthetic sources only`);
    return [];
  }
}

const sources: Source[] = [];
for (let seed = 1; seed <= (values.quick ? 4 : 8); seed++) {
  const scene = syntheticScene({ width: W, height: H, frames: SOURCE_FRAMES, seed });
  // Source frame i is time i/2: the odd frames are the in-between pictures.
  sources.push(
    split(
      `synthetic-${seed}`,
      Array.from({ length: SOURCE_FRAMES }, (_, i) => scene.render(i / 2)),
    ),
  );
}
if (!values.quick)
  for (const clip of ['bunny', 'vtest'] as const) sources.push(...(await naturalSources(clip)));
const frames = sources[0].video.length;
log(
  `${sources.length} sources × ${frames} encoded frames, ${sources.length * frames} queries; λ ∈ {${lambdas}}`,
);

const config = profileConfig('S', W, H);
const engine = await chooseTrainEngine('auto', config);
const renderer = chooseRenderer('auto');
const runInfo = startRunInfo(process.cwd(), engine.name, renderer.label, values.quick);

function stack(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

// Labels and queries, shared by every database.
const frameLabels = { video: [] as string[], segment: [] as string[] };
for (const s of sources) {
  for (let t = 0; t < frames; t++) {
    frameLabels.video.push(s.name);
    frameLabels.segment.push(`${s.name}/${Math.floor(t / SEGMENT)}`);
  }
}
const queryRows = sources.flatMap((s) => s.queries.map((q) => builtinFeatures(q, W, H)));
const queries = {
  video: { dim: BUILTIN_DIM, vectors: stack(queryRows), labels: frameLabels.video },
  // Query 2t+1 lies between encoded frames t and t+1: its segment is that of frame t.
  segment: { dim: BUILTIN_DIM, vectors: stack(queryRows), labels: frameLabels.segment },
};
const videoQueries: LabelledVectors = {
  dim: BUILTIN_DIM,
  vectors: stack(
    sources.map((_, k) =>
      meanPool(queries.video.vectors.subarray(k * frames * BUILTIN_DIM), BUILTIN_DIM, 0, frames),
    ),
  ),
  labels: sources.map((s) => s.name),
};

interface Recall {
  video: number[];
  segment: number[];
  whole: number[];
}

function recalls(frameVectors: Float32Array): Recall {
  const db = (labels: string[]): LabelledVectors => ({ dim: BUILTIN_DIM, vectors: frameVectors, labels });
  const wholeDb: LabelledVectors = {
    dim: BUILTIN_DIM,
    vectors: stack(sources.map((_, k) => meanPool(frameVectors, BUILTIN_DIM, k * frames, frames))),
    labels: sources.map((s) => s.name),
  };
  return {
    video: recallAtK(db(frameLabels.video), queries.video),
    segment: recallAtK(db(frameLabels.segment), queries.segment),
    whole: recallAtK(wholeDb, videoQueries),
  };
}

const features = recalls(stack(sources.flatMap((s) => s.video.map((f) => builtinFeatures(f, W, H)))));
log(`features: video ${features.video} segment ${features.segment} whole ${features.whole}`);

interface LambdaRun {
  lambda: number;
  psnr: number;
  bpp: number;
  alignBytes: number;
  seconds: number;
  recall: Recall;
}

const runs: LambdaRun[] = [];
for (const lambda of lambdas) {
  const started = performance.now();
  const latentRows: Float32Array[] = [];
  const meter = new PsnrMeter();
  let bytes = 0;
  let alignBytes = 0;
  for (const [k, s] of sources.entries()) {
    const result = await encodeChunked({
      source: memorySource(s.video, W, H, { num: FPS, den: 1 }),
      config,
      iterations,
      segmentSeconds: 1,
      segmentsPerChunk: frames / SEGMENT,
      sceneCuts: false,
      engine,
      seed: 1000 + k,
      alignment: { provider: builtinProvider(), lambda },
    });
    const fileBytes = writeLirnFile(result.file);
    bytes += fileBytes.length;
    const file = readLirnFile(fileBytes);
    for (const c of file.chunks)
      for (const b of c.extraBoxes ?? []) if (b.type === 'lirA') alignBytes += b.size ?? 0;
    latentRows.push(videoVectors(file).frames);
    const decoder = new StreamDecoder(file, renderer.factory);
    s.video.forEach((f, t) => {
      meter.add(toRgb8(decoder.renderFrame(t)), f);
    });
  }
  const run: LambdaRun = {
    lambda,
    psnr: meter.summary().average,
    bpp: (bytes * 8) / (W * H * frames * sources.length),
    alignBytes: alignBytes / sources.length,
    seconds: (performance.now() - started) / 1000,
    recall: recalls(stack(latentRows)),
  };
  runs.push(run);
  log(
    `λ = ${lambda}: ${run.psnr.toFixed(2)} dB, ${run.bpp.toFixed(3)} bpp, video ${run.recall.video.map((r) => r.toFixed(1))} segment ${run.recall.segment.map((r) => r.toFixed(1))} whole ${run.recall.whole.map((r) => r.toFixed(1))} (${run.seconds.toFixed(0)} s)`,
  );
}

const ks = RECALL_KS.map((k) => `R@${k}`);
const recallColumns = ['video', 'segment', 'whole video'].flatMap((l) => ks.map((k) => `${l} ${k}`));
const recallRow = (r: Recall) => [...r.video, ...r.segment, ...r.whole];
const tables: Table[] = [
  {
    title: 'PSNR cost of the alignment weight λ (paper Table 2 protocol), built-in features, profile S 64×48',
    columns: ['λ', 'PSNR dB', 'bpp', 'lirA bytes/video', 'video R@1', 'segment R@1', 'encode s'],
    rows: runs.map((r) => [
      r.lambda,
      r.psnr,
      r.bpp,
      r.alignBytes,
      r.recall.video[0],
      r.recall.segment[0],
      r.seconds,
    ]),
    digits: [3, 2, 3, 0, 1, 1, 0],
    note: `${sources.length} sources, ${iterations} iterations per video; λ = 0 leaves the projection untrained (its gradient is scaled by λ), as in the paper's λ = 0 row.`,
  },
  {
    title: 'Recall@k (%) of stored latents vs the features themselves (paper Tables 3/4 protocol)',
    columns: ['database', ...recallColumns],
    rows: [
      ['built-in features', ...recallRow(features)],
      ...runs.map((r) => [`latents, λ = ${r.lambda}`, ...recallRow(r.recall)]),
    ],
    digits: [0, ...recallColumns.map(() => 1)],
    note: `${queries.video.labels.length} frame queries (unseen in-between frames), ${sources.length} whole-video queries; database ${sources.length * frames} frames.`,
  },
];
const best = runs.find((r) => r.lambda === 0.01) ?? runs[runs.length - 1];
const path = await writeSuiteResult(values.out!, {
  suite: 'align',
  clip: 'library',
  clipDescription: `${sources.map((s) => s.name).join(', ')}; ${frames} frames each at ${W}×${H}, ${FPS} fps`,
  run: finishRun(runInfo),
  settings: { iterations, lambdas, profile: 'S', width: W, height: H, frames, segmentFrames: SEGMENT },
  headline: [
    {
      label: 'segment-level R@1 of latents (λ = 0.01) minus that of the features',
      value: best.recall.segment[0] - features.segment[0],
      unit: 'points',
    },
    {
      label: 'PSNR cost of λ = 0.01 against λ = 0',
      value: (runs.find((r) => r.lambda === 0)?.psnr ?? Number.NaN) - best.psnr,
      unit: 'dB',
    },
  ],
  tables,
  plots: [],
  data: { features, runs },
});
for (const t of tables) {
  console.log(`\n${t.title}\n| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|`);
  for (const row of t.rows)
    console.log(
      `| ${row.map((c, i) => (typeof c === 'number' ? c.toFixed(t.digits?.[i] ?? 3) : String(c))).join(' | ')} |`,
    );
  if (t.note) console.log(`\n${t.note}`);
}
log(`wrote ${path}`);
