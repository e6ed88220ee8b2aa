/**
 * A rate ladder trained as a chain against the same profiles trained alone: each rung of the chain starts from the
 * rung below with its hash tables grown (src/codec/model/grow.ts), the first from scratch; every training gets the
 * same wall time. Reports decoded PSNR (every 8th frame, 6-bit group packing) and the whole file's bpp per rung.
 *
 *   npx tsx bench/ladder.ts [--clip bunny] [--rungs S,M,L] [--minutes 2] [--alone] [--seed 1] [--bits 6]
 */
import { parseArgs } from 'node:util';
import { chooseRenderer } from '../src/cli/engines.js';
import { uniformBitAllocation } from '../src/codec/encoder/bit-allocation.js';
import { type ModelConfig, type ProfileName, profileConfig } from '../src/codec/model/config.js';
import type { ParamSet } from '../src/codec/model/params.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { decodedQuality, everyEighthFrame } from './lib/decoded-quality.js';
import { growParams } from './lib/grow.js';
import { trainOnClock } from './lib/train-on-clock.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    rungs: { type: 'string', default: 'S,M,L' },
    minutes: { type: 'string', default: '2' },
    alone: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    bits: { type: 'string', default: '6' },
  },
});

const clip = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const { width, height } = clip;
const frames = clip.frames.length;
const evalFrames = everyEighthFrame(frames);
const renderer = chooseRenderer('auto');
const bits = uniformBitAllocation(Number(values.bits));

let below: { config: ModelConfig; params: ParamSet } | null = null;
for (const rung of values.rungs!.split(',') as ProfileName[]) {
  const config = profileConfig(rung, width, height, frames);
  const initialParams = below && !values.alone ? growParams(below.config, below.params, config) : undefined;
  const result = await trainOnClock(
    clip,
    config,
    Number(values.minutes),
    Number(values.seed),
    initialParams ? { initialParams } : {},
  );
  const m = decodedQuality(clip, config, result.params, evalFrames, renderer.factory, bits);
  process.stdout.write(
    `${rung}${initialParams ? ' grown' : ' alone'}\tit ${result.iteration}\t${m.psnr.toFixed(2)} dB\t${m.bpp.toFixed(4)} bpp\n`,
  );
  below = { config, params: result.params };
}
