/** Errors of the alignment and retrieval layer: bad feature files, mismatched dimensions, missing models. */
export class AlignError extends Error {
  override name = 'AlignError';
}
