/** A tiny labelled library for the search tests: synthetic clips of distinct seeds, encoded with alignment. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseTrainEngine } from '../../src/cli/engines.js';
import { builtinProvider } from '../../src/codec/align/provider.js';
import { encodeChunked } from '../../src/codec/segmenter/encode.js';
import { writeLirnFile } from '../../src/container/index.js';
import { memorySource } from '../../src/media/source.js';
import { syntheticScene } from '../../src/media/synthetic.js';
import { tinyConfig } from '../fixtures/tiny-config.js';

export const W = 32;
export const H = 24;
export const FRAMES = 16;
/** 4 fps and 1 s segments: 4 segments of 4 frames per video. */
export const FPS = 4;
export const SEEDS = [1, 2, 3, 4];

export const config = tinyConfig(32);

export function scene(seed: number) {
  return syntheticScene({ width: W, height: H, frames: FRAMES, seed, speed: 2 });
}

export async function encodeVideo(seed: number, lambda: number | null, iterations = 80): Promise<Uint8Array> {
  const s = scene(seed);
  const frames = Array.from({ length: FRAMES }, (_, t) => s.render(t));
  const result = await encodeChunked({
    source: memorySource(frames, W, H, { num: FPS, den: 1 }),
    config,
    iterations,
    segmentSeconds: 1,
    segmentsPerChunk: 4,
    sceneCuts: false,
    engine: await chooseTrainEngine('auto', config),
    seed,
    framesPerBatch: 8,
    pixelsPerFrame: 256,
    alignment: lambda === null ? undefined : { provider: builtinProvider(), lambda },
  });
  return writeLirnFile(result.file);
}

/** A directory with one aligned file per seed (v<seed>.lirn), an unaligned one and a broken one. */
export async function makeLibrary(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lirn-search-'));
  for (const seed of SEEDS) await writeFile(join(dir, `v${seed}.lirn`), await encodeVideo(seed, 0.05));
  await writeFile(join(dir, 'plain.lirn'), await encodeVideo(9, null, 10));
  await writeFile(join(dir, 'broken.lirn'), new Uint8Array([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65, 1, 2]));
  return dir;
}
