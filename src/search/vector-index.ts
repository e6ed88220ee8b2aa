/**
 * Nearest neighbours by cosine similarity over unit vectors. Small collections are searched exactly (a dot
 * product per vector: 100k × 512 floats take ~30 ms here); larger ones through a usearch HNSW graph (see the
 * commit adding usearch for why usearch over hnswlib-node). Scores are cosine similarities in [−1, 1].
 */
import { createRequire } from 'node:module';
import { AlignError } from '../codec/align/errors.js';

export interface Neighbour {
  /** Row of the vector in the collection. */
  key: number;
  score: number;
}

export interface VectorIndex {
  readonly kind: 'exact' | 'hnsw';
  readonly size: number;
  readonly dim: number;
  search(query: Float32Array, k: number): Neighbour[];
}

export type IndexMode = 'auto' | 'exact' | 'hnsw';
/** Collections up to this many vectors are searched exactly in 'auto' mode. */
export const EXACT_SEARCH_LIMIT = 100_000;

function checkQuery(query: Float32Array, dim: number): void {
  if (query.length !== dim) throw new AlignError(`the query has ${query.length} values, the index ${dim}`);
}

export function exactIndex(vectors: Float32Array, dim: number): VectorIndex {
  const size = vectors.length / dim;
  if (!Number.isInteger(size)) throw new AlignError(`${vectors.length} values are not rows of ${dim}`);
  return {
    kind: 'exact',
    size,
    dim,
    search(query, k) {
      checkQuery(query, dim);
      const scores = new Float64Array(size);
      for (let r = 0; r < size; r++) {
        let s = 0;
        const o = r * dim;
        for (let i = 0; i < dim; i++) s += vectors[o + i] * query[i];
        scores[r] = s;
      }
      return topK(scores, k);
    },
  };
}

/** The k best rows, best first; ties keep row order (deterministic). */
export function topK(scores: Float64Array, k: number): Neighbour[] {
  const n = Math.min(k, scores.length);
  const order = Array.from({ length: scores.length }, (_, i) => i);
  if (n < scores.length / 8) {
    // Partial selection: keep a sorted list of the best n.
    const best: number[] = [];
    for (const i of order) {
      if (best.length === n && scores[i] <= scores[best[n - 1]]) continue;
      let at = best.length;
      while (at > 0 && scores[best[at - 1]] < scores[i]) at--;
      best.splice(at, 0, i);
      if (best.length > n) best.pop();
    }
    return best.map((key) => ({ key, score: scores[key] }));
  }
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, n).map((key) => ({ key, score: scores[key] }));
}

interface UsearchModule {
  Index: new (options: {
    metric: string;
    dimensions: number;
    connectivity: number;
    quantization: string;
  }) => {
    add(keys: BigUint64Array, vectors: Float32Array): void;
    search(
      query: Float32Array,
      k: number,
      threads: number,
    ): { keys: BigUint64Array; distances: Float32Array };
    size(): number;
  };
}

let usearch: UsearchModule | null = null;

function loadUsearch(): UsearchModule {
  if (usearch) return usearch;
  try {
    usearch = createRequire(import.meta.url)('usearch') as UsearchModule;
    return usearch;
  } catch (e) {
    throw new AlignError(`the usearch package does not load (${(e as Error).message}); use exact search`);
  }
}

/** An HNSW graph over the rows (usearch, cosine metric, f32). */
export function hnswIndex(vectors: Float32Array, dim: number): VectorIndex {
  const size = vectors.length / dim;
  if (!Number.isInteger(size)) throw new AlignError(`${vectors.length} values are not rows of ${dim}`);
  const { Index } = loadUsearch();
  const index = new Index({ metric: 'cos', dimensions: dim, connectivity: 16, quantization: 'f32' });
  if (size > 0) {
    const keys = new BigUint64Array(size);
    for (let i = 0; i < size; i++) keys[i] = BigInt(i);
    index.add(keys, vectors);
  }
  return {
    kind: 'hnsw',
    size,
    dim,
    search(query, k) {
      checkQuery(query, dim);
      if (size === 0) return [];
      const r = index.search(query, Math.min(k, size), 0);
      const out: Neighbour[] = [];
      for (let i = 0; i < r.keys.length; i++) out.push({ key: Number(r.keys[i]), score: 1 - r.distances[i] });
      return out;
    },
  };
}

export function buildIndex(vectors: Float32Array, dim: number, mode: IndexMode = 'auto'): VectorIndex {
  const size = vectors.length / dim;
  const hnsw = mode === 'hnsw' || (mode === 'auto' && size > EXACT_SEARCH_LIMIT);
  return hnsw ? hnswIndex(vectors, dim) : exactIndex(vectors, dim);
}
