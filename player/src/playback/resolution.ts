/** The render size: the canvas's device pixels by default, or the source size, a multiple of it, or a fixed size. */
import { MAX_DIMENSION } from '../../../src/codec/model/config.js';

export type ResolutionChoice =
  | { mode: 'auto' }
  | { mode: 'source' }
  | { mode: 'scale'; scale: number }
  | { mode: 'fixed'; width: number; height: number };

export interface Size {
  width: number;
  height: number;
}

function clampDim(v: number): number {
  return Math.max(1, Math.min(MAX_DIMENSION, Math.round(v)));
}

/** `canvas` is the canvas's displayed size in device pixels; `source` the video's display size. */
export function renderSize(choice: ResolutionChoice, source: Size, canvas: Size): Size {
  switch (choice.mode) {
    case 'source':
      return { width: clampDim(source.width), height: clampDim(source.height) };
    case 'scale':
      return { width: clampDim(source.width * choice.scale), height: clampDim(source.height * choice.scale) };
    case 'fixed':
      return { width: clampDim(choice.width), height: clampDim(choice.height) };
    default:
      // Before layout the canvas may be 0×0: fall back to the source size.
      if (!(canvas.width >= 1 && canvas.height >= 1)) return renderSize({ mode: 'source' }, source, canvas);
      return { width: clampDim(canvas.width), height: clampDim(canvas.height) };
  }
}

/** Parses 'auto', 'source', '2x' / '0.5x', or 'WxH' (URL parameters and the UI's select values). */
export function parseResolution(text: string | null | undefined): ResolutionChoice | null {
  if (!text) return null;
  const s = text.trim().toLowerCase();
  if (s === 'auto') return { mode: 'auto' };
  if (s === 'source') return { mode: 'source' };
  const scale = /^(\d+(?:\.\d+)?)x$/.exec(s);
  if (scale) {
    const v = Number(scale[1]);
    return v > 0 && v <= 16 ? { mode: 'scale', scale: v } : null;
  }
  const fixed = /^(\d{1,4})x(\d{1,4})$/.exec(s);
  if (fixed) {
    const width = Number(fixed[1]);
    const height = Number(fixed[2]);
    if (width >= 1 && height >= 1 && width <= MAX_DIMENSION && height <= MAX_DIMENSION)
      return { mode: 'fixed', width, height };
  }
  return null;
}

export function formatResolution(choice: ResolutionChoice): string {
  switch (choice.mode) {
    case 'scale':
      return `${choice.scale}x`;
    case 'fixed':
      return `${choice.width}x${choice.height}`;
    default:
      return choice.mode;
  }
}
