/**
 * How many and how large probe renders the rd allocation needs (src/codec/encoder/rd-allocation.ts): one trained
 * model (a checkpoint from bench/train-checkpoint.ts) allocated with probes of N frames at a fraction of the clip's
 * size, each allocation then packed as `lirn encode` packs it and scored on every frame. Same model for every
 * row, so only the probes differ; the encoder's default is 8 frames at PROBE_SCALE.
 *
 *   npx tsx bench/allocation-probe.ts --clip bunny --ckpt /tmp/bunny-M.ckpt [--probes 8x1,8x0.5,4x0.5]
 */
import { parseArgs } from 'node:util';
import { chooseRenderer } from '../src/cli/engines.js';
import { DEFAULT_BIT_ALLOCATION } from '../src/codec/encoder/bit-allocation.js';
import { allocateTensorBits, probeTimes } from '../src/codec/encoder/rd-allocation.js';
import { loadCheckpoint } from '../src/codec/train/checkpoint.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { decodedQuality } from './lib/decoded-quality.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    ckpt: { type: 'string' },
    probes: { type: 'string', default: '8x1,4x1,8x0.5,4x0.5,2x1,16x0.5' },
  },
});
if (!values.ckpt) throw new Error('--ckpt FILE is required (bench/train-checkpoint.ts writes one)');
const clip = await loadClip(values.clip as ClipName, { log: () => {} });
const { config, params, iteration } = await loadCheckpoint(values.ckpt);
const frames = clip.frames.length;
const everyFrame = Array.from({ length: frames }, (_, i) => i);
const renderer = chooseRenderer('auto');
process.stdout.write(`${clip.name}, ${iteration} iterations, ${renderer.label}\n`);
for (const probe of values.probes!.split(',')) {
  const m = /^(\d+)x([\d.]+)$/.exec(probe);
  if (!m) throw new Error(`bad probe '${probe}' (expected FRAMESxSCALE, e.g. 8x0.5)`);
  const [count, scale] = [Number(m[1]), Number(m[2])];
  const started = performance.now();
  const a = allocateTensorBits(config, params, frames, DEFAULT_BIT_ALLOCATION, {
    renderer: renderer.factory,
    times: probeTimes(frames, count),
    width: Math.max(1, Math.round(clip.width * scale)),
    height: Math.max(1, Math.round(clip.height * scale)),
  });
  const seconds = (performance.now() - started) / 1000;
  const q = decodedQuality(clip, config, params, everyFrame, renderer.factory, DEFAULT_BIT_ALLOCATION, {
    tables: 'tensor',
    tensorBits: a.tensorBits,
    tensorModes: a.tensorModes,
  });
  process.stdout.write(
    `${count} frames × ${scale}\t${seconds.toFixed(1)} s (${a.renders} renders)\t${q.psnr.toFixed(3)} dB\t${q.bpp.toFixed(5)} bpp\n`,
  );
}
