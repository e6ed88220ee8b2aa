/**
 * The clips the suites run on, with a way to get the same frames at another size from the original source (the
 * reference for any-resolution decoding): bunny and vtest through bench/lib/clips.ts (the cached cuts), and a small
 * synthetic clip made in code for quick runs and tests, whose scene renders exactly at any size.
 */
import { decodeVideo, probeVideo, syntheticScene } from '../../src/media/index.js';
import { bunnySource, CLIP_RECIPES, type ClipName, loadClip, vtestSource } from './clips.js';
import type { MemoryClip } from './peers.js';

export type SuiteClipName = ClipName | 'synthetic';
export const SUITE_CLIP_NAMES: readonly SuiteClipName[] = ['bunny', 'vtest', 'synthetic'];

export interface SuiteClip {
  name: SuiteClipName;
  description: string;
  clip: MemoryClip;
  /** How `atSize` makes its frames, e.g. 'lanczos from the 1920×1080 original'. */
  atSizeMethod: string;
  /**
   * Frames `indices` of the clip rendered from its original source at width × height, or null when the source
   * has fewer pixels than that (no true reference exists, e.g. vtest at 2×).
   */
  atSize(width: number, height: number, indices: readonly number[]): Promise<Uint8Array[] | null>;
}

export interface SyntheticClipOptions {
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  seed?: number;
}

export function syntheticSuiteClip(o: SyntheticClipOptions = {}): SuiteClip {
  const width = o.width ?? 160;
  const height = o.height ?? 96;
  const frames = o.frames ?? 24;
  const fps = o.fps ?? 24;
  const seed = o.seed ?? 3;
  const scene = (w: number, h: number) => syntheticScene({ width: w, height: h, frames, seed });
  const base = scene(width, height);
  return {
    name: 'synthetic',
    description: `synthetic (moving textured shapes on a drifting gradient, made in code), ${width}×${height}, ${frames} frames at ${fps} fps`,
    clip: {
      name: 'synthetic',
      width,
      height,
      fps: { num: fps, den: 1 },
      frames: Array.from({ length: frames }, (_, t) => base.render(t)),
    },
    atSizeMethod: 'the scene rendered at that size',
    // The scene's geometry scales with the picture, so another size is the same picture sampled anew.
    atSize: async (w, h, indices) => {
      const s = scene(w, h);
      return indices.map((t) => s.render(t));
    },
  };
}

export async function openSuiteClip(
  name: SuiteClipName,
  options: { log?: (line: string) => void; synthetic?: SyntheticClipOptions } = {},
): Promise<SuiteClip> {
  if (name === 'synthetic') return syntheticSuiteClip(options.synthetic);
  const recipe = CLIP_RECIPES[name];
  if (!recipe) throw new Error(`unknown clip '${name}' (known: ${SUITE_CLIP_NAMES.join(', ')})`);
  const clip = await loadClip(name, { log: options.log });
  return {
    name,
    description: recipe.description,
    clip,
    atSizeMethod: `lanczos from the original (${name === 'bunny' ? '1920×1080' : '768×576'})`,
    atSize: async (width, height, indices) => {
      const source = name === 'bunny' ? await bunnySource() : vtestSource();
      const info = await probeVideo(source);
      if (info.width < width || info.height < height) return null;
      const wanted = new Set(indices);
      const last = Math.max(...indices);
      const byIndex = new Map<number, Uint8Array>();
      for await (const f of decodeVideo(source, {
        start: recipe.start,
        frames: last + 1,
        width,
        height,
        scaleFilter: 'lanczos',
        bitexact: true,
      })) {
        if (wanted.has(f.index)) byIndex.set(f.index, f.data);
      }
      return indices.map((i) => {
        const f = byIndex.get(i);
        if (!f) throw new Error(`${name} at ${width}×${height}: source gave no frame ${i}`);
        return f;
      });
    },
  };
}
