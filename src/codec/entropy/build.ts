/** Encoder side: optimal length-limited code lengths from a histogram (package-merge). */
import { type HuffmanTable, MAX_ALPHABET_SIZE, MAX_CODE_LENGTH } from './table.js';

/**
 * Length-limited Huffman code for `histogram` (symbol → count), optimal among codes with no length above
 * `maxLength`, found with the package-merge (coin collector) algorithm in O(n · maxLength).
 * Unused symbols get length 0; a single used symbol gets length 1; an all-zero histogram gives all zeros.
 */
export function buildHuffmanTable(histogram: Uint32Array, maxLength: number): HuffmanTable {
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_CODE_LENGTH) {
    throw new RangeError(`maxLength ${maxLength} is not an integer in [1, ${MAX_CODE_LENGTH}]`);
  }
  if (histogram.length > MAX_ALPHABET_SIZE) {
    throw new RangeError(`alphabet of ${histogram.length} symbols exceeds ${MAX_ALPHABET_SIZE}`);
  }
  const lengths = new Uint8Array(histogram.length);
  let used = 0;
  for (let s = 0; s < histogram.length; s++) if (histogram[s] > 0) used++;
  if (used === 0) return { lengths };
  if (used > 2 ** maxLength)
    throw new RangeError(`${used} used symbols cannot have codes of at most ${maxLength} bits`);
  const bySymbol = new Uint32Array(used);
  for (let s = 0, k = 0; s < histogram.length; s++) if (histogram[s] > 0) bySymbol[k++] = s;
  if (used === 1) {
    lengths[bySymbol[0]] = 1;
    return { lengths };
  }
  const order = bySymbol.sort((a, b) => histogram[a] - histogram[b] || a - b);
  const codeLengths = packageMerge(
    Float64Array.from(order, (s) => histogram[s]),
    maxLength,
  );
  for (let k = 0; k < used; k++) lengths[order[k]] = codeLengths[k];
  return { lengths };
}

/**
 * Package-merge over leaves sorted by ascending weight (n ≥ 2, n ≤ 2^maxLength). The list at depth maxLength is
 * the leaves; each shallower list merges the leaves with pairs ("packages") of the deeper list. The 2n − 2
 * cheapest items of the depth-1 list are selected; a leaf's code length is the number of lists in which it is
 * selected. Leaves stay in weight order inside every merged list, so "selected" is always a prefix of them.
 */
function packageMerge(weights: Float64Array, maxLength: number): Uint8Array {
  const n = weights.length;
  // isLeafAt[d][j]: item j of the list at depth d + 1 is a leaf (depth maxLength is all leaves, not stored).
  const isLeafAt: Uint8Array[] = new Array(maxLength - 1);
  let deeper = weights;
  for (let depth = maxLength - 1; depth >= 1; depth--) {
    const packages = deeper.length >> 1;
    const merged = new Float64Array(n + packages);
    const leafFlags = new Uint8Array(n + packages);
    let leaf = 0;
    let pack = 0;
    for (let j = 0; j < merged.length; j++) {
      const packWeight = pack < packages ? deeper[2 * pack] + deeper[2 * pack + 1] : Number.POSITIVE_INFINITY;
      if (leaf < n && weights[leaf] <= packWeight) {
        merged[j] = weights[leaf++];
        leafFlags[j] = 1;
      } else {
        merged[j] = packWeight;
        pack++;
      }
    }
    isLeafAt[depth - 1] = leafFlags;
    deeper = merged;
  }
  const lengths = new Uint8Array(n);
  let selected = 2 * n - 2;
  for (let depth = 1; depth <= maxLength; depth++) {
    let leaves = selected;
    if (depth < maxLength) {
      const flags = isLeafAt[depth - 1];
      leaves = 0;
      for (let j = 0; j < selected; j++) leaves += flags[j];
    }
    for (let k = 0; k < leaves; k++) lengths[k]++;
    selected = 2 * (selected - leaves);
    if (selected === 0) break;
  }
  return lengths;
}
