import { describe, expect, it } from 'vitest';
import { growMismatch, growParams } from '../../../bench/lib/grow.js';
import {
  type HashGridEncodingConfig,
  type ModelConfig,
  profileConfig,
} from '../../../src/codec/model/config.js';
import { isDenseLevel } from '../../../src/codec/model/encoding.js';
import { initParams } from '../../../src/codec/model/init.js';
import { renderFrame } from '../../../src/codec/render/renderer.js';
import { createRng } from '../../../src/codec/util/random.js';

function withTables(log2: number): ModelConfig {
  const c = profileConfig('S', 96, 54, 8);
  (c.encoding as HashGridEncodingConfig).log2_hashmap_size = log2;
  return c;
}

describe('growParams', () => {
  const small = withTables(9);
  const large = withTables(11);
  const params = initParams(small, 8, 3);
  // Tables start near zero; give every row its own sizeable value so a misplaced row shows in the frame.
  const rng = createRng(5);
  for (const [name, t] of params)
    if (name.startsWith('encoding.')) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(-1, 1);

  it('covers levels hashed in both tables, dense in both, and turning dense', () => {
    const a = small.encoding as HashGridEncodingConfig;
    const b = large.encoding as HashGridEncodingConfig;
    const kinds = new Set(a.level_resolutions.map((_, l) => `${isDenseLevel(a, l)}/${isDenseLevel(b, l)}`));
    expect(kinds).toEqual(new Set(['true/true', 'false/true', 'false/false']));
  });

  it('renders the same frames from the larger tables', () => {
    const grown = growParams(small, params, large);
    expect(grown.get('encoding.level11')!.shape).toEqual([2048, 2]);
    for (const t of [0, 3.5, 7]) {
      const before = renderFrame({ config: small, params }, t, 96, 54);
      const after = renderFrame({ config: large, params: grown }, t, 96, 54);
      expect(after).toEqual(before);
    }
    expect(grown.get('base.0.weight')!.data).toEqual(params.get('base.0.weight')!.data);
    expect(grown.get('base.0.weight')!.data).not.toBe(params.get('base.0.weight')!.data);
  });

  it('names what stops a grow', () => {
    expect(growMismatch(large, small)).toMatch(/log2_hashmap_size shrinks \(11 → 9\)/);
    const wider = withTables(11);
    wider.base.n_neurons = 32;
    expect(growMismatch(small, wider)).toMatch(/differ in more than log2_hashmap_size/);
    expect(() => growParams(small, params, wider)).toThrow(/cannot grow the model/);
  });
});
