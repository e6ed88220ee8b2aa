/**
 * Bits per component (issue 3's benchmark): one model trained on the bunny clip, packed at 8, 6 and 4 bits (latents
 * and base at +2, as `--bits` does), with the bytes of every component of the whole file and the PSNR each depth
 * costs, measured on decoded frames (every 4th).
 *
 *   npx tsx bench/components.ts [--clip bunny] [--profile M] [--iterations 4000]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { componentBytes } from '../src/cli/commands/info.js';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import { StreamDecoder } from '../src/codec/decoder/stream-decoder.js';
import { uniformBitAllocation } from '../src/codec/encoder/bit-allocation.js';
import { packChunk } from '../src/codec/encoder/pack.js';
import { PsnrMeter } from '../src/codec/metrics/index.js';
import { type ProfileName, profileConfig } from '../src/codec/model/config.js';
import { parameterCount } from '../src/codec/model/params.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { train } from '../src/codec/train/trainer.js';
import { writeLirnFile } from '../src/container/index.js';
import { newLirnFile } from '../src/container/lirn-file.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { type SuiteResult, writeSuiteResult } from './lib/results.js';
import { finishRun, startRunInfo } from './lib/run-info.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    profile: { type: 'string', default: 'M' },
    iterations: { type: 'string', default: '4000' },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
  },
});

const clip = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const { width, height } = clip;
const profile = values.profile as ProfileName;
const config = profileConfig(profile, width, height);
const renderer = chooseRenderer('auto');
const engine = await chooseTrainEngine('auto', config);
const run = startRunInfo(process.cwd(), engine.name, renderer.label, false);
const trained = await train({
  frames: clip.frames,
  width,
  height,
  config,
  iterations: Number(values.iterations),
  engine,
  seed: 1,
});
const frames = clip.frames.length;
const pixels = width * height * frames;

const depths = [8, 6, 4].map((bits) => {
  const { chunk, samples } = packChunk(
    config,
    trained.params,
    { width, height, firstFrame: 0, frameCount: frames },
    uniformBitAllocation(bits),
  );
  const file = newLirnFile(
    { timescale: clip.fps.num, sampleDuration: clip.fps.den, frameCount: frames, width, height },
    [chunk],
    [{ chunkIndex: 0, firstFrame: 0, baseMediaDecodeTime: 0, samples }],
  );
  const bytes = writeLirnFile(file);
  const decoder = new StreamDecoder(file, renderer.factory);
  const meter = new PsnrMeter();
  for (let t = 0; t < frames; t += 4) meter.add(toRgb8(decoder.renderFrame(t)), clip.frames[t]);
  return {
    bits,
    bytes: bytes.length,
    bpp: (bytes.length * 8) / pixels,
    psnr: meter.summary().average,
    components: componentBytes(file, bytes.length),
  };
});
const names = depths[0].components.map((c) => c.component);
const ref = depths[0];

const result: SuiteResult = {
  suite: 'components',
  clip: clip.name,
  clipDescription: clip.recipe.description,
  run: finishRun(run),
  settings: {
    profile,
    iterations: Number(values.iterations),
    parameters: parameterCount(config, frames),
    engine: trained.engine,
  },
  headline: depths.slice(1).map((d) => ({
    label: `profile ${profile}: ${d.bits}-bit tables/hypernetworks (latents, base at ${d.bits + 2}) against 8-bit`,
    value: d.psnr - ref.psnr,
    unit: 'dB',
    detail: `${d.bpp.toFixed(4)} vs ${ref.bpp.toFixed(4)} bpp (${((100 * d.bytes) / ref.bytes).toFixed(0)}% of the bytes)`,
  })),
  tables: [
    {
      title: `Bytes per component, profile ${profile} (${parameterCount(config, frames)} parameters, ${trained.iteration} iterations on ${trained.engine})`,
      columns: ['bits', 'PSNR dB', 'bpp', ...names.map((n) => `${n} bytes (bpp share)`)],
      digits: [0, 2, 4, ...names.map(() => 0)],
      rows: depths.map((d) => [
        d.bits,
        d.psnr,
        d.bpp,
        ...names.map((n) => {
          const c = d.components.find((x) => x.component === n)!;
          return `${c.bytes} (${(100 * c.share).toFixed(1)}%)`;
        }),
      ]),
      note: 'The same trained weights packed at each depth; latents and the base network get two more bits (paper appendix B.2). PSNR on every 4th decoded frame.',
    },
  ],
  plots: [],
  data: depths,
};
process.stderr.write(`wrote ${await writeSuiteResult(values.out!, result)}\n`);
for (const d of depths)
  process.stdout.write(`${d.bits}-bit: ${d.bytes} bytes, ${d.bpp.toFixed(4)} bpp, ${d.psnr.toFixed(2)} dB\n`);
