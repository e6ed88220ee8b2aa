/**
 * Growing a trained model's hash tables to a larger `log2_hashmap_size` without changing what it renders: every
 * row of the larger table starts as the row its vertices read in the smaller one. A hashed row j of 2^k rows is
 * row j mod 2^(k−1) of the table half its size (the hash is reduced by a mask), and a level that turns dense copies,
 * per vertex, the row the smaller table hashed it to. bench/ladder.ts trains each larger profile from the smaller
 * one grown this way (a rate ladder in one chain; measured, not kept in the encoder: bench/RESULTS.md
 * explore-session11).
 */

import type { ModelConfig } from '../../src/codec/model/config.js';
import {
  type HashGridEncodingConfig,
  hashLevelRows,
  levelTimeResolution,
  levelYResolution,
} from '../../src/codec/model/config.js';
import { hashGridIndex, isDenseLevel } from '../../src/codec/model/encoding.js';
import type { ParamSet } from '../../src/codec/model/params.js';

/** Why `to` cannot be grown from `from` (null when it can): the same model but for larger hash tables. */
export function growMismatch(from: ModelConfig, to: ModelConfig): string | null {
  const a = from.encoding;
  const b = to.encoding;
  if (a.otype !== 'HashGrid' || b.otype !== 'HashGrid') return 'both models need a hash-grid encoding';
  if (b.log2_hashmap_size < a.log2_hashmap_size)
    return `log2_hashmap_size shrinks (${a.log2_hashmap_size} → ${b.log2_hashmap_size})`;
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const strip = (c: ModelConfig) => ({
    ...c,
    encoding: { ...(c.encoding as HashGridEncodingConfig), log2_hashmap_size: 0 },
  });
  if (!same(strip(from), strip(to))) return 'the models differ in more than log2_hashmap_size';
  return null;
}

/**
 * `params` of a model with config `from`, as parameters of `to` (growMismatch(from, to) must be null) that render
 * the same frames. Tensors other than the hash tables are copied. Also grows Adam moments (same names and shapes).
 */
export function growParams(from: ModelConfig, params: ParamSet, to: ModelConfig): ParamSet {
  const why = growMismatch(from, to);
  if (why) throw new RangeError(`cannot grow the model: ${why}`);
  const a = from.encoding as HashGridEncodingConfig;
  const b = to.encoding as HashGridEncodingConfig;
  const out: ParamSet = new Map();
  for (const [name, t] of params) {
    const level = /^encoding\.level(\d+)$/.exec(name);
    if (!level) {
      out.set(name, { shape: [...t.shape], data: t.data.slice() });
      continue;
    }
    const l = Number(level[1]);
    const features = a.n_features_per_level;
    const rows = hashLevelRows(b, l);
    const data = new Float32Array(rows * features);
    const copyRow = (to: number, from: number) =>
      data.set(t.data.subarray(from * features, (from + 1) * features), to * features);
    if (!isDenseLevel(b, l)) {
      const smaller = hashLevelRows(a, l);
      for (let j = 0; j < rows; j++) copyRow(j, j & (smaller - 1));
    } else if (isDenseLevel(a, l)) {
      data.set(t.data);
    } else {
      const n = b.level_resolutions[l] + 1;
      const m = levelYResolution(b, l) + 1;
      const slices = levelTimeResolution(b, l) + 1;
      for (let vt = 0; vt < slices; vt++)
        for (let vy = 0; vy < m; vy++)
          for (let vx = 0; vx < n; vx++)
            copyRow(hashGridIndex(b, l, vx, vy, vt), hashGridIndex(a, l, vx, vy, vt));
    }
    out.set(name, { shape: [rows, features], data });
  }
  return out;
}
