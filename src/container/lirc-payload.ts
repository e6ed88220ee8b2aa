/**
 * The `lirC` payload (spec/03-semantics.md §3.4): a MessagePack map with the chunk's model configuration and the
 * frames it covers. Unknown keys are kept so a rewrite preserves them; the raw bytes are re-emitted unchanged
 * when the decoded values still match.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { ModelConfig } from '../codec/model/config.js';
import { ModelError } from '../codec/model/errors.js';
import { validateModelConfig } from '../codec/model/validate.js';
import { ContainerError } from './errors.js';
import { checkMessagePackMap } from './msgpack-check.js';

export interface ChunkConfiguration {
  config: ModelConfig;
  firstFrame: number;
  frameCount: number;
  /** Keys of the map this decoder does not interpret, preserved on rewrite. */
  extra: Record<string, unknown>;
}

/** Frame numbers and counts fit in 32 bits like the ISO sample counts that carry them. */
export const MAX_FRAME_NUMBER = 0xffffffff;

const KNOWN_KEYS = new Set(['config', 'first_frame', 'frame_count']);

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

export function encodeLircPayload(c: ChunkConfiguration): Uint8Array {
  // A copy as a plain Uint8Array: msgpackr returns a Buffer view into its reusable working buffer.
  return new Uint8Array(
    packr.pack({ config: c.config, first_frame: c.firstFrame, frame_count: c.frameCount, ...c.extra }),
  );
}

function frameField(value: unknown, key: string, min: number, box: string, offset: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_FRAME_NUMBER) {
    throw new ContainerError(
      'bad-value',
      box,
      offset,
      `lirC '${key}' must be an integer in ${min}..${MAX_FRAME_NUMBER}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Decodes and validates a lirC payload read from `offset` of the file (errors name `box` and that offset).
 */
export function decodeLircPayload(data: Uint8Array, box: string, offset: number): ChunkConfiguration {
  checkMessagePackMap(data, box, offset);
  let map: Record<string, unknown>;
  try {
    map = unpackr.unpack(data) as Record<string, unknown>;
  } catch (e) {
    throw new ContainerError(
      'bad-value',
      box,
      offset,
      `lirC payload does not decode: ${(e as Error).message}`,
    );
  }
  let config: ModelConfig;
  try {
    config = validateModelConfig(map.config);
  } catch (e) {
    if (e instanceof ModelError)
      throw new ContainerError('bad-value', box, offset, `lirC model configuration: ${e.message}`);
    throw e;
  }
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(map)) if (!KNOWN_KEYS.has(key)) extra[key] = map[key];
  return {
    config,
    firstFrame: frameField(map.first_frame, 'first_frame', 0, box, offset),
    frameCount: frameField(map.frame_count, 'frame_count', 1, box, offset),
    extra,
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}

/** The bytes to write: `raw` unchanged when it still decodes to `c`, else a fresh encoding. */
export function lircPayloadFor(c: ChunkConfiguration, raw: Uint8Array | undefined): Uint8Array {
  if (raw) {
    try {
      const previous = unpackr.unpack(raw);
      const current = { config: c.config, first_frame: c.firstFrame, frame_count: c.frameCount, ...c.extra };
      if (deepEqual(previous, current)) return raw;
    } catch {
      // stale or foreign bytes: encode afresh
    }
  }
  return encodeLircPayload(c);
}
