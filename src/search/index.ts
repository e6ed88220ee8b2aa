/**
 * Retrieval inside the stream (paper §3.6, §4.3): libraries of aligned `.lirn` files searched by image,
 * embedding or text without decoding a frame, and the latent map (§4.4). Node-only parts (files, CLIP, usearch)
 * live here; the alignment itself is in src/codec/align.
 */
export { CLIP_SPACE_PREFIX, clipProvider, clipSpace, clipTextEmbedding } from './clip.js';
export { type AlignmentFlags, alignmentFromFlags } from './encode-alignment.js';
export { type LabelledVectors, RECALL_KS, recallAtK } from './evaluate.js';
export { type MapInput, type MapSpace, mapInput, type UmapOptions, umap2d } from './latent-map.js';
export { Library, type LibraryVideo, type SearchHit, type SearchOptions } from './library.js';
export { imageQuery, providerForSpace, type Query, textQuery, vectorQuery } from './query.js';
export { renderMapSvg, type SvgMapOptions, viridis } from './svg-map.js';
export {
  buildIndex,
  EXACT_SEARCH_LIMIT,
  exactIndex,
  hnswIndex,
  type IndexMode,
  type Neighbour,
  type VectorIndex,
} from './vector-index.js';
export {
  levelVectors,
  meanPool,
  SEARCH_LEVELS,
  type SearchLevel,
  type Span,
  type VideoVectors,
  videoVectors,
} from './vectors.js';
