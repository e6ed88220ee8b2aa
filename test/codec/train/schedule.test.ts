import { describe, expect, it } from 'vitest';
import { learningRateFactor } from '../../../src/codec/train/index.js';
import { validateSchedule } from '../../../src/codec/train/schedule.js';

describe('learning-rate schedules', () => {
  it('warms up linearly, then follows a cosine down to minFactor at the last iteration', () => {
    const s = { kind: 'cosine', warmup: 4, minFactor: 0.1 } as const;
    expect([0, 1, 2, 3].map((i) => learningRateFactor(s, i, 14))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateFactor(s, 4, 14)).toBe(1);
    expect(learningRateFactor(s, 13, 14)).toBeCloseTo(0.1, 12);
    expect(learningRateFactor(s, 8.5, 14)).toBeCloseTo(0.55, 12); // halfway through the decay
    for (let i = 5; i < 14; i++)
      expect(learningRateFactor(s, i, 14)).toBeLessThan(learningRateFactor(s, i - 1, 14));
  });

  it('step decay multiplies by gamma every `every` iterations after warm-up', () => {
    const s = { kind: 'step', warmup: 2, every: 3, gamma: 0.5 } as const;
    expect([2, 4, 5, 7, 8].map((i) => learningRateFactor(s, i, 100))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it('rejects nonsense parameters', () => {
    expect(() => validateSchedule({ kind: 'cosine', warmup: -1, minFactor: 0 })).toThrow(/warmup/);
    expect(() => validateSchedule({ kind: 'cosine', warmup: 0, minFactor: 2 })).toThrow(/minFactor/);
    expect(() => validateSchedule({ kind: 'step', warmup: 0, every: 0, gamma: 0.5 })).toThrow(/every/);
  });
});
