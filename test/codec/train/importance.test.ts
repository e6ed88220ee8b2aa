/** Error-driven pixel sampling: the mixture it draws from, its loss weights, and how errors update the map. */
import { describe, expect, it } from 'vitest';
import { ErrorMap, resolveImportance } from '../../../src/codec/train/importance.js';
import type { Clip } from '../../../src/codec/train/sampler.js';
import { createRng } from '../../../src/codec/util/random.js';

const width = 20;
const height = 12;
const frames = 3;

function clip(): Clip {
  const data = Array.from({ length: frames }, (_, f) => {
    const d = new Uint8Array(width * height * 3);
    for (let i = 0; i < d.length; i++) d[i] = (i * 7 + f * 31) % 256;
    return d;
  });
  return { frames: data, width, height };
}

/** Squared error of every pixel of frame `f` in a made-up error field: large in the top-left 4×4 block. */
function fieldError(x: number, y: number): number {
  return x < 4 && y < 4 ? 0.4 : 0.01;
}

function seedMap(map: ErrorMap, frame: number): void {
  const cellSize = map.settings.cell;
  const cells = new Uint32Array(map.cellsPerFrame);
  const errors = new Float32Array(map.cellsPerFrame);
  for (let c = 0; c < map.cellsPerFrame; c++) {
    const i = c % map.columns;
    const j = Math.floor(c / map.columns);
    cells[c] = c;
    errors[c] = fieldError(i * cellSize, j * cellSize);
  }
  map.observe({ frameIndex: Int32Array.of(frame), cells, errors });
}

describe('resolveImportance', () => {
  it('fills defaults and names the bad setting', () => {
    expect(resolveImportance({ uniform: 0.3 })).toMatchObject({ uniform: 0.3, cell: 8, alpha: 1 });
    expect(() => resolveImportance({ uniform: 0 })).toThrow(/importance.uniform/);
    expect(() => resolveImportance({ cell: 2.5 })).toThrow(/importance.cell/);
    expect(() => resolveImportance({ alpha: 1.5 })).toThrow(/importance.alpha/);
    expect(() => resolveImportance({ rate: 0 })).toThrow(/importance.rate/);
  });
});

describe('ErrorMap', () => {
  it('partial edge cells: 20×12 in 4-pixel cells is 5×3 cells, all full; 6-pixel cells give 4×2 with partial ones', () => {
    const a = new ErrorMap(resolveImportance({ cell: 4 }), frames, width, height);
    expect([a.columns, a.rows]).toEqual([5, 3]);
    const b = new ErrorMap(resolveImportance({ cell: 6 }), frames, width, height);
    expect([b.columns, b.rows, b.cellsPerFrame]).toEqual([4, 2, 8]);
  });

  it('an unseen map samples uniformly, with unit weights', () => {
    const map = new ErrorMap(resolveImportance({ cell: 4 }), frames, width, height);
    const batch = map.sample(clip(), [0, 1, 2], 2, 4000, createRng(1));
    expect(Array.from(new Set(batch.weight)).map((w) => Math.round(w * 1e6) / 1e6)).toEqual([1]);
    const counts = new Array(map.cellsPerFrame).fill(0);
    for (const c of batch.cells) counts[c]++;
    for (const n of counts) expect(n / batch.cells.length).toBeCloseTo(1 / map.cellsPerFrame, 1);
  });

  it('draws cells by the mixture, targets and coords match the picked pixel, cells match the coords', () => {
    const settings = resolveImportance({ cell: 4, uniform: 0.5 });
    const map = new ErrorMap(settings, frames, width, height);
    seedMap(map, 1);
    const c = clip();
    const batch = map.sample(c, [1], 1, 20000, createRng(2));
    const total = width * height;
    const errorMass = 16 * 0.4 + (total - 16) * 0.01;
    const expectedHot = 0.5 * (16 / total) + (0.5 * 16 * 0.4) / errorMass;
    let hot = 0;
    for (let s = 0; s < batch.cells.length; s++) {
      const x = Math.floor(batch.coords[2 * s] * width);
      const y = Math.floor(batch.coords[2 * s + 1] * height);
      expect(batch.cells[s]).toBe(Math.floor(y / 4) * map.columns + Math.floor(x / 4));
      expect(batch.target[3 * s]).toBeCloseTo((c.frames[1] as Uint8Array)[3 * (y * width + x)] / 255, 6);
      if (batch.cells[s] === 0) hot++;
    }
    expect(hot / batch.cells.length).toBeCloseTo(expectedHot, 1.5);
  });

  it('with alpha = 1 the weighted mean of sampled errors estimates the frame MSE (unbiased); alpha = 0 does not', () => {
    const trueMean = (() => {
      let s = 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) s += fieldError(x, y);
      return s / (width * height);
    })();
    const estimate = (alpha: number) => {
      const map = new ErrorMap(resolveImportance({ cell: 4, uniform: 0.3, alpha }), frames, width, height);
      seedMap(map, 0);
      const batch = map.sample(clip(), [0], 1, 40000, createRng(3));
      let sum = 0;
      for (let s = 0; s < batch.weight.length; s++) {
        const x = Math.floor(batch.coords[2 * s] * width);
        const y = Math.floor(batch.coords[2 * s + 1] * height);
        sum += batch.weight[s] * fieldError(x, y);
      }
      return sum / batch.weight.length;
    };
    expect(estimate(1) / trueMean).toBeGreaterThan(0.9);
    expect(estimate(1) / trueMean).toBeLessThan(1.1);
    expect(estimate(0) / trueMean).toBeGreaterThan(2); // the emphasized distribution oversamples the hot block
  });

  it('observe: the first error sets a cell, later ones move it at `rate`; non-finite errors are skipped', () => {
    const map = new ErrorMap(resolveImportance({ cell: 4, rate: 0.5 }), frames, width, height);
    const at = (f: number, c: number) => map.values[f * map.cellsPerFrame + c];
    expect(at(2, 3)).toBe(-1);
    const observe = (e: number) =>
      map.observe({ frameIndex: Int32Array.of(0, 2), cells: Uint32Array.of(3, 3), errors: Float32Array.of(9, e) });
    observe(0.2);
    expect(at(2, 3)).toBeCloseTo(0.2, 6);
    observe(0.4);
    expect(at(2, 3)).toBeCloseTo(0.3, 6);
    observe(Number.NaN);
    expect(at(2, 3)).toBeCloseTo(0.3, 6);
    expect(at(0, 3)).toBeCloseTo(9, 6);
  });

  it('state/restore round-trips and rejects a map of another size', () => {
    const settings = resolveImportance({ cell: 4 });
    const map = new ErrorMap(settings, frames, width, height);
    seedMap(map, 2);
    const copy = new ErrorMap(settings, frames, width, height);
    copy.restore(map.state(null));
    expect(Array.from(copy.values)).toEqual(Array.from(map.values));
    const other = new ErrorMap(settings, frames + 1, width, height);
    expect(() => other.restore(map.state(null))).toThrow(/cells, expected/);
  });
});
