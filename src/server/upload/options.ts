/**
 * Encode settings of an upload, from the query string, within the server's bounds (a public endpoint must not let
 * one request ask for a week of training or a 16K frame). Unknown keys are refused so typos do not pass silently.
 */
import { PROFILE_NAMES } from '../../codec/model/config.js';
import { badOption } from '../errors.js';
import type { EncodeSettings } from '../storage/meta.js';

export interface EncodeLimits {
  maxIterations: number;
  /** Largest width or height of the encoded video (sources are scaled down with `size`). */
  maxDimension: number;
  maxFrames: number;
}

export const DEFAULT_ENCODE_SETTINGS: EncodeSettings = {
  profile: 'M',
  iterations: 2000,
  segmentSeconds: 2,
  chunkSegments: 4,
  sceneCuts: true,
  seed: 0,
  frameLevels: 'auto',
};

export const DEFAULT_ENCODE_LIMITS: EncodeLimits = {
  maxIterations: 20000,
  maxDimension: 1920,
  maxFrames: 100_000,
};

const KEYS = [
  'profile',
  'iterations',
  'size',
  'frames',
  'segmentSeconds',
  'chunkSegments',
  'sceneCuts',
  'seed',
  'frameLevels',
  'name',
];

function integer(name: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw badOption(`${name} must be an integer in ${min}..${max}, got '${text.slice(0, 40)}'`);
  }
  return v;
}

export interface UploadOptions {
  settings: EncodeSettings;
  name: string;
}

export function parseUploadOptions(
  query: Record<string, unknown>,
  defaults: EncodeSettings,
  limits: EncodeLimits,
): UploadOptions {
  const settings: EncodeSettings = { ...defaults };
  let name = '';
  for (const [key, raw] of Object.entries(query)) {
    if (!KEYS.includes(key))
      throw badOption(`unknown option '${key.slice(0, 40)}' (known: ${KEYS.join(', ')})`);
    if (typeof raw !== 'string') throw badOption(`option '${key}' is given more than once`);
    switch (key) {
      case 'profile': {
        const p = raw.toUpperCase();
        if (!(PROFILE_NAMES as readonly string[]).includes(p))
          throw badOption(`profile must be one of ${PROFILE_NAMES.join(', ')}`);
        settings.profile = p as EncodeSettings['profile'];
        break;
      }
      case 'iterations':
        settings.iterations = integer('iterations', raw, 1, limits.maxIterations);
        break;
      case 'size': {
        const m = /^(\d{1,5})x(\d{1,5})$/.exec(raw);
        if (!m) throw badOption(`size must be WxH, got '${raw.slice(0, 40)}'`);
        settings.width = integer('size width', m[1], 8, limits.maxDimension);
        settings.height = integer('size height', m[2], 8, limits.maxDimension);
        break;
      }
      case 'frames':
        settings.frames = integer('frames', raw, 1, limits.maxFrames);
        break;
      case 'segmentSeconds': {
        const v = Number(raw);
        if (!/^\d+(\.\d+)?$/.test(raw) || !(v >= 0.25 && v <= 10)) {
          throw badOption(`segmentSeconds must be a number in 0.25..10, got '${raw.slice(0, 40)}'`);
        }
        settings.segmentSeconds = v;
        break;
      }
      case 'chunkSegments':
        settings.chunkSegments = integer('chunkSegments', raw, 1, 64);
        break;
      case 'sceneCuts':
        if (raw !== 'true' && raw !== 'false')
          throw badOption(`sceneCuts must be true or false, got '${raw.slice(0, 40)}'`);
        settings.sceneCuts = raw === 'true';
        break;
      case 'seed':
        settings.seed = integer('seed', raw, 0, 0xffffffff);
        break;
      case 'frameLevels':
        if (raw !== 'auto' && raw !== 'on' && raw !== 'off')
          throw badOption(`frameLevels must be auto, on or off, got '${raw.slice(0, 40)}'`);
        settings.frameLevels = raw;
        break;
      case 'name':
        // Informational only: printable characters, bounded.
        name = [...raw]
          .filter((c) => c >= ' ' && c !== '\u007f')
          .join('')
          .slice(0, 200);
        break;
    }
  }
  return { settings, name };
}
