/**
 * Trains a profile on a benchmark clip (native engine, fixed iterations, seed 1) and saves the final trainer
 * checkpoint (parameters + Adam state), for experiments on the coding of one trained model (e.g.
 * bench/allocation-probe.ts) without training again.
 *
 *   npx tsx bench/train-checkpoint.ts --clip bunny --profile M --iterations 5000 --out /tmp/bunny-M.ckpt [--frame-levels]
 */
import { parseArgs } from 'node:util';
import { chooseTrainEngine } from '../src/cli/engines.js';
import {
  PROFILE_NAMES,
  type ProfileName,
  profileConfig,
  withFrameLevels,
} from '../src/codec/model/config.js';
import { saveCheckpoint } from '../src/codec/train/checkpoint.js';
import { train } from '../src/codec/train/trainer.js';
import { type ClipName, loadClip } from './lib/clips.js';

const { values } = parseArgs({
  options: {
    clip: { type: 'string', default: 'bunny' },
    profile: { type: 'string', default: 'M' },
    iterations: { type: 'string', default: '5000' },
    out: { type: 'string' },
    'frame-levels': { type: 'boolean', default: false },
  },
});
if (!values.out) throw new Error('--out FILE is required');
if (!PROFILE_NAMES.includes(values.profile as ProfileName))
  throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got '${values.profile}'`);
const clip = await loadClip(values.clip as ClipName, { log: (l) => process.stderr.write(`${l}\n`) });
const profile = profileConfig(values.profile as ProfileName, clip.width, clip.height, clip.frames.length);
const config = values['frame-levels'] ? withFrameLevels(profile, clip.frames.length) : profile;
const iterations = Number(values.iterations);
const started = performance.now();
await train({
  frames: clip.frames,
  width: clip.width,
  height: clip.height,
  config,
  iterations,
  engine: await chooseTrainEngine('native', config),
  seed: 1,
  checkpoint: {
    every: iterations,
    save: async (c) => {
      if (c.iteration === iterations) await saveCheckpoint(values.out!, c);
    },
  },
});
process.stdout.write(
  `${clip.name} ${values.profile}: ${iterations} iterations in ${((performance.now() - started) / 1000).toFixed(1)} s → ${values.out}\n`,
);
