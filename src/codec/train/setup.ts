/**
 * The settings that determine a training run's trajectory. They travel in checkpoints; resuming with different
 * ones would not continue the same run, so the trainer refuses (naming the settings that differ).
 */
import type { AdamConfig, GroupRates } from '../engine/types.js';
import type { FreezeQuantized, QuantAware } from './freeze.js';
import type { ImportanceSampling } from './importance.js';
import type { LrSchedule } from './schedule.js';

export interface TrainSetup {
  width: number;
  height: number;
  /** Hold-out stride α: frames 0, α, 2α, … are trained. */
  holdOut: number;
  framesPerBatch: number;
  pixelsPerFrame: number;
  /** With `timeBudgetMs`: the most iterations the run may take. */
  iterations: number;
  /**
   * Present only for runs on a wall-time budget: milliseconds of training, summed over resumed runs; the schedule
   * and the quantization phases follow the share spent (trainer.ts, TrainOptions.timeBudgetMs).
   */
  timeBudgetMs?: number;
  schedule: LrSchedule;
  rates: GroupRates;
  /** Adam's moments and ε (trainer default TRAIN_ADAM). */
  adam: AdamConfig;
  /** Present only for runs with quantize-then-freeze fine-tuning (freeze.ts). */
  freezeQuantized?: FreezeQuantized;
  /** Present only for runs with straight-through quantization-aware training (freeze.ts). */
  quantAware?: QuantAware;
  /** Present only for runs with feature alignment (src/codec/align); absent keeps older checkpoints comparable. */
  alignment?: { lambda: number; featureDim: number; linear: boolean };
  /** Present only for runs with error-driven pixel sampling (importance.ts). */
  importance?: ImportanceSampling;
}

/** Names of the settings whose values differ (deep comparison, key order ignored). */
export function setupDifferences(a: TrainSetup, b: TrainSetup): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TrainSetup>;
  return [...keys].filter((k) => !sameValue(a[k], b[k]));
}

/** Deep equality of plain JSON-like values, ignoring key order. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
