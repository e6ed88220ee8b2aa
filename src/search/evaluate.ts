/**
 * Retrieval evaluation in the paper's protocol (§4.3, appendix C): every query ranks the whole database by
 * cosine similarity; recall@k is the share of queries with at least one relevant item among the first k. The
 * same queries run against two databases (raw features vs stored latents) to compare them.
 */
import { normalizeRows } from '../codec/align/cosine.js';
import { exactIndex } from './vector-index.js';

export interface LabelledVectors {
  dim: number;
  /** rows × dim (normalized here, in place on a copy). */
  vectors: Float32Array;
  /** Per row: what it belongs to, e.g. `video` or `video/segment`. */
  labels: string[];
}

export const RECALL_KS = [1, 5, 10] as const;

/** recall@k (in %) for each k: a query hits when one of its top-k database rows has the query's label. */
export function recallAtK(
  database: LabelledVectors,
  queries: LabelledVectors,
  ks: readonly number[] = RECALL_KS,
): number[] {
  const rows = database.labels.length;
  const db = normalizeRows(database.vectors.slice(), rows, database.dim);
  const index = exactIndex(db, database.dim);
  const q = normalizeRows(queries.vectors.slice(), queries.labels.length, queries.dim);
  const maxK = Math.max(...ks);
  const hits = ks.map(() => 0);
  for (let i = 0; i < queries.labels.length; i++) {
    const ranked = index.search(q.subarray(i * queries.dim, (i + 1) * queries.dim), maxK);
    const first = ranked.findIndex((n) => database.labels[n.key] === queries.labels[i]);
    ks.forEach((k, j) => {
      if (first >= 0 && first < k) hits[j]++;
    });
  }
  return hits.map((h) => (100 * h) / Math.max(1, queries.labels.length));
}
