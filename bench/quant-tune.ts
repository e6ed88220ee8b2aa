/**
 * Straight-through training of the hash tables at one depth, and what the trained weights then give packed at
 * 8, 7, 6 and 5 bits (per-tensor Huffman tables, decoded PSNR on every 8th frame). Either inside the training
 * (--qat F: the last F of it sees the tables quantized at --qat-bits) or as a fine-tune after a plain training
 * (--tune MIN: MIN more minutes from its weights at --tune-rate × the default learning rates, straight-through
 * over the whole fine-tune); the plain training's own packs are printed first then.
 *
 *   npx tsx bench/quant-tune.ts --clip vtest --profile S --minutes 3 --qat 0.3 --qat-bits 5
 *   npx tsx bench/quant-tune.ts --clip bunny --profile S --minutes 3 --tune 0.9 --tune-rate 0.3
 */
import { parseArgs } from 'node:util';
import { chooseRenderer } from '../src/cli/engines.js';
import { uniformBitAllocation } from '../src/codec/encoder/bit-allocation.js';
import { PROFILE_NAMES, type ProfileName, profileConfig } from '../src/codec/model/config.js';
import type { ParamSet } from '../src/codec/model/params.js';
import { DEFAULT_GROUP_RATES, scaleRates } from '../src/codec/train/rates.js';
import type { TrainOptions } from '../src/codec/train/trainer.js';
import { type ClipName, loadClip } from './lib/clips.js';
import { decodedQuality, everyEighthFrame } from './lib/decoded-quality.js';
import { trainOnClock } from './lib/train-on-clock.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'vtest' },
    profile: { type: 'string', default: 'S' },
    minutes: { type: 'string', default: '3' },
    qat: { type: 'string', default: '0' },
    'qat-bits': { type: 'string', default: '5' },
    tune: { type: 'string' },
    'tune-rate': { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '1' },
  },
});
const profile = values.profile as ProfileName;
if (!PROFILE_NAMES.includes(profile))
  throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got '${values.profile}'`);
const clip = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const { width, height } = clip;
const config = profileConfig(profile, width, height, clip.frames.length);
const qatBits = Number(values['qat-bits']);
const renderer = chooseRenderer('auto');
const evalFrames = everyEighthFrame(clip.frames.length);

async function trainFor(minutes: number, extra: Partial<TrainOptions>): Promise<ParamSet> {
  const result = await trainOnClock(clip, config, minutes, Number(values.seed), extra);
  process.stdout.write(`  trained ${result.iteration} iterations in ${minutes} min\n`);
  return result.params;
}

function packs(label: string, params: ParamSet): void {
  for (const bits of [8, 7, 6, 5]) {
    const m = decodedQuality(clip, config, params, evalFrames, renderer.factory, uniformBitAllocation(bits), {
      tables: 'tensor',
    });
    process.stdout.write(
      `${clip.name} ${profile} ${label} packed at ${bits}\t${m.psnr.toFixed(2)} dB\t${m.bpp.toFixed(4)} bpp\n`,
    );
  }
}

const qat = Number(values.qat);
const params = await trainFor(
  Number(values.minutes),
  qat > 0 ? { quantAware: { fraction: qat, groups: { encoding: qatBits } } } : {},
);
if (values.tune === undefined) {
  packs(qat > 0 ? `straight-through ${qat} at ${qatBits} bits` : 'plain', params);
} else {
  packs('plain', params);
  const rate = Number(values['tune-rate']);
  const tuned = await trainFor(Number(values.tune), {
    initialParams: params,
    rates: scaleRates(DEFAULT_GROUP_RATES, rate),
    quantAware: { fraction: 1, groups: { encoding: qatBits } },
  });
  packs(`tuned ${values.tune} min at ${rate}× rates, ${qatBits} bits`, tuned);
}
