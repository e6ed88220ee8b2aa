import { describe, expect, it } from 'vitest';
import { baseForward, createMlpScratch, denseForward } from '../../../src/codec/model/mlp.js';
import type { DenseLayer } from '../../../src/codec/model/model.js';
import { createRng } from '../../../src/codec/util/random.js';

function randomLayer(outDim: number, inDim: number, seed: number): DenseLayer {
  const rng = createRng(seed);
  const weight = new Float32Array(outDim * inDim).map(() => rng.uniform(-1, 1));
  const bias = new Float32Array(outDim).map(() => rng.uniform(-1, 1));
  return { outDim, inDim, weight, bias };
}

/** y = act(W·x + b), one row at a time in float64: the definition, without blocking. */
function naiveLayer(layer: DenseLayer, x: ArrayLike<number>, relu: boolean): number[] {
  const y: number[] = [];
  for (let o = 0; o < layer.outDim; o++) {
    let s = layer.bias[o];
    for (let i = 0; i < layer.inDim; i++) s += layer.weight[o * layer.inDim + i] * x[i];
    y.push(relu ? Math.max(0, s) : s);
  }
  return y;
}

describe('dense layer and base MLP', () => {
  it('blocked kernel equals the definition for row/output counts that are not multiples of 4', () => {
    for (const [n, inDim, outDim] of [
      [11, 7, 6],
      [8, 12, 3],
      [1, 5, 4],
      [4, 4, 13],
    ]) {
      const layer = randomLayer(outDim, inDim, n * 100 + inDim);
      const rng = createRng(n);
      const x = new Float32Array(n * inDim).map(() => rng.uniform(-1, 1));
      for (const relu of [true, false]) {
        const y = new Float32Array(n * outDim);
        denseForward(x, n, inDim, layer.weight, layer.bias, outDim, y, relu);
        for (let p = 0; p < n; p++) {
          const expected = naiveLayer(layer, x.subarray(p * inDim, (p + 1) * inDim), relu);
          for (const [o, e] of expected.entries()) expect(y[p * outDim + o]).toBeCloseTo(e, 5);
        }
      }
    }
  });

  it('runs ReLU between layers, none after the last, and resumes from a given layer', () => {
    const layers = [randomLayer(9, 4, 1), randomLayer(9, 9, 2), randomLayer(3, 9, 3)];
    const weights = layers.map((l) => l.weight);
    const n = 6;
    const rng = createRng(4);
    const input = new Float32Array(n * 4).map(() => rng.uniform(-1, 1));
    const out = new Float32Array(n * 3);
    baseForward(layers, weights, input, n, out, createMlpScratch(layers, n));
    let sawNegative = false;
    for (let p = 0; p < n; p++) {
      const h1 = naiveLayer(layers[0], input.subarray(p * 4, p * 4 + 4), true);
      const h2 = naiveLayer(layers[1], h1, true);
      const y = naiveLayer(layers[2], h2, false);
      for (const [o, e] of y.entries()) expect(out[p * 3 + o]).toBeCloseTo(e, 4);
      sawNegative ||= y.some((v) => v < 0);
    }
    expect(sawNegative).toBe(true); // the output layer is linear

    const hidden = new Float32Array(n * 9);
    denseForward(input, n, 4, layers[0].weight, layers[0].bias, 9, hidden, true);
    const resumed = new Float32Array(n * 3);
    baseForward(layers, weights, hidden, n, resumed, createMlpScratch(layers, n), 1);
    expect(Array.from(resumed)).toEqual(Array.from(out));
  });
});
