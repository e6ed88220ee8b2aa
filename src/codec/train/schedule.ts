/**
 * Learning-rate schedules: linear warm-up, then constant, cosine or step decay. A schedule yields a factor that
 * multiplies every group's base rate; it depends only on the iteration and the run's total, so a resumed run
 * continues on exactly the same curve. Runs on a wall-time budget follow the share of the budget spent instead of
 * the share of the iterations (learningRateFactorAtProgress).
 */

export type LrSchedule =
  | { kind: 'constant'; warmup: number }
  | { kind: 'cosine'; warmup: number /** Factor reached at the last iteration. */; minFactor: number }
  | { kind: 'step'; warmup: number /** Iterations between decays. */; every: number; gamma: number };

export const DEFAULT_SCHEDULE: LrSchedule = { kind: 'cosine', warmup: 50, minFactor: 0.05 };

export function validateSchedule(s: LrSchedule): void {
  if (!Number.isInteger(s.warmup) || s.warmup < 0)
    throw new RangeError(`schedule.warmup must be a non-negative integer, got ${s.warmup}`);
  if (s.kind === 'cosine' && !(s.minFactor >= 0 && s.minFactor <= 1)) {
    throw new RangeError(`schedule.minFactor must be in [0, 1], got ${s.minFactor}`);
  }
  if (s.kind === 'step') {
    if (!Number.isInteger(s.every) || s.every < 1)
      throw new RangeError(`schedule.every must be a positive integer, got ${s.every}`);
    if (!(s.gamma > 0 && s.gamma <= 1))
      throw new RangeError(`schedule.gamma must be in (0, 1], got ${s.gamma}`);
  }
}

/** Rate factor for 0-based `iteration` of a run of `total` iterations. */
export function learningRateFactor(s: LrSchedule, iteration: number, total: number): number {
  if (iteration < s.warmup) return (iteration + 1) / s.warmup;
  const span = Math.max(1, total - s.warmup - 1);
  return afterWarmup(s, iteration, Math.min(1, (iteration - s.warmup) / span));
}

/**
 * Rate factor for 0-based `iteration` of a run that is `progress` ∈ [0, 1] through its budget (a wall-time budget,
 * whose iteration count is not known in advance): warm-up and step decay count iterations, the cosine follows
 * `progress`.
 */
export function learningRateFactorAtProgress(s: LrSchedule, iteration: number, progress: number): number {
  if (iteration < s.warmup) return (iteration + 1) / s.warmup;
  return afterWarmup(s, iteration, Math.min(1, Math.max(0, progress)));
}

function afterWarmup(s: LrSchedule, iteration: number, progress: number): number {
  switch (s.kind) {
    case 'constant':
      return 1;
    case 'cosine':
      return s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    case 'step':
      return s.gamma ** Math.floor((iteration - s.warmup) / s.every);
  }
}
