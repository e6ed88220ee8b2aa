/**
 * Calibration of the frame-level probe (src/codec/segmenter/frame-levels.ts) on the benchmark clips: each profile
 * trained for a fixed count from the probe's seed as is, with frame levels, and with its hash tables doubled, then
 * scored on the 8 probe frames at full size. The frame levels' gain is what the encoder's probe weighs against
 * FRAME_LEVEL_DB_PER_DOUBLING; the doubled tables show what the same share of parameters buys otherwise.
 *
 *   npx tsx bench/frame-level-probe.ts [--clips bunny,vtest] [--profiles S,M,L] [--iterations 150,500]
 */
import { parseArgs } from 'node:util';
import { chooseRenderer, chooseTrainEngine } from '../src/cli/engines.js';
import type { FrameRenderer } from '../src/codec/decoder/stream-decoder.js';
import { probeTimes } from '../src/codec/encoder/rd-allocation.js';
import { PsnrMeter } from '../src/codec/metrics/index.js';
import {
  type ModelConfig,
  type ProfileName,
  profileConfig,
  withFrameLevels,
} from '../src/codec/model/config.js';
import { type ParamSet, parameterCount } from '../src/codec/model/params.js';
import { toRgb8 } from '../src/codec/render/output.js';
import { train } from '../src/codec/train/trainer.js';
import { type ClipName, loadClip } from './lib/clips.js';

const { values } = parseArgs({
  options: {
    clips: { type: 'string', default: 'bunny,vtest' },
    profiles: { type: 'string', default: 'S,M,L' },
    iterations: { type: 'string', default: '500' },
  },
});
const renderer = chooseRenderer('auto');
for (const clipName of values.clips!.split(',')) {
  const clip = await loadClip(clipName as ClipName, { log: () => {} });
  const F = clip.frames.length;
  const times = probeTimes(F);
  const { width: w, height: h } = clip;
  const psnrOf = (config: ModelConfig, params: ParamSet) => {
    const r = renderer.factory({ config, params }) as FrameRenderer & { dispose?: () => void };
    const meter = new PsnrMeter();
    for (const t of times) meter.add(toRgb8(r.renderFrame(t, w, h)), clip.frames[t]);
    r.dispose?.();
    return meter.summary().average;
  };
  for (const profile of values.profiles!.split(',') as ProfileName[]) {
    const base = profileConfig(profile, w, h, F);
    const bigger: ModelConfig = structuredClone(base);
    if (bigger.encoding.otype === 'HashGrid') bigger.encoding.log2_hashmap_size += 1;
    const withLevels = withFrameLevels(base, F);
    for (const iterations of values.iterations!.split(',').map(Number)) {
      const out: string[] = [];
      let p0 = 0;
      for (const [name, c] of [
        ['base', base],
        ['+frame levels', withLevels],
        ['tables ×2', bigger],
      ] as const) {
        const r = await train({
          frames: clip.frames,
          width: w,
          height: h,
          config: c,
          iterations,
          engine: await chooseTrainEngine('native', c),
          seed: 104729,
        });
        const p = psnrOf(c, r.params);
        if (name === 'base') p0 = p;
        out.push(
          `${name} ${p.toFixed(2)} dB (${name === 'base' ? '' : `${p - p0 >= 0 ? '+' : ''}${(p - p0).toFixed(2)}, `}×${(parameterCount(c, F) / parameterCount(base, F)).toFixed(2)} params)`,
        );
      }
      process.stdout.write(`${clipName} ${profile} ${iterations} it: ${out.join('; ')}\n`);
    }
  }
}
