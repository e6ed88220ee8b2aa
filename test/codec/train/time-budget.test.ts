/**
 * Training on a wall-time budget: the run stops when the budget is spent, the schedule and the quantization
 * phases follow the share spent, and a resumed run continues where the interrupted one left off. The clock is
 * virtual: every engine step advances it, so the tests do not depend on this machine's speed.
 */
import { describe, expect, it } from 'vitest';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { EngineFactory, TrainEngine } from '../../../src/codec/engine/types.js';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainCheckpoint,
  type TrainProgress,
  train,
} from '../../../src/codec/train/index.js';
import { DEFAULT_SCHEDULE } from '../../../src/codec/train/schedule.js';
import { blobClip, smallModel } from './clips.js';

const frames = blobClip({ width: 16, height: 12, frames: 6, sigma: 2, orbit: 4, period: 6, drift: 0.05 });
const config = smallModel(16);

/** An engine whose steps take `stepMs(i)` of virtual time (i = the step's 0-based count on this clock). */
function timedEngine(stepMs: (step: number) => number) {
  const clock = { now: 0, steps: 0, fakeQuantAt: [] as number[] };
  const inner = tfjsEngineFactory({ backends: ['wasm', 'cpu'] });
  const factory: EngineFactory = {
    name: inner.name,
    available: () => inner.available(),
    async create(options) {
      const engine: TrainEngine = await inner.create(options);
      const step = engine.step.bind(engine);
      engine.step = async (...args) => {
        const loss = await step(...args);
        clock.now += stepMs(clock.steps++);
        return loss;
      };
      engine.setFakeQuant = async () => {
        clock.fakeQuantAt.push(clock.steps);
      };
      return engine;
    },
  };
  return { clock, factory };
}

function base(factory: EngineFactory, now: () => number) {
  return {
    frames,
    width: 16,
    height: 12,
    config,
    engine: factory,
    framesPerBatch: 3,
    pixelsPerFrame: 32,
    seed: 2,
    iterations: 10_000,
    clock: now,
  };
}

describe('train() on a time budget', () => {
  it('stops when the budget is spent, with the cosine at its end', async () => {
    const { clock, factory } = timedEngine(() => 10);
    const reports: TrainProgress[] = [];
    const r = await train({
      ...base(factory, () => clock.now),
      timeBudgetMs: 1000,
      schedule: { kind: 'cosine', warmup: 5, minFactor: 0.05 },
      onProgress: (p) => reports.push(p),
      progressEvery: 1,
    });
    expect(r.iteration).toBe(100);
    expect(r.completed).toBe(true);
    expect(r.losses.length).toBe(100);
    const last = reports.at(-1)!;
    expect(last.iteration).toBe(100);
    expect(last.iterations).toBe(100);
    expect(last.etaMs).toBe(0);
    // Iteration 99 starts at 990 ms of 1000: the cosine is within a hair of its floor.
    expect(last.lrFactor).toBeGreaterThan(0.05);
    expect(last.lrFactor).toBeLessThan(0.051);
    const factors = reports.map((p) => p.lrFactor);
    for (let i = 6; i < factors.length; i++) expect(factors[i]).toBeLessThanOrEqual(factors[i - 1]);
    // Halfway through the budget the cosine is halfway down: 0.05 + 0.95 / 2.
    expect(reports.find((p) => p.iteration === 51)!.lrFactor).toBeCloseTo(0.525, 6);
  });

  it('gets fewer iterations when the steps slow down, and still ends on its schedule', async () => {
    const { clock, factory } = timedEngine((step) => (step < 50 ? 10 : 25));
    const reports: TrainProgress[] = [];
    const r = await train({
      ...base(factory, () => clock.now),
      timeBudgetMs: 1000,
      onProgress: (p) => reports.push(p),
      progressEvery: 1,
    });
    // 50 steps to 500 ms, then 20 of 25 ms.
    expect(r.iteration).toBe(70);
    expect(r.completed).toBe(true);
    expect(DEFAULT_SCHEDULE).toMatchObject({ kind: 'cosine', minFactor: 0.05 });
    expect(reports.at(-1)!.lrFactor).toBeLessThan(0.06);
    // The estimate of the total follows the pace: at 50 steps of 10 ms it expects 100.
    expect(reports[49].iterations).toBe(100);
  });

  it('caps the run at `iterations`', async () => {
    const { clock, factory } = timedEngine(() => 10);
    const r = await train({ ...base(factory, () => clock.now), iterations: 30, timeBudgetMs: 1000 });
    expect(r.iteration).toBe(30);
    expect(r.completed).toBe(true);
  });

  it('starts straight-through training at its share of the budget', async () => {
    const { clock, factory } = timedEngine(() => 10);
    await train({
      ...base(factory, () => clock.now),
      timeBudgetMs: 1000,
      quantAware: { groups: { encoding: 4 }, fraction: 0.3 },
    });
    expect(clock.fakeQuantAt).toEqual([70]);
  });

  it('resumes from a checkpoint with the time it had spent, bit for bit', async () => {
    const straight = timedEngine(() => 10);
    const whole = await train({ ...base(straight.factory, () => straight.clock.now), timeBudgetMs: 600 });
    expect(whole.iteration).toBe(60);

    const first = timedEngine(() => 10);
    let saved: TrainCheckpoint | undefined;
    const part = await train({
      ...base(first.factory, () => first.clock.now),
      timeBudgetMs: 600,
      stopAt: 25,
      checkpoint: {
        every: 1000,
        save: (c) => {
          saved = decodeCheckpoint(encodeCheckpoint(c));
        },
      },
    });
    expect(part.completed).toBe(false);
    expect(saved!.trainedMs).toBe(250);
    expect(saved!.setup.timeBudgetMs).toBe(600);

    // The second process starts its own clock elsewhere: only the time spent carries over.
    const second = timedEngine(() => 10);
    second.clock.now = 123_456;
    const rest = await train({
      ...base(second.factory, () => second.clock.now),
      timeBudgetMs: 600,
      resume: saved,
    });
    expect(rest.iteration).toBe(60);
    expect(rest.completed).toBe(true);
    expect(Array.from(rest.losses)).toEqual(Array.from(whole.losses));
    for (const [name, t] of whole.params) expect(rest.params.get(name)!.data, name).toEqual(t.data);
  });

  it('refuses a checkpoint of another budget, a bad budget and a bad checkpoint time', async () => {
    const { clock, factory } = timedEngine(() => 10);
    let saved: TrainCheckpoint | undefined;
    await train({
      ...base(factory, () => clock.now),
      timeBudgetMs: 100,
      checkpoint: {
        every: 1000,
        save: (c) => {
          saved = c;
        },
      },
    });
    await expect(
      train({ ...base(factory, () => clock.now), timeBudgetMs: 200, resume: saved }),
    ).rejects.toThrow(/settings differ.*timeBudgetMs/);
    await expect(train({ ...base(factory, () => clock.now), timeBudgetMs: 0 })).rejects.toThrow(
      /timeBudgetMs must be a positive number/,
    );
    const bytes = encodeCheckpoint({ ...saved!, trainedMs: -1 });
    expect(() => decodeCheckpoint(bytes)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes)).toThrow(/trainedMs: expected a non-negative number/);
  });
});
