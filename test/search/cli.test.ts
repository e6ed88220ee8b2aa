/**
 * The commands as a user runs them: `lirn encode --align builtin` on MP4s, `lirn search` by image (PNG, at a
 * different size than the videos) and by embedding file at two levels, `lirn map` writing an SVG and CSV; the
 * errors for a missing query, a text query without CLIP and a missing CLIP model directory (in process).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchCommand } from '../../src/cli/commands/search.js';
import { builtinFeatures } from '../../src/codec/align/builtin.js';
import { syntheticScene } from '../../src/media/synthetic.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { alignmentFromFlags } from '../../src/search/encode-alignment.js';
import { encodePng } from './png.js';

const run = promisify(execFile);
const LIRN = join(import.meta.dirname, '../../bin/lirn.js');
let dir = '';
let library = '';
const SEEDS = [6, 7];
const FRAMES = 24;

async function lirn(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [LIRN, ...args], { maxBuffer: 1 << 24 });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lirn-search-cli-'));
  library = join(dir, 'library');
  await mkdir(library);
  for (const seed of SEEDS) {
    const mp4 = join(dir, `s${seed}.mp4`);
    await writeSyntheticMp4({
      path: mp4,
      width: 48,
      height: 32,
      frames: FRAMES,
      fps: 12,
      seed,
      pixelFormat: 'yuv444p',
    });
    const r = await lirn(
      'encode',
      '-i',
      mp4,
      '-o',
      join(library, `s${seed}.lirn`),
      '--profile',
      'S',
      '--iterations',
      '80',
      '--align',
      'builtin',
      '--align-lambda',
      '0.05',
      '--no-scene-cuts',
      '--segment-seconds',
      '1',
    );
    expect(r.stderr).toMatch(/bpp/);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lirn search / lirn map', () => {
  it('finds the video and moment of a picture, and of an embedding at segment level', async () => {
    const scene = syntheticScene({ width: 96, height: 64, frames: FRAMES, seed: 7 });
    const png = join(dir, 'q.png');
    await writeFile(png, encodePng(scene.render(14), 96, 64));
    const byImage = await lirn('search', library, '--image', png, '-k', '3', '--json');
    expect(byImage.code).toBe(0);
    const result = JSON.parse(byImage.stdout);
    expect(result.space).toBe('lirn-builtin-v1');
    expect(result.hits[0].file).toBe('s7.lirn');
    expect(Math.abs(result.hits[0].firstFrame - 14)).toBeLessThanOrEqual(3);
    const vectorFile = join(dir, 'q.json');
    await writeFile(
      vectorFile,
      JSON.stringify({ space: 'lirn-builtin-v1', vector: [...builtinFeatures(scene.render(3), 96, 64)] }),
    );
    const bySegment = await lirn('search', library, '--vector', vectorFile, '--level', 'segment');
    expect(bySegment.stdout).toMatch(/segment result\(s\)/);
    expect(bySegment.stdout.split('\n')[1]).toMatch(/s7\.lirn {2}frames 0\.\.11 @ 0\.00 s/);
  });

  it('draws the latent map as SVG (and CSV)', async () => {
    const svg = join(dir, 'map.svg');
    const csv = join(dir, 'map.csv');
    const r = await lirn('map', join(library, 's6.lirn'), '-o', svg, '--csv', csv, '--neighbors', '8');
    expect(r.code).toBe(0);
    const text = await readFile(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<circle /g)).toHaveLength(FRAMES);
    expect(text).toContain('s6.lirn: projected latents (feature space), UMAP');
    const rows = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(rows).toHaveLength(FRAMES + 1);
    expect(rows.slice(1).every((l) => l.split(',').every((v) => Number.isFinite(Number(v))))).toBe(true);
  });

  it('says what is wrong', async () => {
    await expect(searchCommand([library])).rejects.toThrow(/exactly one of --image, --vector, --text/);
    await expect(searchCommand([library, '--text', 'a red disc'])).rejects.toThrow(
      /text queries need a CLIP-aligned library/,
    );
    await expect(searchCommand([library, '--image', 'q.png', '--level', 'scene'])).rejects.toThrow(
      /--level must be one of frame, segment, video/,
    );
    await expect(alignmentFromFlags({ model: join(dir, 'no-such-model') })).rejects.toThrow(
      /CLIP model directory .*no-such-model does not exist/,
    );
    await expect(alignmentFromFlags({ align: 'builtin', features: 'f.npy' })).rejects.toThrow(
      /give one of --align builtin, --align-features FILE, --align-tokens FILE, --align-model DIR/,
    );
    await expect(alignmentFromFlags({ lambda: '0.1' })).rejects.toThrow(/need --align/);
    await expect(alignmentFromFlags({ align: 'builtin', lambda: '-1' })).rejects.toThrow(/≥ 0/);
  });
});
